/**
 * Reading `im.message.receive_v1` events: who, where, which conversation, and the text the
 * user typed. Pure functions over untrusted JSON: anything malformed yields null, never a throw.
 */

export interface FeishuMention {
  key: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
  name?: string;
  mentioned_type?: string;
}

export interface MessageEvent {
  event_id?: string;
  sender?: { sender_id?: { open_id?: string; user_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    root_id?: string;
    parent_id?: string;
    thread_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: FeishuMention[];
  };
}

export interface ParsedMessage {
  eventId?: string;
  messageId: string;
  chatId: string;
  isGroup: boolean;
  userId: string;
  conversationId: string;
  messageType: string;
  /** Parsed `content` JSON (shape depends on messageType). */
  content: Record<string, unknown>;
  mentions: FeishuMention[];
}

export function parseMessageEvent(data: unknown): ParsedMessage | null {
  if (!data || typeof data !== 'object') return null;
  const ev = data as MessageEvent;
  const m = ev.message;
  if (!m || typeof m !== 'object') return null;
  const messageId = str(m.message_id);
  const chatId = str(m.chat_id);
  const userId = str(ev.sender?.sender_id?.open_id);
  if (!messageId || !chatId || !userId) return null;
  // Only people: other bots (and our own echoes) must never start a loop.
  if (ev.sender?.sender_type && ev.sender.sender_type !== 'user') return null;
  const isGroup = str(m.chat_type) !== 'p2p';
  let content: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(str(m.content) || '{}');
    if (parsed && typeof parsed === 'object') content = parsed as Record<string, unknown>;
  } catch {
    content = {};
  }
  return {
    eventId: str(ev.event_id) || undefined,
    messageId,
    chatId,
    isGroup,
    userId,
    // In a group the thread starts at the first message we answer (reply_in_thread), so the
    // root id of later messages equals that first message id; a DM is one conversation.
    conversationId: isGroup ? str(m.root_id) || messageId : chatId,
    messageType: str(m.message_type),
    content,
    mentions: Array.isArray(m.mentions) ? m.mentions.filter((x) => x && typeof x.key === 'string') : [],
  };
}

/**
 * Whether the bot was @-mentioned. With the bot's open_id known, match it exactly; without it,
 * trust a mention flagged as a bot (Feishu only delivers group messages that @ the bot unless
 * the app holds the read-all-group-messages scope).
 */
export function mentionsBot(mentions: FeishuMention[], botOpenId: string | undefined): boolean {
  if (botOpenId) return mentions.some((m) => m.id?.open_id === botOpenId);
  return mentions.some((m) => m.mentioned_type === 'bot' || m.mentioned_type === undefined);
}

/** Replaces mention keys (`@_user_1`): the bot's own disappears, people become their names. */
export function resolveMentions(text: string, mentions: FeishuMention[], botOpenId: string | undefined): string {
  let out = text;
  // Longest keys first so `@_user_1` does not eat the start of `@_user_10`.
  for (const m of [...mentions].sort((a, b) => b.key.length - a.key.length)) {
    const isBot = botOpenId ? m.id?.open_id === botOpenId : m.mentioned_type === 'bot' || m.mentioned_type === undefined;
    out = out.split(m.key).join(isBot ? '' : m.name ? `@${m.name}` : '');
  }
  out = out.replace(/@_all\b/g, '').replace(/@_user_\d+/g, '');
  return out.replace(/[ \t]+/g, ' ').replace(/^\s+|\s+$/g, '');
}

interface PostElement {
  tag?: string;
  text?: string;
  user_id?: string;
  user_name?: string;
  emoji_type?: string;
  language?: string;
}

/**
 * Rich text (`post`) as plain text: text, links, code blocks and @-mentions, one line per
 * paragraph. Handles both `{title, content}` and the locale-wrapped `{zh_cn: {...}}` shapes.
 */
export function postToText(content: Record<string, unknown>, mentions: FeishuMention[], botOpenId: string | undefined): string {
  let body = content;
  if (!Array.isArray(body.content)) {
    const localized = Object.values(content).find((v) => v && typeof v === 'object' && Array.isArray((v as { content?: unknown }).content));
    if (localized) body = localized as Record<string, unknown>;
  }
  const lines: string[] = [];
  const title = str(body.title);
  if (title) lines.push(title);
  const paragraphs = Array.isArray(body.content) ? body.content : [];
  for (const para of paragraphs) {
    if (!Array.isArray(para)) continue;
    const parts: string[] = [];
    for (const el of para as PostElement[]) {
      if (!el || typeof el !== 'object') continue;
      switch (el.tag) {
        case 'text':
        case 'a':
        case 'code_block':
        case 'md':
          parts.push(str(el.text));
          break;
        case 'at':
          // Kept as the key so resolveMentions treats it like a text message.
          parts.push(str(el.user_id) || (el.user_name ? `@${el.user_name}` : ''));
          break;
        case 'emotion':
          break;
        default:
          break;
      }
    }
    lines.push(parts.join(''));
  }
  return resolveMentions(lines.join('\n'), mentions, botOpenId);
}

/** The question text of a `text` or `post` message; null for other types. */
export function messageText(msg: ParsedMessage, botOpenId: string | undefined): string | null {
  if (msg.messageType === 'text') return resolveMentions(str(msg.content.text), msg.mentions, botOpenId);
  if (msg.messageType === 'post') return postToText(msg.content, msg.mentions, botOpenId);
  return null;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

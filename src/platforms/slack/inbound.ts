/**
 * Slack payloads in, the core's shapes out. Pure functions over Bolt's own payload types; the
 * payloads are still untrusted at run time, so each field is checked before it is used and
 * anything unusable yields null instead of a throw.
 */
import type { BlockAction, EventFromType, MessageShortcut, SlashCommand } from '@slack/bolt';
import type { IncomingAction, IncomingCommand, IncomingFile, IncomingMessage, Origin } from '../../core/types.js';
import type { SlackFileRef } from './files.js';

/** A mention or a direct message, read from its event. */
export interface UserMessage {
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
  files?: SlackFileRef[];
  eventId?: string;
  /** The workspace the message came from (needed to stream an answer outside a DM). */
  teamId?: string;
  isDm: boolean;
  /** Slack redelivers events it thinks were not acked; a redelivery is almost always a duplicate. */
  isRetry: boolean;
}

/** Where an interaction happened, so its reply can go back there. */
export interface Where {
  channelId: string;
  userId: string;
  threadTs?: string;
  messageTs?: string;
  isEphemeral: boolean;
  responseUrl?: string;
}

/**
 * The conversation (follow-up memory) an interaction belongs to: its thread when it has one;
 * else a DM as a whole, or the message it starts from; a slash command, which has neither
 * thread nor message, continues the user's running conversation in that channel.
 */
export function conversationOf(at: { channelId: string; userId?: string; threadTs?: string; messageTs?: string; directMessage?: boolean; slashCommand?: boolean }): string {
  if (at.threadTs) return at.threadTs;
  if (at.slashCommand) return `cmd:${at.channelId}:${at.userId ?? ''}`;
  if (at.directMessage) return at.channelId;
  return at.messageTs ?? at.channelId;
}

/** Where the answer to a message goes: a mention's thread; a DM in place unless the user threads. */
export function replyThreadOf(m: UserMessage): string | undefined {
  return m.isDm ? m.threadTs : (m.threadTs ?? m.ts);
}

type Fields = Readonly<Record<string, unknown>>;
const fieldsOf = (x: object): Fields => x as Fields;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function userMessage(e: Fields, eventId: unknown, retryNum: number | undefined, isDm: boolean): UserMessage | null {
  const channel = str(e.channel);
  const user = str(e.user);
  const ts = str(e.ts);
  if (!channel || !user || !ts) return null;
  return {
    channel,
    user,
    text: str(e.text) ?? '',
    ts,
    threadTs: str(e.thread_ts),
    files: Array.isArray(e.files) ? e.files.filter((f): f is SlackFileRef => Boolean(f) && typeof f === 'object') : undefined,
    eventId: str(eventId),
    teamId: str(e.team),
    isDm,
    isRetry: (retryNum ?? 0) > 0,
  };
}

/** An `app_mention` in a channel; mentions inside DMs also arrive as `message.im` and are answered there. */
export function mentionMessage(event: EventFromType<'app_mention'>, eventId: unknown, retryNum: number | undefined): UserMessage | null {
  const e = fieldsOf(event);
  if (e.channel_type === 'im' || e.bot_id || e.subtype) return null;
  return userMessage(e, eventId, retryNum, false);
}

/** A `message.im` from a person. Edits, deletions, joins and bot posts carry a subtype; uploads are real messages. */
export function directMessage(
  event: EventFromType<'message'>,
  eventId: unknown,
  retryNum: number | undefined,
  botUserId: string | undefined,
): UserMessage | null {
  const e = fieldsOf(event);
  if (e.channel_type !== 'im') return null;
  const subtype = str(e.subtype);
  if (subtype && subtype !== 'file_share' && subtype !== 'thread_broadcast') return null;
  if (e.bot_id || e.bot_profile || (botUserId && e.user === botUserId)) return null;
  return userMessage(e, eventId, retryNum, true);
}

export function messageOrigin(m: UserMessage): Origin {
  return {
    platform: 'slack',
    userId: m.user,
    channelId: m.channel,
    conversationId: conversationOf({ channelId: m.channel, threadTs: m.threadTs, messageTs: m.ts, directMessage: m.isDm }),
  };
}

/** The core's message; its event ids catch both an event redelivery and the same message seen twice. */
export function coreMessage(m: UserMessage, text: string, files: IncomingFile[]): IncomingMessage {
  const eventIds = [m.eventId ? `slack:event:${m.eventId}` : '', `slack:msg:${m.channel}:${m.ts}`].filter(Boolean);
  return { ...messageOrigin(m), text, files: files.length ? files : undefined, eventIds };
}

export function commandOrigin(command: Pick<SlashCommand, 'user_id' | 'channel_id'>): Origin {
  return {
    platform: 'slack',
    userId: command.user_id,
    channelId: command.channel_id,
    conversationId: conversationOf({ channelId: command.channel_id, userId: command.user_id, slashCommand: true }),
  };
}

export function coreCommand(command: SlashCommand): IncomingCommand {
  return {
    ...commandOrigin(command),
    name: String(command.command ?? '').replace(/^\//, '').toLowerCase(),
    args: str(command.text) ?? '',
    eventIds: command.trigger_id ? [`slack:trigger:${command.trigger_id}`] : undefined,
  };
}

/** Where a button was pressed; null without a channel (e.g. a press on the App Home). */
export function whereOf(body: BlockAction): Where | null {
  const container = fieldsOf(body.container ?? {});
  const channelId = body.channel?.id ?? str(container.channel_id);
  if (!channelId || !body.user?.id) return null;
  return {
    channelId,
    userId: body.user.id,
    messageTs: str(body.message?.ts) ?? str(container.message_ts),
    threadTs: str(body.message?.thread_ts) ?? str(container.thread_ts),
    isEphemeral: container.is_ephemeral === true,
    responseUrl: str(body.response_url),
  };
}

export function whereOrigin(where: Where): Origin {
  return {
    platform: 'slack',
    userId: where.userId,
    channelId: where.channelId,
    conversationId: conversationOf({ channelId: where.channelId, threadTs: where.threadTs, messageTs: where.messageTs }),
  };
}

/** The pressed element's id and value; null for elements that carry no action id. */
export function pressedAction(action: object): { actionId: string; value: string; actionTs?: string } | null {
  const a = fieldsOf(action);
  const actionId = str(a.action_id);
  if (!actionId) return null;
  return { actionId, value: str(a.value) ?? '', actionTs: str(a.action_ts) };
}

export function coreAction(where: Where, actionId: string, value: string, eventKey: string, reason?: string): IncomingAction {
  return { ...whereOrigin(where), actionId, value, ...(reason !== undefined ? { reason } : {}), eventIds: [eventKey] };
}

/** The "Pre-check this contract" message shortcut as a `/precheck` of the message's text and files. */
export function shortcutOrigin(s: MessageShortcut): Origin {
  return {
    platform: 'slack',
    userId: s.user.id,
    channelId: s.channel.id,
    conversationId: conversationOf({ channelId: s.channel.id, threadTs: str(s.message.thread_ts), messageTs: str(s.message.ts) }),
  };
}

export function shortcutFiles(s: MessageShortcut): SlackFileRef[] | undefined {
  const files: unknown = s.message.files;
  return Array.isArray(files) ? files.filter((f): f is SlackFileRef => Boolean(f) && typeof f === 'object') : undefined;
}

/** Removes the bot's own mention (`<@U123>` or `<@U123|name>`) so the question reads naturally. */
export function stripMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.replace(/^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*/, '').trim();
  const re = new RegExp(`<@${botUserId}(?:\\|[^>]*)?>[ \\t]?`, 'g');
  return text.replace(re, '').trim();
}

import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { BotCore } from '../../core/core.js';
import type { ActionResult, ChatPort, IncomingFile, Origin, PostTarget, Reply } from '../../core/types.js';
import type { AppConfig } from '../../config/config.js';
import type { HttpServer } from '../../server/http.js';
import { FeishuApi, FileTooLargeError, resolveDomain, sdkLogger, type RetryPolicy } from './api.js';
import { mentionsBot, messageText, parseMessageEvent, type ParsedMessage } from './incoming.js';
import { progressCard, renderReply, type ButtonValue, type FeishuCard } from './render.js';
import { createWebhookHandler } from './webhook.js';

export const FEISHU_EVENTS_PATH = '/feishu/events';
export const FEISHU_CARD_PATH = '/feishu/card';
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type FeishuConfig = Pick<
  AppConfig,
  'FEISHU_APP_ID' | 'FEISHU_APP_SECRET' | 'FEISHU_ENCRYPT_KEY' | 'FEISHU_VERIFICATION_TOKEN' | 'FEISHU_DOMAIN' | 'FEISHU_MODE'
>;

/** Claims ids once (the core's EventDeduper fits); used for replies that never reach the core. */
export interface IdClaimer {
  claim(ids: readonly string[] | undefined): boolean;
}

export interface FeishuTuning {
  /** Answers slower than this first get a "🔎 looking it up" card that is then patched. */
  progressDelayMs: number;
  maxFileBytes: number;
  retry: Partial<RetryPolicy>;
}

export interface FeishuAdapterDeps {
  config: FeishuConfig;
  core: BotCore;
  /** Required in webhook mode: `/feishu/events` and `/feishu/card` are mounted on it. */
  server?: HttpServer;
  log: Logger;
  /** Pass the core's EventDeduper so polite replies to stickers etc. also survive restarts. */
  dedupe?: IdClaimer;
  tuning?: Partial<FeishuTuning>;
}

export interface FeishuAdapter {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly port: ChatPort;
  /** Resolves when every event handed off so far has been answered (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** The event/callback dispatcher shared by both modes (exposed for tests and diagnostics). */
  readonly dispatcher: lark.EventDispatcher;
}

const TEXT = {
  unsupported:
    '抱歉，我目前只能读文字消息和合同文件（docx/pdf/txt）。请直接用文字提问，或发送 /help 查看命令。' +
    '\nSorry, I can only read text messages and contract files — please type your question or send /help.',
  tooLarge: (mb: number) => `文件超过 ${mb} MB，无法处理，请发送更小的文件。The file is larger than ${mb} MB; please send a smaller one.`,
  downloadFailed: '抱歉，文件下载失败，请稍后重新发送。Sorry, I could not download the file — please send it again.',
  apology: '抱歉，回复发送失败，请稍后再试。Sorry, I could not send the answer — please try again.',
  reasonMissing: '请先填写原因。Please enter a reason first.',
  invalidAction: '无法识别的操作。Unknown action.',
  formSaved: '已提交。Submitted.',
};

class MemoryClaimer implements IdClaimer {
  private readonly seen = new Set<string>();
  claim(ids: readonly string[] | undefined): boolean {
    const keys = (ids ?? []).filter(Boolean);
    const fresh = keys.every((k) => !this.seen.has(k));
    for (const k of keys) this.seen.add(k);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value as string);
    return fresh;
  }
}

interface CardActionEvent {
  event_id?: string;
  operator?: { open_id?: string };
  context?: { open_chat_id?: string; open_message_id?: string };
  open_chat_id?: string;
  open_message_id?: string;
  action?: { value?: unknown; form_value?: Record<string, unknown>; input_value?: string };
}

type CardCallbackResponse = {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: { type: 'raw'; data: FeishuCard };
};

export function createFeishuAdapter(deps: FeishuAdapterDeps): FeishuAdapter {
  const { config, core, log } = deps;
  if (!config.FEISHU_APP_ID || !config.FEISHU_APP_SECRET) throw new Error('FEISHU_APP_ID and FEISHU_APP_SECRET are required');
  const mode = config.FEISHU_MODE;
  if (mode === 'webhook') {
    // Without the encrypt key nothing is signed, so anyone could post fake events.
    if (!config.FEISHU_ENCRYPT_KEY) throw new Error('FEISHU_MODE=webhook needs FEISHU_ENCRYPT_KEY (and FEISHU_VERIFICATION_TOKEN)');
    if (!deps.server) throw new Error('FEISHU_MODE=webhook needs the shared HttpServer');
  }
  const tuning: FeishuTuning = { progressDelayMs: 1500, maxFileBytes: MAX_FILE_BYTES, retry: {}, ...deps.tuning };
  const domain = resolveDomain(config.FEISHU_DOMAIN);
  const api = new FeishuApi({ appId: config.FEISHU_APP_ID, appSecret: config.FEISHU_APP_SECRET, domain, log, retry: tuning.retry });
  const claimer = deps.dedupe ?? new MemoryClaimer();
  const inflight = new Set<Promise<unknown>>();
  let botOpenId: string | undefined;
  let botLookup: Promise<string | undefined> | undefined;
  let ws: lark.WSClient | undefined;

  const track = (p: Promise<unknown>) => {
    const t = p.catch((err) => log.error({ err: errSummary(err) }, 'feishu: background task failed')).finally(() => inflight.delete(t));
    inflight.add(t);
  };

  let lookupFailedAt = 0;
  async function resolveBotOpenId(): Promise<string | undefined> {
    if (botOpenId) return botOpenId;
    // After a failure, do not hold every group message's 3-second ack hostage to a retry.
    if (Date.now() - lookupFailedAt < 60_000) return undefined;
    botLookup ??= api
      .botOpenId()
      .then((id) => (botOpenId = id))
      .catch((err) => {
        lookupFailedAt = Date.now();
        log.warn({ err: errSummary(err) }, 'feishu: bot info unavailable; trusting bot mentions');
        return undefined;
      })
      .finally(() => (botLookup = undefined));
    return botLookup;
  }

  /** Sends the cards as replies; the first one may replace a progress card instead. */
  async function deliver(messageId: string, inThread: boolean, cards: FeishuCard[], progressId?: string): Promise<void> {
    let rest = cards;
    if (progressId && cards.length) {
      try {
        await api.patchCard(progressId, cards[0]!);
        rest = cards.slice(1);
      } catch (err) {
        log.warn({ err: errSummary(err) }, 'feishu: patching the progress card failed; replying instead');
      }
    }
    for (const card of rest) await api.replyCard(messageId, card, inThread);
  }

  async function apologise(messageId: string, inThread: boolean): Promise<void> {
    try {
      await api.replyText(messageId, TEXT.apology, inThread);
    } catch (err) {
      log.error({ err: errSummary(err), messageId }, 'feishu: could not even send the apology');
    }
  }

  /** A reply that does not come from the core still must not repeat on redelivery. */
  async function politeReply(msg: ParsedMessage, text: string, tag: string): Promise<void> {
    if (!claimer.claim([`feishu:${tag}:${msg.messageId}`])) return;
    try {
      await api.replyText(msg.messageId, text, msg.isGroup);
    } catch (err) {
      log.warn({ err: errSummary(err) }, 'feishu: polite reply failed');
    }
  }

  async function readFiles(msg: ParsedMessage): Promise<IncomingFile[] | null> {
    const fileKey = typeof msg.content.file_key === 'string' ? msg.content.file_key : '';
    const name = typeof msg.content.file_name === 'string' ? msg.content.file_name : 'file';
    if (!fileKey) return null;
    try {
      const { data, mimeType } = await api.downloadFile(msg.messageId, fileKey, tuning.maxFileBytes);
      return [{ name, mimeType, size: data.byteLength, data }];
    } catch (err) {
      if (err instanceof FileTooLargeError) {
        await politeReply(msg, TEXT.tooLarge(Math.round(tuning.maxFileBytes / 1024 / 1024)), 'toolarge');
      } else {
        log.warn({ err: errSummary(err) }, 'feishu: file download failed');
        await politeReply(msg, TEXT.downloadFailed, 'download');
      }
      return null;
    }
  }

  async function processMessage(msg: ParsedMessage): Promise<void> {
    const bot = msg.isGroup ? await resolveBotOpenId() : botOpenId;
    let text = '';
    let files: IncomingFile[] | undefined;
    if (msg.messageType === 'file') {
      const got = await readFiles(msg);
      if (!got) return;
      files = got;
    } else {
      const read = messageText(msg, bot);
      if (read === null) return politeReply(msg, TEXT.unsupported, 'unsupported');
      text = read;
    }
    const origin: Origin = { platform: 'feishu', userId: msg.userId, channelId: msg.chatId, conversationId: msg.conversationId };
    log.info({ messageId: msg.messageId, type: msg.messageType, group: msg.isGroup, chars: text.length, files: files?.length ?? 0 }, 'feishu message');

    const eventIds = [msg.eventId ? `feishu:${msg.eventId}` : '', `feishu:${msg.messageId}`].filter(Boolean);
    const pending = core.handleMessage({ ...origin, text, files, eventIds });
    // A quick answer (or a repeat event, which resolves at once) is sent in one go; a slow one
    // gets a progress card first so the user sees the bot working.
    const early = await Promise.race([
      pending.then((reply) => ({ reply })),
      new Promise<null>((r) => setTimeout(() => r(null), tuning.progressDelayMs)),
    ]);
    let progressId: string | undefined;
    let reply: Reply | null;
    if (early) {
      reply = early.reply;
    } else {
      try {
        progressId = (await api.replyCard(msg.messageId, progressCard(), msg.isGroup)).messageId || undefined;
      } catch (err) {
        log.warn({ err: errSummary(err) }, 'feishu: progress card failed');
      }
      reply = await pending;
    }
    if (!reply) {
      log.info({ messageId: msg.messageId }, 'feishu: repeat event ignored');
      return;
    }
    try {
      await deliver(msg.messageId, msg.isGroup, renderReply(reply), progressId);
    } catch (err) {
      log.error({ err: errSummary(err), messageId: msg.messageId }, 'feishu: reply failed');
      await apologise(msg.messageId, msg.isGroup);
    }
  }

  /** `im.message.receive_v1`: acknowledge at once (Feishu redelivers after 3 s) and answer in the background. */
  async function onMessage(data: unknown): Promise<Record<string, never>> {
    const msg = parseMessageEvent(data);
    if (!msg) {
      log.debug('feishu: message event ignored (malformed or not from a person)');
      return {};
    }
    if (msg.isGroup) {
      const bot = await resolveBotOpenId();
      if (!mentionsBot(msg.mentions, bot)) {
        log.debug({ messageId: msg.messageId }, 'feishu: group message without a mention ignored');
        return {};
      }
    }
    track(processMessage(msg));
    return {};
  }

  function toResponse(result: ActionResult | null, ctx: { messageId?: string; chatId?: string }): CardCallbackResponse {
    if (!result) return {};
    const out: CardCallbackResponse = {};
    if (result.toast) out.toast = { type: result.toastKind ?? 'info', content: result.toast };
    if (result.replaceOriginal) {
      const cards = renderReply(result.replaceOriginal);
      out.card = { type: 'raw', data: cards[0]! };
      if (ctx.messageId) for (const extra of cards.slice(1)) track(api.replyCard(ctx.messageId, extra, false));
    }
    if (result.postInChannel) {
      const cards = renderReply(result.postInChannel);
      // Posting can take longer than the 3 s callback window, so it runs after the answer.
      track(
        (async () => {
          for (const card of cards) {
            if (ctx.messageId) await api.replyCard(ctx.messageId, card, false);
            else if (ctx.chatId) await api.sendCard('chat_id', ctx.chatId, card);
          }
        })(),
      );
    }
    return out;
  }

  /** `card.action.trigger`: buttons and form submits; the return value is the callback response (toast/card). */
  async function onCardAction(data: unknown): Promise<CardCallbackResponse> {
    const ev = (data && typeof data === 'object' ? data : {}) as CardActionEvent;
    const userId = ev.operator?.open_id;
    const chatId = ev.context?.open_chat_id ?? ev.open_chat_id ?? '';
    const messageId = ev.context?.open_message_id ?? ev.open_message_id;
    let value: unknown = ev.action?.value;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        value = undefined;
      }
    }
    if (!userId || !value || typeof value !== 'object') return { toast: { type: 'error', content: TEXT.invalidAction } };
    const v = value as Partial<Record<string, unknown>>;
    const origin: Origin = { platform: 'feishu', userId, channelId: chatId, conversationId: chatId };
    const formValue = ev.action?.form_value && typeof ev.action.form_value === 'object' ? ev.action.form_value : {};
    const ids = ev.event_id ? [`feishu:${ev.event_id}`] : undefined;

    if (typeof v.form === 'string') {
      const labels = (v.labels && typeof v.labels === 'object' ? v.labels : {}) as Record<string, string>;
      const values = Object.fromEntries(Object.entries(formValue).map(([k, x]) => [k, formString(x)]));
      const result = await core.handleForm({ ...origin, formId: v.form, values });
      log.info({ form: v.form, ok: result.ok }, 'feishu form submitted');
      if (!result.ok) {
        // Keep the card (and what was typed): only a toast that names the fields to fix.
        const content = result.errors.map((e) => (e.field === '_form' ? e.message : `${labels[e.field] ?? e.field}：${e.message}`)).join('；');
        return { toast: { type: 'error', content: content.slice(0, 300) } };
      }
      return toResponse({ replaceOriginal: result.reply, toast: TEXT.formSaved, toastKind: 'success' }, { messageId, chatId });
    }

    if (typeof v.action === 'string') {
      const reason = formString(formValue.reason ?? ev.action?.input_value).trim();
      if (v.needsReason && !reason) return { toast: { type: 'error', content: TEXT.reasonMissing } };
      const result = await core.handleAction({
        ...origin,
        actionId: v.action,
        value: typeof v.value === 'string' ? v.value : '',
        reason: reason || undefined,
        eventIds: ids,
      });
      log.info({ action: v.action, repeat: result === null }, 'feishu card action');
      return toResponse(result, { messageId, chatId });
    }
    return { toast: { type: 'error', content: TEXT.invalidAction } };
  }

  const dispatcher = new lark.EventDispatcher({
    encryptKey: config.FEISHU_ENCRYPT_KEY,
    verificationToken: config.FEISHU_VERIFICATION_TOKEN,
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.debug,
  }).register({
    'im.message.receive_v1': (data) => onMessage(data),
    'card.action.trigger': (data: unknown) => onCardAction(data),
  } as Parameters<lark.EventDispatcher['register']>[0]);

  async function post(target: PostTarget, reply: Reply): Promise<string> {
    const cards = renderReply(reply);
    let first = '';
    for (const card of cards) {
      const sent = target.threadId
        ? await api.replyCard(target.threadId, card, true)
        : await api.sendCard('chat_id', target.channelId, card);
      first ||= sent.messageId;
    }
    return first;
  }

  async function notifyUser(userId: string, reply: Reply): Promise<void> {
    for (const card of renderReply(reply)) await api.sendCard('open_id', userId, card);
  }

  const port: ChatPort = { platform: 'feishu', post, notifyUser };

  return {
    port,
    dispatcher,
    async start() {
      core.registerPort(port);
      void resolveBotOpenId();
      if (mode === 'webhook') {
        const handler = createWebhookHandler({
          dispatcher,
          encryptKey: config.FEISHU_ENCRYPT_KEY!,
          verificationToken: config.FEISHU_VERIFICATION_TOKEN,
          log,
        });
        deps.server!.mount(FEISHU_EVENTS_PATH, handler);
        deps.server!.mount(FEISHU_CARD_PATH, handler);
        log.info({ mode, paths: [FEISHU_EVENTS_PATH, FEISHU_CARD_PATH] }, 'feishu adapter ready');
        return;
      }
      if (!/^cli_[0-9a-f]{16}$/i.test(config.FEISHU_APP_ID!)) {
        // The SDK would only log this at error level (routed to debug here) and never connect.
        log.error('FEISHU_APP_ID does not look like a Feishu app id (cli_ + 16 hex digits); the long connection will not start');
      }
      ws = new lark.WSClient({
        appId: config.FEISHU_APP_ID!,
        appSecret: config.FEISHU_APP_SECRET!,
        domain,
        logger: sdkLogger(log),
        loggerLevel: lark.LoggerLevel.debug,
        onReady: () => log.info({ mode }, 'feishu long connection ready'),
        onReconnecting: () => log.warn('feishu long connection lost; reconnecting'),
        onReconnected: () => log.info('feishu long connection restored'),
        onError: (err: Error) => log.error({ err: errSummary(err) }, 'feishu long connection failed'),
      });
      await ws.start({ eventDispatcher: dispatcher });
    },
    async stop() {
      ws?.close({ force: true });
      ws = undefined;
      await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 10_000))]);
    },
    async idle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };
}

function formString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(formString).join(',');
  return '';
}

function errSummary(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message.slice(0, 200) };
  return { name: 'Unknown', message: String(err).slice(0, 200) };
}

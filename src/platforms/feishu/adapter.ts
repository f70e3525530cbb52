import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { BotCore } from '../../core/core.js';
import type { ChatPort, PostTarget, Reply } from '../../core/types.js';
import { errorSummary } from '../../log/errors.js';
import type { HttpServer } from '../../server/http.js';
import { AnswerLane } from '../shared/answer-lane.js';
import { InFlight } from '../shared/in-flight.js';
import { MAX_UPLOAD_BYTES } from '../../core/limits.js';
import { FeishuApi, resolveDomain, sdkLogger, type RetryPolicy } from './api.js';
import { createCardActionHandler } from './card-actions.js';
import { createMessageHandler, type BotIdentity, type IdClaimer } from './messages.js';
import { renderReply } from './render.js';
import { createWebhookHandler } from './webhook.js';

export type { IdClaimer } from './messages.js';

export const FEISHU_EVENTS_PATH = '/feishu/events';
export const FEISHU_CARD_PATH = '/feishu/card';
export const MAX_FILE_BYTES = MAX_UPLOAD_BYTES;

/** What the Feishu adapter reads from the environment (a subset of the app config). */
export interface FeishuConfig {
  FEISHU_APP_ID?: string;
  FEISHU_APP_SECRET?: string;
  FEISHU_ENCRYPT_KEY?: string;
  FEISHU_VERIFICATION_TOKEN?: string;
  FEISHU_DOMAIN: string;
  FEISHU_MODE: 'ws' | 'webhook';
  ANSWER_CONCURRENCY?: number;
  ANSWER_QUEUE_LIMIT?: number;
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
  /** Told the label of every Open API call that failed (metrics). */
  onApiError?: (label: string) => void;
}

export interface FeishuAdapter {
  start(): Promise<void>;
  /** Disconnects, then waits (up to 10 s) for answers already acknowledged to be sent. */
  stop(): Promise<void>;
  readonly port: ChatPort;
  /** Resolves when every event handed off so far has been answered (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** The event/callback dispatcher shared by both modes (exposed for tests and diagnostics). */
  readonly dispatcher: lark.EventDispatcher;
  /** Long connection: whether it is up now (for /healthz); webhook mode has none to report. */
  connection(): { connected: boolean; detail?: string } | null;
}

const STOP_GRACE_MS = 10_000;
/** After a failed bot-info lookup, do not hold every group message's 3-second ack hostage to a retry. */
const BOT_LOOKUP_BACKOFF_MS = 60_000;

/** Remembers ids in memory when no persistent claimer is passed (tests, the console). */
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

/**
 * Feishu/Lark ↔ bot core. The SDK's EventDispatcher feeds messages (messages.ts) and card
 * callbacks (card-actions.ts) from either the long connection or the webhook (webhook.ts).
 */
export function createFeishuAdapter(deps: FeishuAdapterDeps): FeishuAdapter {
  const { config, core, log } = deps;
  if (!config.FEISHU_APP_ID || !config.FEISHU_APP_SECRET) throw new Error('FEISHU_APP_ID and FEISHU_APP_SECRET are required');
  const mode = config.FEISHU_MODE;
  if (mode === 'webhook') {
    // Without the encrypt key nothing is signed, so anyone could post fake events.
    if (!config.FEISHU_ENCRYPT_KEY) throw new Error('FEISHU_MODE=webhook needs FEISHU_ENCRYPT_KEY (and FEISHU_VERIFICATION_TOKEN)');
    if (!deps.server) throw new Error('FEISHU_MODE=webhook needs the shared HttpServer');
  }
  const tuning: FeishuTuning = { progressDelayMs: 1500, maxFileBytes: MAX_UPLOAD_BYTES, retry: {}, ...deps.tuning };
  const domain = resolveDomain(config.FEISHU_DOMAIN);
  const api = new FeishuApi({ appId: config.FEISHU_APP_ID, appSecret: config.FEISHU_APP_SECRET, domain, log, retry: tuning.retry, onError: deps.onApiError });
  const inFlight = new InFlight(log);
  let ws: lark.WSClient | undefined;
  let wsState: { connected: boolean; detail?: string } = { connected: false, detail: 'long connection not started' };

  let botOpenId: string | undefined;
  let botLookup: Promise<string | undefined> | undefined;
  let lookupFailedAt = 0;
  const bot: BotIdentity = {
    known: () => botOpenId,
    async resolve() {
      if (botOpenId) return botOpenId;
      if (Date.now() - lookupFailedAt < BOT_LOOKUP_BACKOFF_MS) return undefined;
      botLookup ??= api
        .botOpenId()
        .then((id) => (botOpenId = id))
        .catch((err: unknown) => {
          lookupFailedAt = Date.now();
          log.warn({ err: errorSummary(err) }, 'feishu: bot info unavailable; trusting bot mentions');
          return undefined;
        })
        .finally(() => (botLookup = undefined));
      return botLookup;
    },
  };

  const onMessage = createMessageHandler({
    core,
    api,
    log,
    claimer: deps.dedupe ?? new MemoryClaimer(),
    inFlight,
    bot,
    progress: { delayMs: tuning.progressDelayMs },
    uploadLimitBytes: tuning.maxFileBytes,
    lane: new AnswerLane({
      concurrency: config.ANSWER_CONCURRENCY ?? 2,
      queueLimit: config.ANSWER_QUEUE_LIMIT ?? 300,
      // Webhook mode: answers yield to webhook requests still waiting for their ack.
      ...(mode === 'webhook' && deps.server ? { yieldToAcks: () => deps.server!.yieldToRequests() } : {}),
    }),
  });
  const onCardAction = createCardActionHandler({ core, api, log, inFlight });

  const dispatcher = new lark.EventDispatcher({
    encryptKey: config.FEISHU_ENCRYPT_KEY,
    verificationToken: config.FEISHU_VERIFICATION_TOKEN,
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.debug,
  }).register({
    'im.message.receive_v1': (data) => onMessage(data),
    'card.action.trigger': (data: unknown) => onCardAction(data),
  } as Parameters<lark.EventDispatcher['register']>[0]);

  const port: ChatPort = {
    platform: 'feishu',
    async post(target: PostTarget, reply: Reply): Promise<string> {
      let first = '';
      for (const card of renderReply(reply)) {
        const sent = target.threadId ? await api.replyCard(target.threadId, card, true) : await api.sendCard('chat_id', target.channelId, card);
        first ||= sent.messageId;
      }
      return first;
    },
    async notifyUser(userId: string, reply: Reply): Promise<void> {
      for (const card of renderReply(reply)) await api.sendCard('open_id', userId, card);
    },
  };

  return {
    port,
    dispatcher,
    async start() {
      core.registerPort(port);
      void bot.resolve();
      if (mode === 'webhook') {
        const handler = createWebhookHandler({ dispatcher, encryptKey: config.FEISHU_ENCRYPT_KEY!, verificationToken: config.FEISHU_VERIFICATION_TOKEN, log });
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
        onReady: () => {
          wsState = { connected: true };
          log.info({ mode }, 'feishu long connection ready');
        },
        onReconnecting: () => {
          wsState = { connected: false, detail: 'long connection lost; reconnecting' };
          log.warn('feishu long connection lost; reconnecting');
        },
        onReconnected: () => {
          wsState = { connected: true };
          log.info('feishu long connection restored');
        },
        onError: (err: Error) => {
          wsState = { connected: false, detail: `long connection failed: ${errorSummary(err).message}` };
          log.error({ err: errorSummary(err) }, 'feishu long connection failed');
        },
      });
      await ws.start({ eventDispatcher: dispatcher });
    },
    async stop() {
      ws?.close({ force: true });
      ws = undefined;
      await inFlight.drain(STOP_GRACE_MS);
    },
    idle: () => inFlight.idle(),
    connection: () => (mode === 'ws' ? wsState : null),
  };
}

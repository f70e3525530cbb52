import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import { App, AuthorizationError, HTTPReceiver, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { BotCore } from '../../core/core.js';
import type { ChatPort, Origin, PostTarget, Reply } from '../../core/types.js';
import { DeliveryUncertainError } from '../../errors/delivery-uncertain.js';
import { errorSummary } from '../../log/errors.js';
import { HttpServer, readBodyWithin } from '../../server/http.js';
import { AnswerLane, nextTurn } from '../shared/answer-lane.js';
import { InFlight } from '../shared/in-flight.js';
import { MAX_UPLOAD_BYTES } from '../../core/limits.js';
import { earlyAckable } from './fast-ack.js';
import { downloadSlackFiles, type FileDownloadResult, type SlackFileRef } from './files.js';
import { createSlackHandlers } from './handlers.js';
import { countApiErrors, mayHaveLanded } from './api-errors.js';
import { boltLogger } from './logger.js';
import { PendingForms } from './modals.js';
import { SlackResponder } from './respond.js';

export { APOLOGY_TEXT, PROGRESS_TEXT as SEARCHING_TEXT } from '../shared/texts.js';
export { stripMention } from './inbound.js';

export const SLACK_EVENTS_PATH = '/slack/events';
export const PRECHECK_SHORTCUT = 'precheck_message';

/** What the Slack adapter reads from the environment (a subset of the app config). */
export interface SlackConfig {
  SLACK_BOT_TOKEN?: string;
  SLACK_SIGNING_SECRET?: string;
  SLACK_APP_TOKEN?: string;
  SLACK_API_URL?: string;
  PORT: number;
  ANSWER_CONCURRENCY?: number;
  ANSWER_QUEUE_LIMIT?: number;
}

export interface SlackAdapterOptions {
  config: SlackConfig;
  core: BotCore;
  /** Shared HTTP server (HTTP mode). Without one the adapter listens on config.PORT itself. */
  server?: HttpServer;
  log: Logger;
  now?: () => number;
  /** Web API retry policy (p-retry options). 429s always wait for Retry-After before a retry. */
  retry?: { retries: number; minTimeoutMs: number; maxTimeoutMs: number };
  /** Per-call Web API timeout. */
  apiTimeoutMs?: number;
  maxFileBytes?: number;
  /** How long a view submission may take before the modal is closed and the result posted later. */
  formAckBudgetMs?: number;
  /** Told the method name of every Web API call that failed (metrics). */
  onApiError?: (method: string) => void;
}

export interface SlackAdapter {
  readonly mode: 'socket' | 'http';
  readonly port: ChatPort;
  /** Bolt's app, for tests and diagnostics. */
  readonly app: App;
  start(): Promise<void>;
  /** Disconnects, then waits (up to 10 s) for answers already acknowledged to be sent. */
  stop(): Promise<void>;
  /** Socket Mode: whether the WebSocket is up now (for /healthz); HTTP mode has none to report. */
  connection(): { connected: boolean; detail?: string } | null;
}

/** Bolt's own default request body limit. */
const SLACK_BODY_LIMIT = 4 * 1024 * 1024;
const STOP_GRACE_MS = 10_000;
/** The progress note is worth a short wait only: the answer does not wait longer for it. */
const ONE_TRY_TIMEOUT_MS = 5_000;

/**
 * Slack ↔ bot core. Bolt does the protocol work (signatures, retries headers, acks, socket
 * mode); this module only wires Bolt to the handlers (handlers.ts), which read payloads
 * (inbound.ts), ask the core and hand replies to the responder (respond.ts). In HTTP mode a
 * request whose ack carries nothing is acked before Bolt sees it (fast-ack.ts).
 */
export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const { config, core } = opts;
  const log = opts.log.child({ module: 'slack' });
  const token = config.SLACK_BOT_TOKEN;
  if (!token) throw new Error('SLACK_BOT_TOKEN is required for the Slack adapter');
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !config.SLACK_SIGNING_SECRET) {
    throw new Error('Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) for the Slack adapter');
  }
  const apiUrl = config.SLACK_API_URL ? withTrailingSlash(config.SLACK_API_URL) : undefined;
  const retry = opts.retry ?? { retries: 4, minTimeoutMs: 500, maxTimeoutMs: 10_000 };
  const apiTimeoutMs = opts.apiTimeoutMs ?? 15_000;
  const uploadLimitBytes = opts.maxFileBytes ?? MAX_UPLOAD_BYTES;
  const logger = boltLogger(opts.log);
  const clientOptions: webApi.WebClientOptions = {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: {
      retries: retry.retries,
      factor: 2,
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      // p-retry's hook (the client passes retryConfig to it): throwing stops the retries.
      onFailedAttempt: (err: unknown) => {
        if (mayHaveLanded(err)) throw err;
      },
    } as webApi.RetryOptions,
    timeout: apiTimeoutMs,
    rejectRateLimitedCalls: false,
  };

  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET!,
        endpoints: SLACK_EVENTS_PATH,
        logger,
        // Ack first, work after: Slack wants an answer within 3 s and retries otherwise.
        processBeforeResponse: false,
        signatureVerification: true,
        // A signed but malformed payload that breaks Bolt before any ack: 400, so Slack does not retry it.
        processEventErrorHandler: async ({ error, response }) => {
          log.warn({ err: errorSummary(error) }, 'slack event could not be processed');
          if (response.headersSent) return false;
          response.writeHead(error instanceof AuthorizationError ? 401 : 400);
          response.end();
          return true; // answered: stops Bolt's 3-s "not acknowledged" timer
        },
      });

  const app = new App({
    token,
    logger,
    clientOptions,
    deferInitialization: true,
    ignoreSelf: true,
    // Conversation memory lives in the core; Bolt's store would only cost a lookup per request.
    convoStore: false,
    ...(socketMode ? { socketMode: true, appToken: config.SLACK_APP_TOKEN } : { receiver }),
  });
  const client = countApiErrors(app.client, opts.onApiError);
  // A timed-out chat.postMessage may still have been posted, and Slack has no idempotency key for
  // it: the client's own retry would show the "Searching…" note twice (see SlackResponder.postOnce).
  const oneTryClient = countApiErrors(
    new webApi.WebClient(token, { ...clientOptions, logger, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: Math.min(apiTimeoutMs, ONE_TRY_TIMEOUT_MS) }),
    opts.onApiError,
  );

  let ownServer: HttpServer | undefined;
  let botUserId: string | undefined;
  const inFlight = new InFlight(log);
  const forms = new PendingForms(opts.now ?? Date.now);
  const responder = new SlackResponder({ client, oneTryClient, forms, log, apiTimeoutMs, uploadLimitBytes });

  const port: ChatPort = {
    platform: 'slack',
    async post(target: PostTarget, reply: Reply): Promise<string> {
      const origin: Origin = { platform: 'slack', userId: '', channelId: target.channelId, conversationId: target.threadId ?? target.channelId };
      try {
        return await responder.post(target.channelId, responder.render(reply, origin, true), target.threadId);
      } catch (err) {
        if (mayHaveLanded(err)) throw new DeliveryUncertainError(`slack post to ${target.channelId} may have been posted: ${(err as Error).message}`, { cause: err });
        throw err;
      }
    },
    async notifyUser(userId: string, reply: Reply): Promise<void> {
      const channel = await responder.directMessageChannel(userId);
      const origin: Origin = { platform: 'slack', userId, channelId: channel, conversationId: channel };
      await responder.post(channel, responder.render(reply, origin, true));
    },
  };
  core.registerPort(port);

  // The shared server (HTTP mode): work after an ack yields to requests still waiting for theirs.
  let httpServer: HttpServer | undefined;
  const afterPendingAcks = () => httpServer?.yieldToRequests() ?? nextTurn();
  const handlers = createSlackHandlers({
    core,
    responder,
    forms,
    client,
    log,
    progress: { delayMs: 0 },
    formAckBudgetMs: opts.formAckBudgetMs ?? 2500,
    lane: new AnswerLane({ concurrency: config.ANSWER_CONCURRENCY ?? 2, queueLimit: config.ANSWER_QUEUE_LIMIT ?? 300, yieldToAcks: afterPendingAcks }),
    botUserId: () => botUserId,
    download: async (refs: SlackFileRef[] | undefined): Promise<FileDownloadResult> =>
      refs?.length ? downloadSlackFiles(refs, { token, apiUrl, maxBytes: uploadLimitBytes }) : { files: [], skipped: [] },
    notifyUser: (userId, reply) => port.notifyUser(userId, reply),
  });

  // Every listener runs under inFlight, so stop() can wait for the answers it has acked.
  const followed = (work: () => Promise<void>) => inFlight.run(work);
  app.event('app_mention', ({ event, body, context }) => followed(() => handlers.onMention(event, body.event_id, context.retryNum)));
  app.event('message', ({ event, body, context }) => followed(() => handlers.onDirectMessage(event, body.event_id, context.retryNum)));
  app.command(/.*/, ({ command, ack }) =>
    followed(async () => {
      await ack();
      await handlers.onCommand(command);
    }),
  );
  app.action(/.*/, ({ ack, body, action }) =>
    followed(async () => {
      await ack();
      await afterPendingAcks();
      if (body.type === 'block_actions') await handlers.onButton(body, action);
    }),
  );
  // One listener each for all views and all shortcuts: Bolt runs every matching listener, and each may be acked once.
  app.view(/.*/, (args) => followed(() => handlers.onView(args)));
  app.shortcut(/.*/, ({ ack, shortcut }) =>
    followed(async () => {
      await ack();
      if (shortcut.type === 'message_action' && shortcut.callback_id === PRECHECK_SHORTCUT) await handlers.onPrecheckShortcut(shortcut);
    }),
  );
  app.error(async (err) => {
    log.error({ err: errorSummary(err) }, 'slack listener error');
  });

  async function httpHandler(req: HttpRequest, res: ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      // Bolt 5.1 reads `body.ssl_check` off whatever the body parses to: a JSON `null` (or
      // `payload=null`) throws inside an un-awaited promise, which would take the process down
      // and leave the request hanging. Buffer the body (Bolt reuses `rawBody`) and refuse that here.
      const raw = await readBodyWithin(req, SLACK_BODY_LIMIT);
      if (raw === null) {
        res.writeHead(413, { connection: 'close' });
        res.end();
        return;
      }
      (req as HttpRequest & { rawBody?: Buffer }).rawBody = raw;
      if (parsesToNull(raw, req.headers['content-type'])) {
        log.warn('slack request with an empty (null) payload rejected');
        res.writeHead(400);
        res.end();
        return;
      }
    }
    const early = req.method === 'POST' ? earlyAckable(req as HttpRequest & { rawBody: Buffer }, config.SLACK_SIGNING_SECRET!) : null;
    if (early) {
      res.writeHead(200);
      res.end();
      void followed(async () => {
        await afterPendingAcks();
        // Errors in listeners reach app.error (logged); one thrown by Bolt itself is logged here.
        await app.processEvent(early.event).catch((err: unknown) => log.warn({ err: errorSummary(err), kind: early.kind }, 'slack event could not be processed'));
      });
      return;
    }
    try {
      receiver!.requestListener(req, res);
    } catch {
      // Bolt throws for anything but a POST to the endpoint.
      if (!res.headersSent) res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' });
      res.end(JSON.stringify({ error: 'method not allowed' }));
    }
  }

  // Bolt builds the Socket Mode receiver itself (from socketMode, appToken and the client options
  // with SLACK_API_URL); its client announces every state change, which is all /healthz needs.
  let socketState: { connected: boolean; detail?: string } = { connected: false, detail: 'socket mode not started' };
  const socketClient = socketMode ? (app as unknown as { receiver?: { client?: NodeJS.EventEmitter } }).receiver?.client : undefined;
  socketClient?.on('connected', () => (socketState = { connected: true }));
  socketClient?.on('reconnecting', () => (socketState = { connected: false, detail: 'socket mode connection lost; reconnecting' }));
  socketClient?.on('disconnected', () => (socketState = { connected: false, detail: 'socket mode disconnected' }));

  return {
    mode: socketMode ? 'socket' : 'http',
    port,
    app,
    connection: () => (socketMode ? socketState : null),
    async start() {
      try {
        await app.init();
        const auth = await client.auth.test();
        botUserId = typeof auth.user_id === 'string' ? auth.user_id : undefined;
      } catch (err) {
        throw new Error(`Slack auth.test failed: ${errorSummary(err).message}`);
      }
      if (socketMode) {
        await app.start();
        log.info({ mode: 'socket' }, 'slack adapter connected');
        return;
      }
      const server = opts.server ?? (ownServer = new HttpServer());
      httpServer = server;
      server.mount(SLACK_EVENTS_PATH, httpHandler);
      if (ownServer) await ownServer.listen(config.PORT);
      log.info({ mode: 'http', path: SLACK_EVENTS_PATH }, 'slack adapter mounted');
    },
    async stop() {
      if (socketMode) {
        await app.stop().catch(() => undefined);
        socketState = { connected: false, detail: 'socket mode stopped' };
      }
      if (ownServer) await ownServer.close();
      await inFlight.drain(STOP_GRACE_MS);
    },
  };
}

/** Whether Bolt would parse this body (as it does: form `payload` or whole-body JSON) to `null`. */
function parsesToNull(raw: Buffer, contentType: string | undefined): boolean {
  // Runs before every ack: the body is only parsed when it can hold a null (Bolt parses it again).
  const text = raw.toString();
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    if (!text.includes('payload=')) return false;
    try {
      const payload = new URLSearchParams(text).getAll('payload');
      return payload.length === 1 && JSON.parse(payload[0]!) === null;
    } catch {
      return false;
    }
  }
  return JSON_NULL.test(text);
}

/** A JSON text whose value is null: the literal between JSON whitespace. */
const JSON_NULL = /^[ \t\n\r]*null[ \t\n\r]*$/;

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

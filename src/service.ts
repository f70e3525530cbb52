/**
 * The bot as a service: every configured platform adapter, the scheduler and the HTTP server
 * (`/healthz`, `/metrics`, the Slack and Feishu webhooks). Adapters are imported only when
 * configured, so a Feishu-only deployment never loads Bolt and vice versa.
 */
import type { Logger } from 'pino';
import type { App } from './app.js';
import type { AppConfig } from './config/config.js';
import { errorSummary } from './log/errors.js';
import { sql } from 'kysely';
import { cachedProbe, HealthChecks, type PartStatus } from './server/health.js';
import type { BotMetrics } from './ops/metrics.js';
import { channelIdProblem } from './schedule/reminders.js';
import { HttpServer } from './server/http.js';
import { prepareScriptConversion } from './text/script.js';

export interface RunningService {
  server: HttpServer;
  port: number | null;
  platforms: string[];
  stop(): Promise<void>;
}

/** Starts the service; throws when no configured platform could start (the caller exits non-zero). */
export async function startService(app: App, metrics: BotMetrics, log: Logger): Promise<RunningService> {
  const { config, core, knowledge } = app;
  const health = new HealthChecks();
  const server = new HttpServer({
    health: () => health.report() as unknown as Promise<Record<string, unknown>>,
    metrics: () => metrics.render(),
    onRouteAnswered: (route, seconds) => metrics.ackSeconds.observe({ route }, seconds),
    limits: { maxConnections: config.HTTP_MAX_CONNECTIONS, headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_SECONDS * 1000 },
  });
  const platforms: string[] = [];
  const failed: string[] = [];
  const stops: (() => Promise<void> | void)[] = [];

  /** Platforms whose start failed for a passing reason and is being retried: health key → why. */
  const retrying = new Map<string, string>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let stopping = false;

  /**
   * A platform that fails to start is reported; the others still run. A passing failure (the
   * platform answered 5xx or 429, or could not be reached) is retried in the background with
   * backoff, and /healthz reports the platform down until it is up; a bad token is not retried.
   */
  async function startPlatform(name: string, healthKey: string, start: () => Promise<() => Promise<void> | void>): Promise<void> {
    try {
      stops.push(await start());
      platforms.push(name);
    } catch (err) {
      const summary = errorSummary(err).message;
      if (!isPassingFailure(summary)) {
        failed.push(name);
        log.error({ platform: name, err: errorSummary(err) }, 'platform failed to start — check its credentials');
        return;
      }
      platforms.push(`${name}, starting`);
      const attempt = (n: number) => {
        const delay = Math.min(PLATFORM_RETRY_MAX_MS, PLATFORM_RETRY_BASE_MS * 2 ** (n - 1));
        retrying.set(healthKey, `not started: ${summary.slice(0, 160)}; retry ${n} in ${Math.round(delay / 1000)} s`);
        log.warn({ platform: name, attempt: n, retryInMs: delay, err: errorSummary(err) }, 'platform failed to start; retrying');
        const timer = setTimeout(() => {
          retryTimers.delete(timer);
          if (stopping) return;
          start().then(
            (stop) => {
              stops.push(stop);
              retrying.delete(healthKey);
              log.info({ platform: name, attempt: n }, 'platform started after retrying');
            },
            () => attempt(n + 1),
          );
        }, delay);
        timer.unref();
        retryTimers.add(timer);
      };
      attempt(1);
    }
  }
  const unlessRetrying = (key: string, check: () => Promise<PartStatus>) => async (): Promise<PartStatus> => {
    const why = retrying.get(key);
    return why ? { ok: false, detail: why } : check();
  };

  if (config.slackEnabled) {
    const { createSlackAdapter } = await import('./platforms/slack/index.js');
    const { slackProbe } = await import('./platforms/slack/health.js');
    const authProbe = cachedProbe(slackProbe(config), config.HEALTH_PROBE_TTL_MS);
    let slackConnection: () => { connected: boolean; detail?: string } | null = () => null;
    health.add('slack', unlessRetrying('slack', async () => withConnection(await authProbe(), slackConnection())));
    await startPlatform(config.SLACK_APP_TOKEN ? 'slack (socket mode)' : 'slack (http)', 'slack', async () => {
      const slack = createSlackAdapter({
        config,
        core,
        server,
        log,
        onApiError: (method) => metrics.platformApiErrors.inc({ platform: 'slack', method }),
      });
      slackConnection = () => slack.connection();
      await slack.start();
      return () => slack.stop();
    });
  }
  if (config.feishuEnabled) {
    const { createFeishuAdapter } = await import('./platforms/feishu/index.js');
    const { feishuProbe } = await import('./platforms/feishu/health.js');
    const tokenProbe = cachedProbe(feishuProbe(config), config.HEALTH_PROBE_TTL_MS);
    let connection: () => { connected: boolean; detail?: string } | null = () => null;
    health.add('feishu', unlessRetrying('feishu', async () => withConnection(await tokenProbe(), connection())));
    await startPlatform(`feishu (${config.FEISHU_MODE})`, 'feishu', async () => {
      const feishu = createFeishuAdapter({
        config,
        core,
        server,
        log,
        dedupe: app.dedupe,
        onApiError: (method) => metrics.platformApiErrors.inc({ platform: 'feishu', method }),
      });
      connection = () => feishu.connection();
      await feishu.start();
      return () => feishu.stop();
    });
  }
  if (!platforms.length) {
    for (const stop of stops) await stop();
    throw new Error(`no chat platform could start (${failed.join(', ')}); see the errors above`);
  }

  health.add('database', async () => {
    await sql`SELECT 1`.execute(app.db);
    return { ok: true, engine: app.storage.engine };
  });
  health.add('index', () => {
    const s = knowledge.status;
    const ageSeconds = Math.max(0, Math.round((Date.now() - Date.parse(s.builtAt)) / 1000));
    return s.chunks > 0
      ? { ok: true, documents: s.documents.length, chunks: s.chunks, builtAt: s.builtAt, ageSeconds }
      : { ok: false, detail: 'the index holds no passages — check knowledge/handbook', builtAt: s.builtAt, ageSeconds };
  });

  // Messages credit decisions owe (cards, notices) are delivered whatever runs the scheduler,
  // starting with those an earlier run or a dead replica left undelivered.
  app.credit.workflow.startDelivery();
  stops.push(() => app.credit.workflow.stopDelivery());
  health.add('credit_outbox', () => outboxStatus(app));

  // The knowledge admin pages (/admin) are served by the same server.
  const { createAdminHandler } = await import('./admin/index.js');
  server.mountPrefix('/admin', createAdminHandler(app));

  let schedulerStarted = false;
  if (config.SCHEDULER_ENABLED) {
    await app.start();
    schedulerStarted = true;
    log.info({ schedules: app.scheduling.registry.all().length }, 'scheduler started');
  }
  health.add('scheduler', () => schedulerStatus(app, config, schedulerStarted));
  warnAboutReminders(app, log);

  // Every question's script is detected on this thread: its dictionaries load now, not in the first burst.
  prepareScriptConversion();
  let port: number | null = null;
  try {
    port = await server.listen(config.PORT);
    log.info({ port }, 'HTTP server listening (/healthz, /metrics)');
  } catch (err) {
    // Webhook modes cannot work without the server; long-connection modes can, without /healthz.
    if (platforms.some((p) => p.includes('http') || p.includes('webhook'))) throw err;
    log.warn({ port: config.PORT, err: errorSummary(err) }, 'HTTP server not started; /healthz and /metrics unavailable');
  }

  return {
    server,
    port,
    platforms,
    async stop() {
      stopping = true;
      for (const timer of retryTimers) clearTimeout(timer);
      for (const stop of stops) await stop();
      if (port !== null) await server.close();
    },
  };
}

/** The API answers, and a WebSocket mode (Slack Socket Mode, Feishu long connection) is connected. */
function withConnection(api: PartStatus, socket: { connected: boolean; detail?: string } | null): PartStatus {
  if (!socket) return api;
  return socket.connected ? { ...api, connection: 'up' } : { ...api, ok: false, connection: 'down', detail: socket.detail ?? api.detail };
}

/** Reminders that will not post: switched off, or aimed at something that is not a channel id. */
function warnAboutReminders(app: App, log: Logger): void {
  for (const s of app.scheduling.registry.disabled()) {
    log.warn(
      { schedule: s.id, platform: s.target.platform, channel: s.target.channel, line: s.line },
      'reminder disabled (enabled: false in the reminders file) — set its real channel id and enable it',
    );
  }
  for (const s of app.scheduling.registry.all()) {
    const problem = s.source === 'yaml' ? channelIdProblem(s.target) : null;
    if (problem) log.warn({ schedule: s.id, line: s.line }, `reminder target ${problem}; its posts will fail`);
  }
}

/**
 * Whether the scheduler runs, when it fires next, and whether its ticks succeed: a loop whose
 * ticks keep failing (database down) is reported as stalled.
 */
const PLATFORM_RETRY_BASE_MS = 2_000;
const PLATFORM_RETRY_MAX_MS = 5 * 60_000;

/** A start failure worth retrying: the platform was down or busy, not our credentials wrong. */
function isPassingFailure(message: string): boolean {
  return /\b(5\d\d|429)\b|service unavailable|bad gateway|gateway timeout|rate.?limit|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|socket hang up|fetch failed|timed? ?out/i.test(message);
}

/** An owed message undelivered this long means delivery is stuck (platform down, no deliverer). */
const OUTBOX_STUCK_MS = 15 * 60_000;
const DAY_MS = 24 * 3600_000;

/**
 * The credit outbox: how old the oldest undelivered message is, how many are being retried, and
 * how many were given up in the last day. Down when a message has waited longer than
 * OUTBOX_STUCK_MS or one was given up (someone was never told) in the last day.
 */
async function outboxStatus(app: App): Promise<PartStatus> {
  const now = Date.now();
  const h = await app.credit.workflow.deliveryHealth(now - DAY_MS);
  const oldestUndeliveredSeconds = h.oldestPendingAt === null ? null : Math.max(0, Math.round((now - h.oldestPendingAt) / 1000));
  const stuck = h.oldestPendingAt !== null && now - h.oldestPendingAt > OUTBOX_STUCK_MS;
  const status = {
    undelivered: h.pending,
    retrying: h.retrying,
    gaveUpLastDay: h.failedSince,
    oldestUndeliveredSeconds,
    failing: h.retrying > 0 || h.failedSince > 0,
  };
  if (stuck) return { ok: false, detail: `a message has waited ${oldestUndeliveredSeconds} s to be delivered`, ...status };
  if (h.failedSince > 0) return { ok: false, detail: `${h.failedSince} message(s) given up in the last day (see credit.delivery_failed in the log)`, ...status };
  return { ok: true, ...status };
}

function schedulerStatus(app: App, config: AppConfig, started: boolean) {
  if (!config.SCHEDULER_ENABLED) return { ok: true, detail: 'disabled (SCHEDULER_ENABLED=false)' };
  const next = app.scheduling.scheduler
    .nextFires()
    .map((n) => n.next?.getTime())
    .filter((t): t is number => typeof t === 'number')
    .sort((a, b) => a - b)[0];
  const nextFire = next ? new Date(next).toISOString() : null;
  if (!started) return { ok: false, running: false, nextFire };
  return { ...app.scheduling.scheduler.health(), running: true, nextFire };
}

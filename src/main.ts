/**
 * `npm start`: the bot process. Starts every platform adapter whose credentials are set, the
 * scheduler, and the HTTP server (`/healthz`, Slack and Feishu webhooks). With no platform
 * configured it runs the local console instead, so a fresh checkout always does something.
 */
import { createApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import { exitCodeFor, InputError } from './errors/input-error.js';
import { errorSummary } from './log/errors.js';
import { createLogger } from './log/logger.js';
import { runConsole } from './platforms/console/console.js';
import { createFeishuAdapter } from './platforms/feishu/index.js';
import { createSlackAdapter } from './platforms/slack/index.js';
import { HttpServer } from './server/http.js';
import { createAdminHandler } from './admin/index.js';

/** Bad configuration or a broken policy file: the message names what to fix; exit 2 as the CLI does. */
function exitOnBadInput(err: unknown): never {
  if (!(err instanceof InputError)) throw err;
  const hint = err instanceof ConfigError ? '\nSee .env.example for every variable.' : '';
  process.stderr.write(`${err.message}${hint}\n`);
  process.exit(exitCodeFor(err));
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (err) {
  exitOnBadInput(err);
}

const interactiveConsole =
  !config.slackEnabled && !config.feishuEnabled && Boolean(process.stdin.isTTY && process.stdout.isTTY);
// In the interactive console JSON log lines would interleave with the prompt: quiet unless asked.
const log = createLogger(interactiveConsole && !process.env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL);
const app = await createApp(config, log).catch(exitOnBadInput);
const { core, knowledge } = app;
const platforms: string[] = [];
const stops: (() => Promise<void> | void)[] = [];

const server = new HttpServer(() => ({
  ok: true,
  platforms,
  documents: knowledge.status.documents.length,
  chunks: knowledge.status.chunks,
  indexedAt: knowledge.status.builtAt,
}));

server.mountPrefix('/admin', createAdminHandler(app));

const missing: string[] = [];
const failed: string[] = [];
/** A platform that fails to start (bad token, unreachable API) is reported; the others still run. */
async function startPlatform(name: string, start: () => Promise<() => Promise<void> | void>): Promise<void> {
  try {
    stops.push(await start());
    platforms.push(name);
  } catch (err) {
    failed.push(name);
    log.error({ platform: name, err: errorSummary(err) }, 'platform failed to start — check its credentials');
  }
}

if (config.slackEnabled) {
  await startPlatform(config.SLACK_APP_TOKEN ? 'slack (socket mode)' : 'slack (http)', async () => {
    const slack = createSlackAdapter({ config, core, server, log });
    await slack.start();
    return () => slack.stop();
  });
} else {
  missing.push('Slack: set SLACK_BOT_TOKEN plus SLACK_APP_TOKEN (socket mode) or SLACK_SIGNING_SECRET (HTTP mode)');
}
if (config.feishuEnabled) {
  await startPlatform(`feishu (${config.FEISHU_MODE})`, async () => {
    const feishu = createFeishuAdapter({ config, core, server, log, dedupe: app.dedupe });
    await feishu.start();
    return () => feishu.stop();
  });
} else {
  missing.push('Feishu/Lark: set FEISHU_APP_ID and FEISHU_APP_SECRET');
}

const kb = knowledge.status;
log.info(
  { documents: kb.documents.length, chunks: kb.chunks, rebuilt: kb.rebuilt, skipped: kb.skipped.length, llm: config.llmEnabled },
  'knowledge base ready',
);
for (const m of missing) log.info(`not configured — ${m}`);

let port: number | null = null;
try {
  port = await server.listen(config.PORT);
  log.info({ port }, 'HTTP server listening (/healthz)');
} catch (err) {
  if (platforms.some((p) => p.includes('http') || p.includes('webhook'))) throw err;
  log.warn({ port: config.PORT, err: errorSummary(err) }, 'HTTP server not started; /healthz unavailable');
}

if (platforms.length && config.SCHEDULER_ENABLED) {
  await app.start();
  log.info({ schedules: app.scheduling.registry.all().length }, 'scheduler started');
}

async function shutdown(code = 0): Promise<never> {
  for (const stop of stops) await stop();
  if (port !== null) await server.close();
  await app.close();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

if (!platforms.length && failed.length) {
  process.stderr.write(`No chat platform could start (${failed.join(', ')}); see the errors above.\n`);
  await shutdown(1);
}

if (!platforms.length) {
  const interactive = interactiveConsole;
  if (interactive) {
    process.stdout.write(
      `No chat platform is configured, so this is the local console (${kb.documents.length} documents, ${kb.chunks} chunks).\n` +
        `To connect Slack or Feishu, see README.md.\n`,
    );
  }
  await runConsole({ core, input: process.stdin, output: process.stdout, interactive });
  await shutdown(0);
}

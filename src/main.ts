/**
 * `npm start`: the bot process.
 *
 * - Some platform configured: runs as a service (adapters, scheduler, `/healthz`, `/metrics`).
 *   A platform whose credentials are only half set stops the start with exit code 2 naming the
 *   missing variable, so systemd or Docker restart policies see the failure instead of a bot
 *   that quietly fell back to the console and exited 0.
 * - No platform configured, or `--console`: the local console (interactive on a terminal,
 *   line by line when piped).
 */
import path from 'node:path';
import { ConfigError, incompletePlatforms, loadConfig, type AppConfig } from './config/config.js';
import { exitCodeFor, InputError } from './errors/input-error.js';
import { errorSummary } from './log/errors.js';
import { createLogger } from './log/logger.js';
import { staleBuildWarning } from './ops/build-freshness.js';

const USAGE = 'usage: npm start [-- --console]';

function fail(lines: string[], code: number): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(code);
}

const stale = staleBuildWarning(import.meta.url);
if (stale) process.stderr.write(`${stale}\n`);

const args = process.argv.slice(2);
const forceConsole = args.includes('--console');
const unknown = args.filter((a) => a !== '--console');
if (unknown.length) fail([`unknown option ${unknown[0]} — ${USAGE}`], 2);

/** Bad configuration or a broken policy file: the message names what to fix; exit 2 as the CLI does. */
function exitOnBadInput(err: unknown): never {
  if (err instanceof ConfigError) fail(err.problems.map((p) => `configuration error: ${p} — see .env.example`), 2);
  if (!(err instanceof InputError)) throw err;
  fail([err.message], exitCodeFor(err));
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (err) {
  exitOnBadInput(err);
}

const incomplete = incompletePlatforms(config);
if (incomplete.length && !forceConsole) {
  fail(incomplete.map((p) => `configuration error: ${p} — see .env.example`), 2);
}

if (forceConsole || (!config.slackEnabled && !config.feishuEnabled)) {
  await runConsoleMode(config);
} else {
  await runServiceMode(config);
}

async function runServiceMode(config: AppConfig): Promise<void> {
  const log = createLogger(config.LOG_LEVEL);
  const [{ createApp }, { BotMetrics }, { startService }] = await Promise.all([
    import('./app.js'),
    import('./ops/metrics.js'),
    import('./service.js'),
  ]);
  const metrics = new BotMetrics();
  const app = await createApp(config, log, { metrics, onIndexProgress: (step) => log.info({ step }, 'building the handbook index') }).catch(
    exitOnBadInput,
  );
  const kb = app.knowledge.status;
  log.info(
    { documents: kb.documents.length, chunks: kb.chunks, rebuilt: kb.rebuilt, skipped: kb.skipped.length, llm: config.llmEnabled },
    'knowledge base ready',
  );
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(app, metrics, log);
  } catch (err) {
    log.error({ err: errorSummary(err) }, 'service failed to start');
    process.stderr.write(`${(err as Error).message}\n`);
    await app.close();
    process.exit(1);
  }
  log.info({ platforms: service.platforms, port: service.port }, 'bot ready');
  const shutdown = async () => {
    await service.stop();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

async function runConsoleMode(config: AppConfig): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  // On a terminal the screen belongs to the conversation: log lines go to a file instead.
  const logFile = interactive ? path.join(config.DATA_DIR, 'logs', 'console.log') : undefined;
  const log = createLogger(config.LOG_LEVEL, logFile);
  const [{ createApp }, { runConsole }] = await Promise.all([import('./app.js'), import('./platforms/console/console.js')]);
  const progress = interactive
    ? (step: string) => process.stdout.write(`Building the handbook index: ${step}…\n`)
    : (step: string) => log.info({ step }, 'building the handbook index');
  const app = await createApp(config, log, { onIndexProgress: progress }).catch(exitOnBadInput);
  const kb = app.knowledge.status;
  if (interactive) {
    const why = forceConsole ? 'Console mode (--console)' : 'No chat platform is configured, so this is the local console';
    process.stdout.write(
      `${why} (${kb.documents.length} documents, ${kb.chunks} chunks; logs: ${path.relative(process.cwd(), logFile!) || logFile}).\n` +
        `To connect Slack or Feishu, see README.md.\n`,
    );
  }
  await runConsole({ core: app.core, input: process.stdin, output: process.stdout, interactive });
  await app.close();
  process.exit(0);
}

import { fork, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import type { BotCore } from '../src/core/core.js';
import { createLogger } from '../src/log/logger.js';
import { HttpServer } from '../src/server/http.js';
import { createSlackAdapter } from '../src/platforms/slack/adapter.js';
import { BUSY_TEXT } from '../src/platforms/shared/texts.js';
import { prepareScriptConversion } from '../src/text/script.js';

export interface SlackAckBenchResult {
  requests: number;
  concurrency: number;
  /** Requests that did not get HTTP 200. */
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Answers that reached the response_url before the bench stopped waiting. */
  answersDelivered: number;
  /** Of those, "busy, try again in a minute" (the answer queue was full). */
  busyReplies: number;
  /** The bot's event loop while the measured round ran: delay p99 and max (ms), and how busy it was (0–1). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  loopUtilization: number;
  /** Resident memory after the round, MB (after `questions` more questions when asked). */
  rssMb: number;
  /**
   * CPU time of the bot's process (all its threads) from the first request to the last ack, per
   * request: what an ack costs, less sensitive than latency to other load on a shared machine.
   */
  cpuMsPerRequest: number;
}

export interface SlackAckBenchOptions {
  requests?: number;
  concurrency?: number;
  command?: string;
  warmup?: number;
  /** Questions asked one after another, from these, round robin. */
  questions?: string[];
  /** Also ask this many questions (same path, 50 at a time) and report resident memory after. */
  soak?: number;
  /**
   * `false`: every command is acked and then dropped (the core answers nothing), to measure what
   * acknowledging alone costs on this machine: the floor the real run can at best reach.
   */
  answer?: boolean;
  /** A bare node:http server that only checks the signature, instead of the bot: the machine's floor. */
  bare?: boolean;
}

const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench-token';

/** The real composition root (handbook index, extractive answerer, storage) in this process; ANSWER_WORKERS as in the environment (default: cores − 1). */
async function realApp(): Promise<{ core: BotCore; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-ack-'));
  const config = loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'), LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false', RATE_LIMIT_PER_CHANNEL_PER_MINUTE: '1000000', ANSWER_WORKERS: process.env.ANSWER_WORKERS }, null);
  const app = await createApp(config, createLogger('silent'), { dbFile: ':memory:' });
  return { core: app.core, close: () => app.close() };
}

/**
 * The smallest Web API the adapter needs (auth.test, chat.*, a response_url sink), in a process of
 * its own (fake-web-api.mjs): answers are counted there, off the bot's event loop.
 */
async function startFakeWebApi(): Promise<{ origin: string; counts: () => Promise<{ answers: number; busy: number }>; close: () => Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./fake-web-api.mjs', import.meta.url)), [BUSY_TEXT.slice(0, 8)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('error', reject);
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    counts: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as { answers: number; busy: number }));
        child.send('count');
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * `BENCH_CPU_PROFILE=<file>`: a V8 CPU profile of the bot's thread during the measured round only
 * (start-up and warm-up left out), for Chrome DevTools or any .cpuprofile reader.
 */
async function startCpuProfile(file: string | undefined): Promise<{ stop: () => Promise<void> }> {
  if (!file) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * Time from sending a signed slash command to receiving its HTTP ack, on loopback with Bolt's
 * real HTTPReceiver on the shared server, the real app (handbook index, extractive answerer,
 * storage) answering after each ack, and a fake Web API. Slack's deadline is 3 s.
 */
export async function benchSlackAck({
  requests = 50,
  concurrency = 50,
  command = '/ask',
  warmup = 50,
  questions = ['可以给客户回扣吗？'],
  soak = 0,
  answer = true,
  bare = false,
}: SlackAckBenchOptions = {}): Promise<SlackAckBenchResult> {
  const fake = await startFakeWebApi();
  const bot = bare ? await startBareServer() : await startBot(fake.origin, answer);
  try {
    const url = bot.url;
    // The client runs in its own process, as Slack does: its work must not sit on the bot's loop.
    const client = spawn(process.execPath, [fileURLToPath(new URL('./ack-client.mjs', import.meta.url)), JSON.stringify({ url, secret: SECRET, origin: fake.origin, command, questions, concurrency })], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: client.stdout! })[Symbol.asyncIterator]();
    const timings: number[] = [];
    let failures = 0;
    const run = async (from: number, count: number, record: boolean) => {
      client.stdin!.write(`${JSON.stringify({ from, count })}\n`);
      const { value } = await lines.next();
      const r = JSON.parse(String(value)) as { timings: number[]; failures: number };
      if (!record) return;
      timings.push(...r.timings);
      failures += r.failures;
    };
    const settle = async (expected: number) => {
      if (!answer || bare) return;
      // Let the answers (work after the ack) finish so rounds do not overlap and shutdown is clean.
      const deadline = Date.now() + 60_000;
      while ((await fake.counts()).answers < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    // One-off costs (JIT, lazy module loads, first fetch) are not what Slack's 3-s deadline is about.
    if (warmup > 0) {
      await run(requests, warmup, false);
      await settle(warmup);
    }
    const { answers: before, busy: busyBefore } = await fake.counts();
    // How long the bot's loop could not run callbacks (accepts, acks) while the round ran.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const elu = perf.eventLoopUtilization();
    loop.enable();
    const profile = await startCpuProfile(process.env.BENCH_CPU_PROFILE);
    const cpuBefore = process.cpuUsage();
    await run(0, requests, true);
    const cpu = process.cpuUsage(cpuBefore);
    await settle(before + requests);
    await profile.stop();
    loop.disable();
    const loopUtilization = perf.eventLoopUtilization(elu).utilization;
    const after = await fake.counts();
    const answersDelivered = after.answers - before;
    const busyReplies = after.busy - busyBefore;
    if (soak > 0) {
      // Memory after many questions: the same path, in rounds the queue can hold.
      for (let done = 0; done < soak; done += 500) {
        const mark = (await fake.counts()).answers;
        const n = Math.min(500, soak - done);
        await run(10_000 + done, n, false);
        await settle(mark + n);
      }
    }
    client.stdin!.end();
    global.gc?.();

    const sorted = [...timings].sort((a, b) => a - b);
    return {
      requests,
      concurrency,
      failures,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1) ?? 0),
      meanMs: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
      answersDelivered,
      busyReplies,
      loopDelayP99Ms: round(loop.percentile(99) / 1e6),
      loopDelayMaxMs: round(loop.max / 1e6),
      loopUtilization: round(loopUtilization),
      rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
      cpuMsPerRequest: round((cpu.user + cpu.system) / 1000 / requests),
    };
  } finally {
    await bot.close();
    await fake.close();
  }
}

/** The bot as deployed: the real app behind the Slack adapter on the shared HTTP server. */
async function startBot(apiOrigin: string, answer: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await realApp();
  // The real core, or one whose commands produce nothing after the ack (an `ack only` round).
  const core = answer ? app.core : (Object.create(app.core, { handleCommand: { value: async () => null } }) as BotCore);
  const server = new HttpServer();
  const adapter = createSlackAdapter({
    config: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: `${apiOrigin}/api/`, PORT: 0, ANSWER_CONCURRENCY: Number(process.env.BENCH_ANSWER_CONCURRENCY ?? 2) },
    core,
    server,
    log: createLogger('silent'),
  });
  await adapter.start();
  prepareScriptConversion(); // as the service does before it listens
  const port = await server.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    close: async () => {
      await adapter.stop();
      await server.close();
      await app.close();
    },
  };
}

/**
 * The floor of this machine: a bare node:http server that reads the body, checks the signature and
 * answers 200, nothing else. What the bot's acks cost beyond it is the bot's own.
 */
async function startBareServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${req.headers['x-slack-request-timestamp']}:${body}`).digest('hex')}`;
      res.writeHead(expected === req.headers['x-slack-signature'] ? 200 : 401);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { AnalyticsStore } from '../src/analytics/store.js';
import type { Answerer, AskResult } from '../src/answer/types.js';
import { BotCore } from '../src/core/core.js';
import { EventDeduper } from '../src/core/dedupe.js';
import { SharedReplies } from '../src/core/shared-replies.js';
import { HttpServer } from '../src/server/http.js';
import { openDatabase } from '../src/storage/db.js';
import { createSlackAdapter } from '../src/platforms/slack/adapter.js';

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
}

const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench-token';

/** Answers instantly, so the numbers measure the Slack path (verify → ack), not retrieval. */
class InstantAnswerer implements Answerer {
  async ask(): Promise<AskResult> {
    return {
      answered: true,
      answer: '销售人员不得收受客户贿赂、回扣 [1]。',
      citations: [{ n: 1, docId: 'bench', title: '销售管理制度', section: '第九章 › 4', quote: '不得收受客户贿赂、回扣' }],
      mode: 'extractive',
      topScore: 0.9,
    };
  }
}

/** The smallest Web API the adapter needs for slash commands: auth.test, chat.* and a response_url sink. */
async function startFakeWebApi(): Promise<{ origin: string; answers: () => number; close: () => Promise<void> }> {
  let answers = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      if (path.startsWith('/response/')) answers++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        path === '/api/auth.test'
          ? JSON.stringify({ ok: true, user_id: 'UBENCH', bot_id: 'BBENCH', team_id: 'TBENCH' })
          : JSON.stringify({ ok: true, ts: '1700000000.000100' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    answers: () => answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
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
 * Time from sending a signed slash command to receiving its HTTP ack, on loopback with Bolt's
 * real HTTPReceiver on the shared server and a fake Web API. Slack's deadline is 3 s.
 */
export async function benchSlackAck({
  requests = 50,
  concurrency = 50,
  command = '/ask',
  warmup = 50,
}: { requests?: number; concurrency?: number; command?: string; warmup?: number } = {}): Promise<SlackAckBenchResult> {
  const fake = await startFakeWebApi();
  const db = openDatabase(':memory:');
  const log = pino({ level: 'silent' });
  const core = new BotCore({
    answerer: new InstantAnswerer(),
    questions: new AnalyticsStore(db, 'bench'),
    sharedReplies: new SharedReplies(db),
    dedupe: new EventDeduper(db),
    log,
  });
  const server = new HttpServer();
  const adapter = createSlackAdapter({
    config: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: `${fake.origin}/api/`, PORT: 0 },
    core,
    server,
    log,
  });
  try {
    await adapter.start();
    const port = await server.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/slack/events`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

    const send = (i: number) =>
      new Promise<{ ms: number; status: number }>((resolve, reject) => {
        const body = new URLSearchParams({
          team_id: 'TBENCH',
          channel_id: 'CBENCH',
          user_id: `U${i}`,
          command,
          text: '可以给客户回扣吗？',
          response_url: `${fake.origin}/response/${i}`,
          trigger_id: `bench.${i}.${Date.now()}`,
        }).toString();
        const ts = Math.floor(Date.now() / 1000);
        const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
        const started = performance.now();
        const req = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'content-length': Buffer.byteLength(body),
              'x-slack-request-timestamp': String(ts),
              'x-slack-signature': sig,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0 }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    const timings: number[] = [];
    let failures = 0;
    const run = async (from: number, count: number, record: boolean) => {
      let next = from;
      const end = from + count;
      const worker = async () => {
        while (next < end) {
          const r = await send(next++);
          if (!record) continue;
          timings.push(r.ms);
          if (r.status !== 200) failures++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    };
    const settle = async (expected: number) => {
      // Let the answers (work after the ack) finish so rounds do not overlap and shutdown is clean.
      const deadline = Date.now() + 10_000;
      while (fake.answers() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    // One-off costs (JIT, lazy module loads, first fetch) are not what Slack's 3-s deadline is about.
    if (warmup > 0) {
      await run(requests, warmup, false);
      await settle(warmup);
    }
    const before = fake.answers();
    await run(0, requests, true);
    agent.destroy();
    await settle(before + requests);

    const sorted = [...timings].sort((a, b) => a - b);
    return {
      requests,
      concurrency,
      failures,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1) ?? 0),
      meanMs: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
      answersDelivered: fake.answers() - before,
    };
  } finally {
    await adapter.stop();
    await server.close();
    await fake.close();
    db.close();
  }
}

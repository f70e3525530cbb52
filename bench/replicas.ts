/**
 * Storage and replica numbers for `npm run bench`:
 * - the cost per answer of the state an answer writes (dedupe claim, question record, shareable
 *   copy), SQLite against PostgreSQL, in one process;
 * - answers per second of whole bot processes (src/main.ts, Slack HTTP mode behind a fake Slack
 *   on loopback) with one replica and with two on one PostgreSQL.
 * PostgreSQL is BENCH_DATABASE_URL, else a throwaway server like the tests start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { AnalyticsStore } from '../src/analytics/store.js';
import { EventDeduper } from '../src/core/dedupe.js';
import { SharedReplies } from '../src/core/shared-replies.js';
import { openStorage, type Storage } from '../src/storage/database.js';
import { eventBody, FakeSlack, JSON_TYPE, sendSigned } from '../tests/helpers/fake-slack.js';
import { startTestPostgres } from '../tests/helpers/postgres-server.js';
import { percentile } from './bench-retrieval.js';

const TOKEN = 'xoxb-bench';
const SECRET = 'bench-signing-secret';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** What one answer writes, n times in a row: median and p95 ms per answer. */
async function storageCost(storage: Storage, n: number): Promise<{ p50: number; p95: number }> {
  const dedupe = new EventDeduper(storage.db);
  const questions = new AnalyticsStore(storage.db, 'bench');
  const replies = new SharedReplies(storage.db);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await dedupe.claim([`bench:ev:${i}`, `bench:msg:${i}`]);
    const id = await questions.recordQuestion({
      platform: 'slack', userId: 'U1', conversationId: 'C1', question: `可以给客户回扣吗？第 ${i} 次`,
      answered: true, topScore: 0.8, latencyMs: 12, mode: 'extractive',
    });
    await replies.save({ blocks: [{ type: 'text', text: `answer ${id}` }], fallbackText: 'answer' });
    times.push(performance.now() - s);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

interface Replica {
  child: ChildProcess;
  port: number;
  slack: FakeSlack;
  dir: string;
}

async function startReplica(databaseUrl: string | undefined): Promise<Replica> {
  const slack = await new FakeSlack(TOKEN).start();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-replica-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    PORT: String(port),
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    SCHEDULER_ENABLED: 'false',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const end = Date.now() + 180_000;
  for (;;) {
    try {
      const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { platforms?: string[] };
      if (body.platforms?.length) break;
    } catch {
      // not up yet
    }
    if (Date.now() > end || child.exitCode !== null) throw new Error('bench replica did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, port, slack, dir };
}

async function stopReplica(r: Replica): Promise<void> {
  const exited = new Promise((resolve) => r.child.once('exit', resolve));
  r.child.kill('SIGTERM');
  await exited;
  await r.slack.stop();
  rmSync(r.dir, { recursive: true, force: true });
}

const QUESTIONS = ['可以给客户回扣吗？', '签合同之前必须做哪些风险控制？', '客户要求延长账期怎么办', 'What is the rule on kickbacks?'];

/** Sends `n` mentions (unique event ids) round-robin over the replicas, `concurrency` at a time; answers per second until all are answered. */
async function throughput(replicas: Replica[], n: number, concurrency: number, tag: string): Promise<number> {
  const answered = () => replicas.reduce((sum, r) => sum + r.slack.calls.filter((c) => c.method === 'chat.update' || (c.method === 'chat.postMessage' && !String(c.params.text).includes('Searching'))).length, 0);
  const before = answered();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = replicas[i % replicas.length]!;
      const ts = `17000${String(i).padStart(5, '0')}.000100`;
      const body = eventBody({ type: 'app_mention', user: 'UREP', text: `<@UBOT0001> ${QUESTIONS[i % QUESTIONS.length]}`, ts, channel: `C${tag}${i % 7}`, event_ts: ts }, `Ev${tag}${i}`);
      await sendSigned(`http://127.0.0.1:${r.port}/slack/events`, body, JSON_TYPE, { secret: SECRET });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const end = Date.now() + 300_000;
  while (answered() - before < n) {
    if (Date.now() > end) throw new Error(`only ${answered() - before} of ${n} answered`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return n / ((performance.now() - started) / 1000);
}

export async function benchReplicas(opts: { costRuns?: number; answers?: number; concurrency?: number } = {}): Promise<string[]> {
  const lines: string[] = [];
  const costRuns = opts.costRuns ?? 300;
  const answers = opts.answers ?? 120;
  const concurrency = opts.concurrency ?? 8;
  let server: { url: string; stop(): void } | undefined;
  const adminUrl = process.env.BENCH_DATABASE_URL ?? (server = await startTestPostgres()).url;
  try {
    const tmp = mkdtempSync(path.join(tmpdir(), 'bench-storage-'));
    const sqlite = await openStorage({ sqliteFile: path.join(tmp, 'assistant.db') });
    const postgres = await openStorage({ databaseUrl: await freshDatabase(adminUrl, 'bench_cost'), sqliteFile: ':memory:' });
    const s = await storageCost(sqlite, costRuns);
    const p = await storageCost(postgres, costRuns);
    await sqlite.close();
    await postgres.close();
    rmSync(tmp, { recursive: true, force: true });
    lines.push(`## Storage cost per answer (dedupe claim + question record + shareable copy, ${costRuns} answers in a row, one process)\n`);
    lines.push('| engine | p50 ms | p95 ms |', '|---|---|---|');
    lines.push(`| SQLite (file, WAL) | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} |`);
    lines.push(`| PostgreSQL (loopback) | ${p.p50.toFixed(2)} | ${p.p95.toFixed(2)} |`);
    lines.push(`\nPostgreSQL / SQLite, p50: ${(p.p50 / s.p50).toFixed(1)}×\n`);

    lines.push(`## Answers per second, whole bot processes (Slack HTTP, extractive, ${answers} mentions, ${concurrency} in flight, median of 3 rounds)\n`);
    lines.push('| setup | answers/s (median) | rounds |', '|---|---|---|');
    const runs: [string, number, string | undefined][] = [
      ['1 replica, SQLite', 1, undefined],
      ['1 replica, PostgreSQL', 1, await freshDatabase(adminUrl, 'bench_one')],
      ['2 replicas, one PostgreSQL', 2, await freshDatabase(adminUrl, 'bench_two')],
    ];
    for (const [label, count, url] of runs) {
      const replicas: Replica[] = [];
      for (let i = 0; i < count; i++) replicas.push(await startReplica(url));
      try {
        await throughput(replicas, 8, 4, `W${count}${url ? 'p' : 's'}`); // warm-up: first answers load dictionaries
        const rates: number[] = [];
        for (let round = 0; round < 3; round++) rates.push(await throughput(replicas, answers, concurrency, `R${round}x${count}${url ? 'p' : 's'}`));
        lines.push(`| ${label} | ${percentile(rates, 50).toFixed(1)} | ${rates.map((r) => r.toFixed(1)).join(', ')} |`);
      } finally {
        for (const r of replicas) await stopReplica(r);
      }
    }
  } finally {
    server?.stop();
  }
  return lines;
}

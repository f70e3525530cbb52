/**
 * `npm run bench`: prints the numbers that go in the README. Each section measures in this
 * run; nothing here is a test and nothing asserts.
 */
import path from 'node:path';
import { benchScale } from './bench-retrieval.js';
import { readJsonl } from './retrieval-eval.js';

const knowledgeDir = path.resolve('knowledge');
const queries = [
  ...readJsonl('tests/fixtures/questions.dev.jsonl'),
  ...readJsonl('tests/fixtures/questions.extra.jsonl'),
  ...readJsonl('tests/fixtures/questions.offtopic.dev.jsonl'),
].map((q) => q.q);
const f = (x: number) => x.toFixed(x < 10 ? 2 : 0);

// ---- Start-up of the compiled code (`npm run bench -- --startup` runs only this) ----
{
  const { benchStartup } = await import('./startup.js');
  const r = await benchStartup();
  console.log(`## Start-up (median of ${r.runs} runs; handbook index already built; load average ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} on ${(await import('node:os')).cpus().length} cores)\n`);
  console.log('| what | compiled (dist/) | from sources (tsx) | ratio |');
  console.log('|---|---|---|---|');
  console.log(`| bot ready, Slack HTTP mode (node dist/main.js) | ${f(r.botReadyMs.compiled)} ms | ${f(r.botReadyMs.tsx)} ms | ${(r.botReadyMs.tsx / r.botReadyMs.compiled).toFixed(2)}× |`);
  console.log(`| bot ready through \`npm start\` | ${f(r.botReadyMs.npmStart)} ms | | |`);
  console.log(`| one-shot \`precheck <contract> --json\` | ${f(r.precheckMs.compiled)} ms | ${f(r.precheckMs.tsx)} ms | ${(r.precheckMs.tsx / r.precheckMs.compiled).toFixed(2)}× |`);
  console.log(`| \`precheck\` of an empty file rejected | ${f(r.emptyFileRejectedMs)} ms | | |\n`);
  if (process.argv.includes('--startup')) process.exit(0);
}

console.log(`## Retrieval (${queries.length} queries × 3 rounds per scale)\n`);
console.log('| corpus | chunks | build ms | query p50 ms | query p95 ms | MiniSearch build ms | MiniSearch p50 ms | MiniSearch p95 ms | p50 ratio (ours / MiniSearch) |');
console.log('|---|---|---|---|---|---|---|---|---|');
const scales = (process.env.BENCH_SCALES ?? '1,10,100').split(',').map(Number);
for (const scale of scales) {
  const r = await benchScale(knowledgeDir, scale, queries);
  console.log(`| ${scale}× | ${r.chunks} | ${f(r.buildMs)} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.miniBuildMs)} | ${f(r.miniP50)} | ${f(r.miniP95)} | ${(r.p50 / r.miniP50).toFixed(2)} |`);
}

// ---- Answering (extractive, no network) ----
{
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadConfig } = await import('../src/config/config.js');
  const { createLogger } = await import('../src/log/logger.js');
  const { createApp } = await import('../src/app.js');
  const { percentile } = await import('./bench-retrieval.js');
  const config = loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bench-')), LOG_LEVEL: 'silent' }, null);
  const app = await createApp(config, createLogger('silent'), { dbFile: ':memory:' });
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of queries) {
      const s = performance.now();
      await app.answerer.ask(q);
      times.push(performance.now() - s);
    }
  }
  console.log(`\n## Extractive ask (${queries.length} questions × 5 rounds, handbook)\n`);
  console.log('| p50 ms | p95 ms | max ms |');
  console.log('|---|---|---|');
  console.log(`| ${f(percentile(times, 50))} | ${f(percentile(times, 95))} | ${f(Math.max(...times))} |`);

  // ---- Contract pre-check on a 200,000-character contract ----
  const { readFileSync, readdirSync } = await import('node:fs');
  // Two mixes: the plain eval samples, and model forms with tables, option lists and check boxes.
  const mixes: [string, string[]][] = [
    ['eval samples', ['tests/fixtures/contracts']],
    ['model forms and tables', ['tests/fixtures/contracts-tune', 'tests/fixtures/contracts-forms']],
  ];
  console.log('\n## Pre-check of a 200,000-character contract (5 runs each)\n');
  console.log('| made of | first ms | median ms | max ms |');
  console.log('|---|---|---|---|');
  for (const [label, dirs] of mixes) {
    const samples = dirs.flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.txt')).map((n) => readFileSync(path.join(d, n), 'utf8')));
    let big = '';
    for (let i = 0; big.length < 200_000; i++) big += `${samples[i % samples.length]}\n`;
    big = big.slice(0, 200_000);
    const pre: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await app.prechecker.check(big);
      pre.push(performance.now() - s);
    }
    console.log(`| ${label} | ${f(pre[0]!)} | ${f(percentile(pre, 50))} | ${f(Math.max(...pre))} |`);
  }
  await app.close();
}

// ---- Slack: signed slash command → HTTP ack ----
{
  const { benchSlackAck } = await import('./slack-ack.js');
  const r = await benchSlackAck({ requests: 50, concurrency: 50 });
  console.log(`\n## Slack slash-command ack (${r.requests} signed requests, ${r.concurrency} concurrent, loopback)\n`);
  console.log('| p50 ms | p99 ms | max ms | failures |');
  console.log('|---|---|---|---|');
  console.log(`| ${f(r.p50Ms)} | ${f(r.p99Ms)} | ${f(r.maxMs)} | ${r.failures} |`);
}

// ---- /admin dashboard with 100,000 stored questions ----
{
  const { benchDashboard } = await import('./dashboard.js');
  const r = await benchDashboard(Number(process.env.BENCH_DASHBOARD_QUESTIONS ?? 100_000));
  console.log(`\n## /admin dashboard (${r.questions.toLocaleString('en')} questions over 30 days, file database, 15 runs)\n`);
  console.log('| queries p50 ms, no dashboard indexes | queries p50 ms | GET /admin p50 ms | GET /admin p95 ms | page size |');
  console.log('|---|---|---|---|---|');
  console.log(`| ${f(r.unindexedP50)} | ${f(r.queryP50)} | ${f(r.pageP50)} | ${f(r.pageP95)} | ${Math.round(r.pageBytes / 1024)} KB |`);
}

// ---- A document added from chat / CLI / dashboard: store + rebuild + swap ----
{
  const { benchDocumentAdd } = await import('./dashboard.js');
  console.log('\n## Adding a document (store, rebuild the whole index, swap; 5 runs)\n');
  console.log('| index built in | p50 ms | max ms | longest event-loop stall ms | chunks after |');
  console.log('|---|---|---|---|---|');
  for (const offThread of [true, false]) {
    const r = await benchDocumentAdd(offThread);
    console.log(`| ${offThread ? 'a worker thread (file database)' : "the bot's thread (in-memory database)"} | ${f(r.p50)} | ${f(r.max)} | ${f(r.maxStallMs)} | ${r.chunks} |`);
  }
}

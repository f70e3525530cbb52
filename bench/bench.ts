/**
 * `npm run bench`: prints the numbers that go in the README. Each section measures in this
 * run; nothing here is a test and nothing asserts.
 *
 *   npm run bench                         retrieval at 1× and 100×, then answering, pre-check, Slack
 *   npm run bench -- --scale 1000         retrieval at 1000× only (heavy: minutes, several GB)
 *   npm run bench -- --scale 1,100 --runs 3   medians of three runs
 *   npm run bench -- --precheck           only the pre-check of a 200,000-character contract
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchScale, ENGINES, type Engine, type EngineResult } from './bench-retrieval.js';
import { percentile } from './percentile.js';
import { readJsonl } from './retrieval-eval.js';

const { values: args } = parseArgs({
  options: { scale: { type: 'string' }, runs: { type: 'string', default: '1' }, engines: { type: 'string' }, precheck: { type: 'boolean' }, ack: { type: 'boolean' }, startup: { type: 'boolean' } },
});
if (args.precheck) {
  const { benchPrecheck, withAppPrechecker } = await import('./precheck.js');
  console.log((await withAppPrechecker((check) => benchPrecheck(check, 7))).join('\n'));
  process.exit(0);
}
const knowledgeDir = path.resolve('knowledge');
const queries = [
  ...readJsonl('tests/fixtures/questions.dev.jsonl'),
  ...readJsonl('tests/fixtures/questions.extra.jsonl'),
  ...readJsonl('tests/fixtures/questions.offtopic.dev.jsonl'),
].map((q) => q.q);
const f = (x: number) => x.toFixed(x < 10 ? 2 : 0);
const median = (xs: number[]) => percentile(xs, 50);

// ---- Acks under bursts, with the real answerer (`npm run bench -- --ack` runs only this) ----
async function ackSection(): Promise<void> {
  const { benchSlackAck } = await import('./slack-ack.js');
  type SlackAckBenchResult = Awaited<ReturnType<typeof benchSlackAck>>;
  const { loadavg } = await import('node:os');
  const load = loadavg()[0]!.toFixed(1);
  const { loadConfig } = await import('../src/config/config.js');
  const workers = loadConfig({ ANSWER_WORKERS: process.env.ANSWER_WORKERS }, null).ANSWER_WORKERS;
  const runs = Math.max(1, Number(args.runs) || 1);
  console.log(`\n## Slack ack under bursts (signed /ask through the real HTTP receiver; ANSWER_WORKERS=${workers}; load average ${load}; median of ${runs} interleaved run(s) per cell)\n`);
  console.log('"bare": a node:http server that only checks the signature (this machine\'s floor, with the load generator on the same 2 cores). "ack only": the bot, its commands acked and then dropped. "answered": the bot with the real handbook answerer after each ack. CPU: the bot process\'s CPU time from the first request to the last ack, per request.\n');
  console.log('| concurrent | requests | bare p50 / p99 ms | ack only p50 / p99 ms | answered p50 / p99 ms | p99 answered ÷ bare | CPU ms per ack (ack only) | failures | answered | of which "busy" | bot loop delay p99 / max ms | load average before |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const concurrency of [50, 200, 500]) {
    const before = loadavg()[0]!.toFixed(1);
    const bare: SlackAckBenchResult[] = [];
    const floor: SlackAckBenchResult[] = [];
    const real: SlackAckBenchResult[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(await benchSlackAck({ requests: concurrency * 2, concurrency, questions: queries, bare: true }));
      floor.push(await benchSlackAck({ requests: concurrency * 2, concurrency, questions: queries, answer: false }));
      real.push(await benchSlackAck({ requests: concurrency * 2, concurrency, questions: queries }));
    }
    const m = (rs: SlackAckBenchResult[], k: keyof SlackAckBenchResult) => median(rs.map((r) => Number(r[k])));
    const r = real[real.length - 1]!;
    const failures = [...bare, ...floor, ...real].reduce((a, x) => a + x.failures, 0);
    console.log(
      `| ${concurrency} | ${concurrency * 2} | ${f(m(bare, 'p50Ms'))} / ${f(m(bare, 'p99Ms'))} | ${f(m(floor, 'p50Ms'))} / ${f(m(floor, 'p99Ms'))} | ${f(m(real, 'p50Ms'))} / ${f(m(real, 'p99Ms'))} | ${(m(real, 'p99Ms') / m(bare, 'p99Ms')).toFixed(2)} | ${m(floor, 'cpuMsPerRequest').toFixed(2)} | ${failures} | ${r.answersDelivered} | ${r.busyReplies} | ${f(r.loopDelayP99Ms)} / ${f(r.loopDelayMaxMs)} | ${before} |`,
    );
  }
  const soak = await benchSlackAck({ requests: 50, concurrency: 50, questions: queries, soak: 5000, warmup: 0 });
  console.log(`\nResident memory after 5,000 more questions (50 concurrent): ${soak.rssMb} MB.`);
}
if (args.ack) {
  await ackSection();
  process.exit(0);
}

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

const scales = (args.scale ?? '1,100').split(',').map(Number);
const engines = (args.engines?.split(',') ?? ENGINES) as Engine[];
const runs = Math.max(1, Number(args.runs));
console.log(`## Retrieval (${queries.length} queries × 3 rounds; recall@5 on the dev set; median of ${runs} run(s); each phase in its own process)\n`);
console.log('| corpus | engine | chunks | build s | restart s | query p50 ms | query p95 ms | index MB | build peak RSS MB | recall@5 |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const reloads: string[] = [];
for (const scale of scales) {
  const all: EngineResult[][] = [];
  for (let r = 0; r < runs; r++) all.push(await benchScale(knowledgeDir, scale, engines));
  for (const engine of engines) {
    const rs = all.map((run) => run.find((x) => x.engine === engine)!);
    const m = (key: keyof EngineResult) => median(rs.map((x) => x[key] as number));
    const name = engine === 'ours' ? 'ours (BM25)' : `${engine} + jieba`;
    const rl = rs.flatMap((x) => (x.reload ? [x.reload] : []));
    if (rl.length) {
      const r = (key: keyof NonNullable<EngineResult['reload']>) => median(rl.map((x) => x[key]));
      reloads.push(`| ${scale}× | ${f(r('reloadMs') / 1000)} | ${r('answers')} | ${f(r('answerP50'))} | ${f(r('answerMax'))} | ${f(r('maxStallMs'))} |`);
    }
    console.log(`| ${scale}× | ${name} | ${rs[0]!.chunks} | ${f(m('buildMs') / 1000)} | ${f(m('restartMs') / 1000)} | ${f(m('p50'))} | ${f(m('p95'))} | ${f(m('indexMb'))} | ${f(m('peakMb'))} | ${m('recallAt5').toFixed(3)} |`);
  }
}
console.log('\n`/kb reload` (forced rebuild) while questions keep coming, one every 5 ms:\n');
console.log('| corpus | reload s | answers meanwhile | answer p50 ms | answer max ms | longest event-loop stall ms |');
console.log('|---|---|---|---|---|---|');
for (const line of reloads) console.log(line);
if (args.scale) process.exit(0);

// ---- Answering (extractive, no network) ----
{
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { loadConfig } = await import('../src/config/config.js');
  const { createLogger } = await import('../src/log/logger.js');
  const { createApp } = await import('../src/app.js');
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
  const { benchPrecheck } = await import('./precheck.js');
  console.log(`\n${(await benchPrecheck((text) => app.prechecker.check(text))).join('\n')}`);
  await app.close();
}

// ---- Slack: signed slash command → HTTP ack, with the real answerer ----
await ackSection();

// ---- Storage engines and replicas ----
{
  const { benchReplicas } = await import('./replicas.js');
  console.log(`\n${(await benchReplicas()).join('\n')}`);
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

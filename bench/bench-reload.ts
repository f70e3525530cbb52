/**
 * `/kb reload` while answering, in its own process (spawned by bench-retrieval.ts): the stored
 * index is opened, then a forced reload runs while questions keep being asked one after another.
 * Reports how long the reload took, how many answers were given meanwhile, their p50/max latency,
 * and the longest the event loop was blocked (what an answer could have waited at worst).
 * Prints one `RESULT {json}` line.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { KnowledgeService } from '../src/knowledge/service.js';
import { percentile } from './percentile.js';
import { readJsonl } from './retrieval-eval.js';

const { values } = parseArgs({ options: { knowledge: { type: 'string' }, data: { type: 'string' } } });
const queries = readJsonl('tests/fixtures/questions.dev.jsonl').map((q) => q.q);
const service = await KnowledgeService.open({ knowledgeDir: values.knowledge!, dataDir: values.data! });
for (const q of queries) await service.search(q);

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
const started = performance.now();
let done = false;
const reloading = service.reload(true).finally(() => (done = true));
const times: number[] = [];
for (let i = 0; !done; i++) {
  const s = performance.now();
  await service.search(queries[i % queries.length]!);
  times.push(performance.now() - s);
  // One question at a time with a pause, as chat traffic arrives; the pause lets timers measure stalls.
  await new Promise((r) => setTimeout(r, 5));
}
await reloading;
const reloadMs = performance.now() - started;
delay.disable();
console.log(
  `RESULT ${JSON.stringify({ reloadMs, answers: times.length, answerP50: percentile(times, 50), answerMax: Math.max(0, ...times), maxStallMs: delay.max / 1e6 })}`,
);

/**
 * `tsx bench/cv-answerability.ts`: leave-one-set-out cross-validation of the answerability
 * thresholds (minimum coverage, weights of unknown nouns and other unknown words, the discount for a
 * passage that meets none of the question's nouns). For each labelled set, the settings are fitted
 * on all the other sets (a smooth logistic loss on the distance from the threshold) and the left-out set is
 * scored with them: those out-of-fold numbers are what to report, not the in-sample ones. Finally
 * the settings fitted on every set. These settings shape the coverage features the answerability
 * model (bench/fit-answerability.ts) reads; refit that after changing them. The final blind set
 * (heldout8, bench/final-sets.ts) is refused.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { DEFAULT_HYBRID } from '../src/retrieval/hybrid.js';
import { readJsonl } from './retrieval-eval.js';
import { refuseFinalSets } from './final-sets.js';

const SETS = (process.argv[2] ?? 'dev,extra,blind,heldout,tune,heldout2').split(',');
refuseFinalSets(SETS);
const data = SETS.map((name) => ({
  name,
  on: readJsonl(`tests/fixtures/questions.${name}.jsonl`).map((q) => q.q),
  off: readJsonl(`tests/fixtures/questions.offtopic.${name}.jsonl`).map((q) => q.q),
}));
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'cv-')) });

const range = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 1000) / 1000);
const TAU = 0.05;
const softplus = (x: number) => Math.log1p(Math.exp(x));

type Setting = { unknownNounWeight: number; unknownWordWeight: number; nounlessFactor: number };
/** Per setting, per set: coverage of every question (-1: refused for what it asks for, or no hits). */
const table: { setting: Setting; perSet: { on: number[]; off: number[] }[] }[] = [];
for (const unknownNounWeight of range(0.4, 1.6, 0.2)) {
  for (const unknownWordWeight of range(0.3, 0.9, 0.1)) {
    for (const nounlessFactor of [0.5, 0.75, 1]) {
      const setting = { unknownNounWeight, unknownWordWeight, nounlessFactor };
      const r = kb.retriever.withOptions({ ...setting, minCoverage: 0 });
      const coverage = async (q: string) => {
        const { result, diagnostics } = await r.searchWithDiagnostics(q, { k: 5 });
        return result.unanswerable || !result.hits.length ? -1 : diagnostics.coverage;
      };
      const perSet = [];
      for (const d of data) perSet.push({ on: await Promise.all(d.on.map(coverage)), off: await Promise.all(d.off.map(coverage)) });
      table.push({ setting, perSet });
    }
  }
}

const thresholds = range(0.2, 0.7, 0.025);
function fit(use: number[]): { setting: Setting; minCoverage: number } {
  let best = { loss: Infinity, setting: table[0]!.setting, minCoverage: 0.45 };
  for (const { setting, perSet } of table) {
    const on = use.flatMap((i) => perSet[i]!.on);
    const off = use.flatMap((i) => perSet[i]!.off);
    for (const t of thresholds) {
      const loss =
        on.filter((c) => c >= 0).reduce((s, c) => s + softplus((t - c) / TAU), 0) / on.length +
        off.filter((c) => c >= 0).reduce((s, c) => s + softplus((c - t) / TAU), 0) / Math.max(1, off.length);
      if (loss < best.loss) best = { loss, setting, minCoverage: t };
    }
  }
  return best;
}
function score(i: number, chosen: { setting: Setting; minCoverage: number }) {
  const row = table.find((r) => r.setting === chosen.setting)!.perSet[i]!;
  return {
    refused: row.on.filter((c) => c < chosen.minCoverage).length / Math.max(1, row.on.length),
    answered: row.off.filter((c) => c >= chosen.minCoverage).length / Math.max(1, row.off.length),
  };
}

const f = (x: number) => x.toFixed(3);
console.log('| left-out set | on | off | fitted on the others | out-of-fold refused | out-of-fold off-topic answered |');
console.log('|---|---|---|---|---|---|');
let refusedTotal = 0;
let answeredTotal = 0;
for (let i = 0; i < data.length; i++) {
  const chosen = fit(data.map((_, j) => j).filter((j) => j !== i));
  const s = score(i, chosen);
  refusedTotal += s.refused * data[i]!.on.length;
  answeredTotal += s.answered * data[i]!.off.length;
  console.log(`| ${data[i]!.name} | ${data[i]!.on.length} | ${data[i]!.off.length} | minCoverage ${chosen.minCoverage}, ${JSON.stringify(chosen.setting)} | ${f(s.refused)} | ${f(s.answered)} |`);
}
const on = data.reduce((s, d) => s + d.on.length, 0);
const off = data.reduce((s, d) => s + d.off.length, 0);
console.log(`| all (pooled out-of-fold) | ${on} | ${off} | | ${f(refusedTotal / on)} | ${f(answeredTotal / off)} |`);
const current = table.find(
  (r) =>
    r.setting.unknownNounWeight === DEFAULT_HYBRID.unknownNounWeight &&
    r.setting.unknownWordWeight === DEFAULT_HYBRID.unknownWordWeight &&
    r.setting.nounlessFactor === DEFAULT_HYBRID.nounlessFactor,
);
if (current) {
  const shipped = { setting: current.setting, minCoverage: DEFAULT_HYBRID.minCoverage };
  const per = data.map((d, i) => ({ d, s: score(i, shipped) }));
  const pooledRefused = per.reduce((sum, { d, s }) => sum + s.refused * d.on.length, 0) / on;
  const pooledAnswered = per.reduce((sum, { d, s }) => sum + s.answered * d.off.length, 0) / off;
  console.log(`| shipped defaults (in-sample on the sets they were fitted on) | ${on} | ${off} | minCoverage ${DEFAULT_HYBRID.minCoverage} | ${f(pooledRefused)} | ${f(pooledAnswered)} |`);
}
const all = fit(data.map((_, i) => i));
console.log(`\nFitted on every set: minCoverage ${all.minCoverage}, ${JSON.stringify(all.setting)}`);

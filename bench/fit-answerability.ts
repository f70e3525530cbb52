/**
 * `tsx bench/fit-answerability.ts [sets]`: fits the answerability model (src/retrieval/answer-model.ts)
 * and reports it leave-one-set-out. Every on-topic and off-topic question of the labelled sets is
 * searched once with the shipped retriever and its answerability features are kept. For each set, a
 * logistic regression (classes weighted equally, L2-regularised) is fitted on the other sets, its
 * threshold is chosen on those same sets as the lowest that keeps their off-topic answered rate at or
 * below the target, and the left-out set is scored with both: those out-of-fold numbers are what to
 * report. Questions the asking slots refuse (a place, a contact, *my* figure…) count as refused and
 * are left out of the fit, as are numbering references (always answered) and questions with no hit.
 * Last, the model fitted on every set, to ship (DEFAULT_HYBRID.answerModel).
 *
 *   ANSWER_TARGET=0.04   the off-topic answered rate the threshold is chosen for (default 0.04)
 *   ANSWER_L2=0.001      L2 weight
 *   ANSWER_DROP=a,b      fit without those features (their column zeroed), to measure what each adds
 *
 * The fit is written out (Newton's method on a convex loss, a dozen weights on under a thousand
 * questions) as in bench/fit-ranking.ts rather than taken from a library: the per-fold threshold
 * rule and the per-set reporting are the part that matters, and no dependency is needed for them.
 * The final blind set (heldout8, bench/final-sets.ts) is never read here.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { ANSWER_FEATURES, type AnswerFeature } from '../src/retrieval/answer-model.js';
import { DEFAULT_HYBRID } from '../src/retrieval/hybrid.js';
import { isTrap, readJsonl } from './retrieval-eval.js';
import { refuseFinalSets } from './final-sets.js';

const SETS = (process.argv[2] ?? 'dev,extra,blind,heldout,tune,heldout2,heldout3,heldout4,heldout5,heldout6,heldout7').split(',');
refuseFinalSets(SETS);
const TARGET = Number(process.env.ANSWER_TARGET ?? 0.04);
const LAMBDA = Number(process.env.ANSWER_L2 ?? 0.001);
const STEPS = Number(process.env.ANSWER_STEPS ?? 50);
const drop = new Set((process.env.ANSWER_DROP ?? '').split(',').filter(Boolean));

const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'answer-')) });
const retriever = kb.retriever.withOptions({ answerModel: null });

interface Row {
  set: number;
  id: string;
  q: string;
  on: boolean;
  trap: boolean;
  /** Decided without the model: refused by the asking slots or for want of hits, or answered as a numbering reference. */
  fixed: 'refused' | 'answered' | null;
  /** The old rule: coverage ≥ minCoverage. */
  old: boolean;
  x: number[];
}
const rows: Row[] = [];
for (const [set, name] of SETS.entries()) {
  const add = async (file: string, on: boolean) => {
    for (const q of readJsonl(file)) {
      let x: number[] = [];
      const { result, diagnostics } = await retriever.searchWithDiagnostics(q.q, { k: 5, answerFeatures: (f) => (x = f) });
      const fixed = result.unanswerable || !result.hits.length ? 'refused' : result.reference ? 'answered' : null;
      ANSWER_FEATURES.forEach((f, i) => drop.has(f) && (x[i] = 0));
      rows.push({ set, id: q.id, q: q.q, on, trap: !on && isTrap(q), fixed, old: result.relevant, x });
      void diagnostics;
    }
  };
  await add(`tests/fixtures/questions.${name}.jsonl`, true);
  await add(`tests/fixtures/questions.offtopic.${name}.jsonl`, false);
}

const dim = ANSWER_FEATURES.length + 1;
const withBias = (x: number[]) => [...x, 1];
const dot = (w: number[], x: number[]) => x.reduce((s, v, i) => s + v * w[i]!, 0);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function fit(use: Row[]): number[] {
  const data = use.filter((r) => !r.fixed);
  const nOn = data.filter((r) => r.on).length || 1;
  const nOff = data.filter((r) => !r.on).length || 1;
  const w = new Array<number>(dim).fill(0);
  // Newton's method (iteratively reweighted least squares): a dozen weights, converged in a few steps.
  for (let step = 0; step < STEPS; step++) {
    // The bias (last weight) is not regularised.
    const grad = w.map((v, i) => (i < dim - 1 ? 2 * LAMBDA * v : 0));
    const hess = w.map((_, i) => w.map((__, j) => (i === j && i < dim - 1 ? 2 * LAMBDA : 0)));
    for (const r of data) {
      const x = withBias(r.x);
      const p = sigmoid(dot(w, x));
      // Each class counts half, whatever its size.
      const weight = r.on ? 0.5 / nOn : 0.5 / nOff;
      for (let i = 0; i < dim; i++) {
        grad[i]! += weight * (p - (r.on ? 1 : 0)) * x[i]!;
        for (let j = 0; j < dim; j++) hess[i]![j]! += weight * p * (1 - p) * x[i]! * x[j]!;
      }
    }
    const delta = solve(hess, grad);
    let moved = 0;
    for (let j = 0; j < dim; j++) (w[j]! -= delta[j]!), (moved = Math.max(moved, Math.abs(delta[j]!)));
    if (moved < 1e-7) break;
  }
  return w;
}

/** Solves a x = b by Gaussian elimination with partial pivoting (a small, positive definite system). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const d = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const k = m[r]![c]! / d;
      for (let j = c; j <= n; j++) m[r]![j]! -= k * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[n]! / (row[i]! || 1e-12));
}

const answers = (r: Row, w: number[], t: number) => (r.fixed ? r.fixed === 'answered' : sigmoid(dot(w, withBias(r.x))) >= t);

/** The lowest threshold at which the off-topic questions of `use` are answered at most `target` of the time. */
function threshold(use: Row[], w: number[], target: number): number {
  const off = use.filter((r) => !r.on);
  const fixedAnswered = off.filter((r) => r.fixed === 'answered').length;
  const scores = off.filter((r) => !r.fixed).map((r) => sigmoid(dot(w, withBias(r.x)))).sort((a, b) => b - a);
  const allowed = Math.floor(target * off.length) - fixedAnswered;
  // Answer fewer than `allowed + 1` of them: the threshold sits just above the (allowed+1)-th highest score.
  if (allowed < 0) return 1;
  if (allowed >= scores.length) return 0;
  return Math.min(1, scores[allowed]! + 1e-9);
}

interface Tally { on: number; refused: number; off: number; answered: number; traps: number; trapsAnswered: number }
const tally = (rs: Row[], decide: (r: Row) => boolean): Tally => {
  const t: Tally = { on: 0, refused: 0, off: 0, answered: 0, traps: 0, trapsAnswered: 0 };
  for (const r of rs) {
    const a = decide(r);
    if (r.on) (t.on++, a || t.refused++);
    else {
      t.off++;
      if (a) t.answered++;
      if (r.trap) (t.traps++, a && t.trapsAnswered++);
    }
  }
  return t;
};
const add = (a: Tally, b: Tally): Tally => ({ on: a.on + b.on, refused: a.refused + b.refused, off: a.off + b.off, answered: a.answered + b.answered, traps: a.traps + b.traps, trapsAnswered: a.trapsAnswered + b.trapsAnswered });
const f = (n: number, d: number) => (d ? (n / d).toFixed(3) : '–');

// Fit once per fold; the threshold is then chosen per target on the training sets.
const folds = SETS.map((_, set) => {
  const train = rows.filter((r) => r.set !== set);
  return { set, train, test: rows.filter((r) => r.set === set), w: fit(train) };
});

const verbose = process.argv.includes('--verbose');
console.log(`${rows.filter((r) => r.on).length} on-topic, ${rows.filter((r) => !r.on).length} off-topic questions over ${SETS.join(', ')}; L2 ${LAMBDA}\n`);
console.log(`Out-of-fold at target ${TARGET} (each set decided by the model and threshold fitted on the other sets):\n`);
console.log('| left-out set | on | off (traps) | old rule refused | old rule off-topic answered | old rule traps answered | threshold | out-of-fold refused | out-of-fold off-topic answered | out-of-fold traps answered |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
let pooledOld: Tally = tally([], () => false);
let pooled: Tally = tally([], () => false);
for (const { set, train, test, w } of folds) {
  const t = threshold(train, w, TARGET);
  const old = tally(test, (r) => r.old);
  const now = tally(test, (r) => answers(r, w, t));
  pooledOld = add(pooledOld, old);
  pooled = add(pooled, now);
  console.log(`| ${SETS[set]} | ${now.on} | ${now.off} (${now.traps}) | ${f(old.refused, old.on)} | ${f(old.answered, old.off)} | ${f(old.trapsAnswered, old.traps)} | ${t.toFixed(3)} | ${f(now.refused, now.on)} | ${f(now.answered, now.off)} | ${f(now.trapsAnswered, now.traps)} |`);
  if (verbose) for (const r of test) if (r.on !== answers(r, w, t)) console.log(`    ${r.on ? 'refused' : 'answered'} ${r.id}${r.fixed ? ` (${r.fixed} before the model)` : ''}: ${r.q}`);
}
console.log(`| pooled | ${pooled.on} | ${pooled.off} (${pooled.traps}) | ${f(pooledOld.refused, pooledOld.on)} | ${f(pooledOld.answered, pooledOld.off)} | ${f(pooledOld.trapsAnswered, pooledOld.traps)} | | **${f(pooled.refused, pooled.on)}** | **${f(pooled.answered, pooled.off)}** | **${f(pooled.trapsAnswered, pooled.traps)}** |`);

console.log('\nTrade-off, pooled out-of-fold, by the off-topic rate the threshold is chosen for on the training sets:\n');
console.log('| target | refused | off-topic answered | traps answered |');
console.log('|---|---|---|---|');
for (const target of [0.01, 0.02, 0.03, 0.04, 0.05, 0.07, 0.1, 0.15]) {
  let p: Tally = tally([], () => false);
  for (const { train, test, w } of folds) {
    const t = threshold(train, w, target);
    p = add(p, tally(test, (r) => answers(r, w, t)));
  }
  console.log(`| ${target} | ${f(p.refused, p.on)} | ${f(p.answered, p.off)} | ${f(p.trapsAnswered, p.traps)} |`);
}
const floor = tally(rows, (r) => r.fixed !== 'refused');
console.log(`\nRefused before any model (asking slots or no hit): on-topic ${f(floor.refused, floor.on)}, and off-topic answered as numbering references ${f(rows.filter((r) => !r.on && r.fixed === 'answered').length, floor.off)}.`);

const all = fit(rows);
const weights = Object.fromEntries([...ANSWER_FEATURES, 'bias'].map((name, i) => [name, Math.round(all[i]! * 1000) / 1000])) as Record<AnswerFeature | 'bias', number>;
const rounded = all.map((_, i) => weights[([...ANSWER_FEATURES, 'bias'] as const)[i]!]);
const shippedThreshold = Math.round(threshold(rows, rounded, TARGET) * 1000) / 1000;
const inSample = tally(rows, (r) => answers(r, rounded, shippedThreshold));
console.log(`\nFitted on every set: { weights: ${JSON.stringify(weights)}, threshold: ${shippedThreshold} }`);
console.log(`In-sample with it: refused ${f(inSample.refused, inSample.on)}, off-topic answered ${f(inSample.answered, inSample.off)}, traps answered ${f(inSample.trapsAnswered, inSample.traps)}`);
if (DEFAULT_HYBRID.answerModel) {
  const m = DEFAULT_HYBRID.answerModel;
  const w = [...ANSWER_FEATURES.map((n) => m.weights[n]), m.weights.bias];
  const s = tally(rows, (r) => answers(r, w, m.threshold));
  console.log(`Shipped model (in-sample): refused ${f(s.refused, s.on)}, off-topic answered ${f(s.answered, s.off)}, traps answered ${f(s.trapsAnswered, s.traps)}`);
}

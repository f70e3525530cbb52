/**
 * `tsx bench/fit-ranking.ts [sets]`: fits the learned ranker's weights (src/retrieval/rerank.ts) and
 * reports them leave-one-set-out. Every on-topic question of the labelled sets is searched once; its
 * leading candidates (fused order) are kept with their features and whether they hold a gold phrase.
 * For each set, a linear model (softmax cross-entropy over each question's candidates with the
 * gold passages as the target, L2-regularised) is fitted on the other sets and the
 * left-out set is ranked with it: those out-of-fold numbers are what to report. Last, the weights
 * fitted on every set, to ship. heldout5–heldout7 are spent final sets, used as tuning data since; the
 * final blind set (heldout8: bench/final-sets.ts) is never read here.
 *
 * The fit is written out (a few lines of gradient descent on a convex loss) rather than taken from a
 * library: it is ten weights on a few thousand pairs, and the pairwise, per-question-normalised
 * loss over a variable-size candidate list is not what the common regression packages fit.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { RANK_FEATURES, type RankFeature } from '../src/retrieval/rerank.js';
import { hitMatches, readJsonl } from './retrieval-eval.js';
import { refuseFinalSets } from './final-sets.js';

const SETS = (process.argv[2] ?? 'dev,extra,blind,heldout,tune,heldout2,heldout3,heldout4,heldout5,heldout6,heldout7').split(',');
// heldout8 is refused everywhere.
refuseFinalSets(SETS);
const LAMBDA = Number(process.env.RANK_L2 ?? 0.01);
const STEPS = Number(process.env.RANK_STEPS ?? 1500);
const RATE = Number(process.env.RANK_RATE ?? 1);
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'rank-')) });
// RANK_BIGRAM_FUSION=w: the bigram channel's weight in the fusion that picks the candidates.
const bigramWeight = process.env.RANK_BIGRAM_FUSION === undefined ? undefined : Number(process.env.RANK_BIGRAM_FUSION);
const retriever = kb.retriever.withOptions({ rankWeights: null, ...(bigramWeight === undefined ? {} : { bigramWeight }) });

interface Question { set: number; baseline: number; x: number[][]; gold: boolean[] }
const questions: Question[] = [];
for (const [set, name] of SETS.entries()) {
  for (const q of readJsonl(`tests/fixtures/questions.${name}.jsonl`)) {
    let x: number[][] = [];
    let gold: boolean[] = [];
    const result = await retriever.search(q.q, {
      k: 5,
      features: (chunks, features) => {
        x = features;
        gold = chunks.map((c) => hitMatches(c.text, q.gold ?? []));
      },
    });
    const baseline = result.hits.findIndex((h) => hitMatches(h.chunk.text, q.gold ?? []));
    questions.push({ set, baseline, x, gold });
  }
}

const dim = RANK_FEATURES.length;
// RANK_DROP=feedback,heading: fit without those features (their column zeroed), to measure what each adds.
const drop = new Set((process.env.RANK_DROP ?? '').split(',').filter(Boolean));
for (const q of questions) for (const x of q.x) RANK_FEATURES.forEach((name, i) => drop.has(name) && (x[i] = 0));
// RANK_DEPTH_FIT=n: only the n leading candidates (a shallower, cheaper rerank).
const depth = Number(process.env.RANK_DEPTH_FIT ?? 0);
if (depth) for (const q of questions) (q.x = q.x.slice(0, depth)), (q.gold = q.gold.slice(0, depth));
const dot = (w: number[], x: number[]) => x.reduce((s, v, i) => s + v * w[i]!, 0);

function fit(use: Question[]): number[] {
  // Listwise: the softmax over a question's candidates should put its mass on the gold passages
  // (cross-entropy), which aims at the first rank rather than at every pair. Questions without both
  // a gold passage and another candidate teach nothing about order.
  const groups = use.filter((q) => q.gold.some(Boolean) && q.gold.some((g) => !g));
  const w = new Array<number>(dim).fill(0);
  for (let step = 0; step < STEPS; step++) {
    const grad = w.map((v) => 2 * LAMBDA * v);
    for (const q of groups) {
      const s = q.x.map((x) => dot(w, x));
      const top = Math.max(...s);
      const e = s.map((v) => Math.exp(v - top));
      const z = e.reduce((a, b) => a + b, 0);
      const zg = e.reduce((a, b, i) => a + (q.gold[i] ? b : 0), 0);
      // d(−log zg/z)/dw = Σ p_i x_i − Σ_gold (e_i / zg) x_i
      q.x.forEach((x, i) => {
        const coef = e[i]! / z - (q.gold[i] ? e[i]! / zg : 0);
        for (let j = 0; j < dim; j++) grad[j]! += (coef * x[j]!) / groups.length;
      });
    }
    for (let i = 0; i < dim; i++) w[i]! -= RATE * grad[i]!;
  }
  return w;
}

function score(qs: Question[], w: number[] | null) {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  for (const q of qs) {
    let rank: number;
    if (!w) rank = q.baseline;
    else {
      const order = q.x.map((x, i) => [i, dot(w, x)] as const).sort((a, b) => b[1] - a[1]).map(([i]) => i);
      rank = order.findIndex((i) => q.gold[i]);
      if (rank >= 5) rank = -1;
    }
    if (rank === 0) r1++;
    if (rank >= 0) {
      r5++;
      mrr += 1 / (rank + 1);
    }
  }
  const n = Math.max(1, qs.length);
  return { r1: r1 / n, r5: r5 / n, mrr: mrr / n };
}

const f = (x: number) => x.toFixed(3);
console.log(`L2 ${LAMBDA}; gold among the candidates for ${questions.filter((q) => q.gold.some(Boolean)).length} of ${questions.length} questions\n`);
console.log('| left-out set | questions | before r@1 | before r@5 | before MRR | out-of-fold r@1 | out-of-fold r@5 | out-of-fold MRR |');
console.log('|---|---|---|---|---|---|---|---|');
const pooled = { before: [] as Question[], after: [] as { q: Question; w: number[] }[] };
for (const [set, name] of SETS.entries()) {
  const test = questions.filter((q) => q.set === set);
  const w = fit(questions.filter((q) => q.set !== set));
  const b = score(test, null);
  const a = score(test, w);
  pooled.before.push(...test);
  pooled.after.push(...test.map((q) => ({ q, w })));
  console.log(`| ${name} | ${test.length} | ${f(b.r1)} | ${f(b.r5)} | ${f(b.mrr)} | ${f(a.r1)} | ${f(a.r5)} | ${f(a.mrr)} |`);
}
const pb = score(pooled.before, null);
const pa = pooled.after.map(({ q, w }) => score([q], w));
const mean = (k: 'r1' | 'r5' | 'mrr') => pa.reduce((s, x) => s + x[k], 0) / pa.length;
console.log(`| pooled | ${questions.length} | ${f(pb.r1)} | ${f(pb.r5)} | ${f(pb.mrr)} | ${f(mean('r1'))} | ${f(mean('r5'))} | ${f(mean('mrr'))} |`);

const all = fit(questions);
const weights = Object.fromEntries(RANK_FEATURES.map((name, i) => [name, Math.round(all[i]! * 1000) / 1000])) as Record<RankFeature, number>;
console.log(`\nFitted on every set: ${JSON.stringify(weights)}`);

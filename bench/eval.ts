/**
 * `npm run eval`: retrieval and answering quality per question set, as a table.
 *   npm run eval                      every set in tests/fixtures (questions.<set>.jsonl + questions.offtopic.<set>.jsonl)
 *   npm run eval -- --set tune        one set by name
 *   EVAL_QUESTIONS=… EVAL_OFFTOPIC=…  any two files (names inside tests/fixtures or paths)
 *   --modes                           also the lexical / dense / hybrid retrieval table
 *   --verbose                         list every miss (rank, refusal, answer without gold, off-topic answered)
 *   EVAL_EMBEDDINGS=ngram             with the offline hashed n-gram embedding as the dense side (not the default)
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createAnswerer } from '../src/answer/answerer.js';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { HashedNgramEmbeddings } from '../src/retrieval/embeddings.js';
import { evaluate, evaluateSet, questionSets, readJsonl } from './retrieval-eval.js';

// `npm run eval -- --contracts DIR`: the contract pre-check instead of retrieval.
const contractsAt = process.argv.indexOf('--contracts');
if (contractsAt !== -1) {
  const { printContractEval } = await import('./eval-contracts.js');
  // `--own-companies "A,B"`: what an operator adds to contract.yaml `ownCompanies` (a set author's own company).
  const ownAt = process.argv.indexOf('--own-companies');
  const own = ownAt !== -1 ? (process.argv[ownAt + 1] ?? '').split(/[,，]/).map((x) => x.trim()).filter(Boolean) : [];
  await printContractEval(path.resolve(process.argv[contractsAt + 1] ?? 'tests/fixtures/contracts-tune'), own);
  process.exit(0);
}

const fixtures = path.resolve('tests/fixtures');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const only = args.includes('--set') ? args[args.indexOf('--set') + 1] : undefined;
const resolve = (f: string) => (path.isAbsolute(f) || f.includes('/') ? path.resolve(f) : path.join(fixtures, f));

const sets = process.env.EVAL_QUESTIONS
  ? [{ name: path.basename(process.env.EVAL_QUESTIONS, '.jsonl'), onTopic: resolve(process.env.EVAL_QUESTIONS), offTopic: process.env.EVAL_OFFTOPIC ? resolve(process.env.EVAL_OFFTOPIC) : null }]
  : questionSets(fixtures).filter((s) => !only || s.name === only);

const embeddings = process.env.EVAL_EMBEDDINGS === 'ngram' ? new HashedNgramEmbeddings() : null;
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'eval-')), embeddings });
const answerer = createAnswerer({ retriever: kb.retriever, config: { llmEnabled: false }, log: { debug() {}, info() {}, warn() {} } });
const f = (x: number) => x.toFixed(3);

console.log(`Knowledge base: ${kb.status.chunks} passages, embeddings: ${kb.status.embeddings}. Extractive answers (no LLM).\n`);
console.log('| set | on-topic | off-topic (traps) | recall@1 | recall@5 | MRR | on-topic refused | off-topic answered | traps answered | answer quotes gold |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const details: string[] = [];
for (const set of sets) {
  const on = readJsonl(set.onTopic);
  const off = set.offTopic ? readJsonl(set.offTopic) : [];
  const s = await evaluateSet(kb.retriever, answerer, on, off);
  console.log(`| ${set.name} | ${s.onTopic} | ${s.offTopic} (${s.traps}) | ${f(s.recallAt1)} | ${f(s.recallAt5)} | ${f(s.mrr)} | ${f(s.onTopicRefused)} | ${f(s.offTopicAnswered)} | ${s.traps ? f(s.trapsAnswered) : '–'} | ${f(s.quotesGold)} |`);
  if (verbose) for (const w of s.wrong) details.push(`  ${set.name} ${w.id} ${w.why}: ${w.q}`);
}
if (details.length) console.log(`\n${details.join('\n')}`);

if (args.includes('--modes')) {
  console.log('\n| set | mode | recall@1 | recall@5 | MRR | on-topic relevant | off-topic rejected |');
  console.log('|---|---|---|---|---|---|---|');
  for (const set of sets) {
    const on = readJsonl(set.onTopic);
    const off = set.offTopic ? readJsonl(set.offTopic) : [];
    for (const mode of embeddings ? (['lexical', 'dense', 'hybrid'] as const) : (['lexical'] as const)) {
      const s = await evaluate(kb.retriever, mode, on, off);
      console.log(`| ${set.name} | ${mode} | ${f(s.recallAt1)} | ${f(s.recallAt5)} | ${f(s.mrr)} | ${f(s.onTopicRelevant)} | ${f(s.offTopicRejected)} |`);
    }
  }
}

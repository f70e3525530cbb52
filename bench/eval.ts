/** `npm run eval`: retrieval quality on the dev questions, per mode, as a table. */
import path from 'node:path';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { evaluate, readJsonl } from './retrieval-eval.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const fixtures = path.resolve('tests/fixtures');
const onTopic = readJsonl(path.join(fixtures, process.env.EVAL_QUESTIONS ?? 'questions.dev.jsonl'));
const offTopic = readJsonl(path.join(fixtures, process.env.EVAL_OFFTOPIC ?? 'questions.offtopic.dev.jsonl'));
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'eval-')) });

console.log(`Retrieval on ${onTopic.length} on-topic and ${offTopic.length} off-topic questions (${kb.status.chunks} chunks)\n`);
console.log('| mode | recall@1 | recall@5 | MRR | on-topic relevant | off-topic rejected |');
console.log('|---|---|---|---|---|---|');
const verbose = process.argv.includes('--verbose');
for (const mode of ['lexical', 'dense', 'hybrid'] as const) {
  const s = await evaluate(kb.retriever, mode, onTopic, offTopic);
  const f = (x: number) => x.toFixed(3);
  console.log(`| ${mode} | ${f(s.recallAt1)} | ${f(s.recallAt5)} | ${f(s.mrr)} | ${f(s.onTopicRelevant)} | ${f(s.offTopicRejected)} |`);
  if (verbose) for (const m of s.misses) console.log(`    miss ${m.id} rank=${m.firstGoldRank} relevant=${m.relevant} ${m.q}`);
}

// Extractive answers: how often the composed answer itself quotes a gold phrase.
if (process.argv.includes('--answers')) {
  const { createAnswerer } = await import('../src/answer/answerer.js');
  const { toSimplified } = await import('../src/text/script.js');
  const answerer = createAnswerer({ retriever: kb.retriever, config: { llmEnabled: false }, log: { debug() {}, info() {}, warn() {} } });
  let answered = 0;
  let quoted = 0;
  for (const q of onTopic) {
    const r = await answerer.ask(q.q);
    if (r.answered) answered++;
    const said = toSimplified(`${r.answer}\n${r.citations.map((c) => c.quote).join('\n')}`).replace(/\s/g, '');
    if (r.answered && (q.gold ?? []).some((g) => said.includes(g))) quoted++;
    else if (verbose) console.log(`    answer without gold ${q.id} ${q.q}`);
  }
  console.log(`\nExtractive answers: ${answered}/${onTopic.length} answered, ${quoted}/${onTopic.length} quote a gold phrase`);
}

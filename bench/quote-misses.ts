/**
 * `tsx bench/quote-misses.ts <set> [<set>…] [--verbose]`: why an on-topic answer quotes no gold phrase.
 * Each miss is one of: refused; the gold passage is not among the passages the answer draws on
 * (the answerer's k = 6); or it is among them but the quotes picked other sentences or passages.
 * With --verbose the last class lists the question, the gold phrase's passage rank and the answer.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createAnswerer } from '../src/answer/answerer.js';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { rankSentences } from '../src/answer/extractive.js';
import { mergeTerms, queryTerms, weightedTerms } from '../src/answer/terms.js';
import { hitMatches, questionSets, readJsonl } from './retrieval-eval.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const wanted = args.filter((a) => !a.startsWith('--'));
const sets = questionSets(path.resolve('tests/fixtures')).filter((s) => wanted.includes(s.name));
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'quotes-')), embeddings: null });
const answerer = createAnswerer({ retriever: kb.retriever, config: { llmEnabled: false }, log: { debug() {}, info() {}, warn() {} } });

const total = { n: 0, quoted: 0, refused: 0, notRetrieved: 0, picked: 0, lines: 0, leadGold: 0 };
for (const set of sets) {
  const counts = { n: 0, quoted: 0, refused: 0, notRetrieved: 0, picked: 0, lines: 0, leadGold: 0 };
  const lines: string[] = [];
  for (const q of readJsonl(set.onTopic)) {
    counts.n++;
    const r = await answerer.ask(q.q);
    if (!r.answered) {
      counts.refused++;
      continue;
    }
    const quotedLines = r.answer.split('\n').filter((l) => l.startsWith('- '));
    counts.lines += quotedLines.length;
    if (quotedLines[0] && hitMatches(quotedLines[0], q.gold ?? [])) counts.leadGold++;
    const said = `${r.answer}\n${r.citations.map((c) => c.quote).join('\n')}`;
    if (hitMatches(said, q.gold ?? [])) {
      counts.quoted++;
      continue;
    }
    const { hits } = await kb.retriever.search(q.q, { k: 6 });
    const rank = hits.findIndex((h) => hitMatches(h.chunk.text, q.gold ?? []));
    if (rank < 0) {
      counts.notRetrieved++;
      continue;
    }
    counts.picked++;
    if (verbose) {
      // Where the gold phrase's sentences rank among the scored sentences (none: it spans sentences or is not quotable).
      const terms = mergeTerms(queryTerms(q.q, kb.retriever.tokenizer), weightedTerms(kb.retriever.expandQuery(q.q)));
      const ranked = rankSentences(terms, hits);
      const show = (c: (typeof ranked)[number], i: number) => `${i + 1}. #${c.hitIndex + 1} ${c.score.toFixed(3)}/${c.overlap.toFixed(2)} ${c.sentence.text.slice(0, 70)}`;
      const goldSentences = ranked.map((c, i) => (hitMatches(c.sentence.text, q.gold ?? []) ? show(c, i) : '')).filter(Boolean);
      const topSentences = ranked.slice(0, 4).map(show);
      lines.push(
        `  ${set.name} ${q.id} gold in passage #${rank + 1}: ${q.q}\n    gold: ${(q.gold ?? []).join(' | ')}\n    gold sentences: ${goldSentences.join(' || ') || '(none quotable)'}\n    top: ${topSentences.join('\n         ')}\n    ${r.answer.replace(/\n/g, '\n    ')}`,
      );
    }
  }
  for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += counts[k];
  console.log(`${set.name}: ${counts.n} on-topic, quotes gold ${counts.quoted}, refused ${counts.refused}, gold passage not in top 6 ${counts.notRetrieved}, in top 6 but not quoted ${counts.picked}`);
  if (lines.length) console.log(lines.join('\n'));
}
const share = (x: number) => (x / Math.max(1, total.n)).toFixed(3);
console.log(`pooled: ${total.n} on-topic, quotes gold ${total.quoted} (${share(total.quoted)}), refused ${total.refused}, not in top 6 ${total.notRetrieved}, in top 6 not quoted ${total.picked} (${share(total.picked)}), quoted lines per answer ${(total.lines / Math.max(1, total.n - total.refused)).toFixed(2)}, first line quotes gold ${total.leadGold} (${share(total.leadGold)})`);

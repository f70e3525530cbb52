/** `tsx scripts/diagnose.ts <questions.jsonl>`: per question, topic words, coverage and where the gold passage ranks. */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { hitMatches, readJsonl } from './retrieval-eval.js';

const file = process.argv[2] ?? 'tests/fixtures/questions.dev.jsonl';
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'diag-')) });
for (const q of readJsonl(file)) {
  const { result, diagnostics } = await kb.retriever.searchWithDiagnostics(q.q, { k: 10 });
  const rank = result.hits.findIndex((h) => hitMatches(h.chunk.text, q.gold ?? [])) + 1;
  const goldChunk = kb.retriever.chunks.findIndex((c) => hitMatches(c.text, q.gold ?? []));
  const flag = q.gold ? (rank === 1 && result.relevant ? 'ok ' : 'BAD') : result.relevant ? 'BAD' : 'ok ';
  console.log(`${flag} ${q.id} rank=${rank || '-'} rel=${result.relevant} cov=${diagnostics.coverage.toFixed(2)} ${q.q}`);
  console.log(`     words: ${(diagnostics.words ?? []).map((w) => `${w.word}:${w.weight}${w.present.length ? `=${w.present.join('/')}` : '?'}`).join(' ')}`);
  if (flag === 'BAD') {
    for (const h of result.hits.slice(0, 3)) console.log(`     #${h.rank} ${h.score} ${h.chunk.section} | ${h.chunk.text.slice(0, 60).replace(/\n/g, ' ')}`);
    if (goldChunk >= 0 && q.gold) console.log(`     gold chunk ${goldChunk}: ${kb.retriever.chunks[goldChunk]!.section} | ${kb.retriever.chunks[goldChunk]!.text.slice(0, 80).replace(/\n/g, ' ')}`);
  }
}

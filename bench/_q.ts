import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { readJsonl } from './retrieval-eval.js';
const dataDir = process.env.D ?? mkdtempSync(path.join(tmpdir(), 'q-'));
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve(process.env.K ?? 'knowledge'), dataDir });
console.log('rebuilt', kb.status.rebuilt);
const qs = [...readJsonl('tests/fixtures/questions.dev.jsonl'), ...readJsonl('tests/fixtures/questions.extra.jsonl'), ...readJsonl('tests/fixtures/questions.offtopic.dev.jsonl')].map((q) => q.q);
for (const q of qs) await kb.retriever.search(q);
const rows: [number, string][] = [];
for (const q of qs) { const s = performance.now(); for (let i = 0; i < 3; i++) await kb.retriever.search(q); rows.push([(performance.now() - s) / 3, q]); }
rows.sort((a, b) => b[0] - a[0]);
for (const [t, q] of rows.slice(0, 8)) console.log(t.toFixed(2), q);

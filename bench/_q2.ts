import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { readJsonl } from './retrieval-eval.js';
const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: mkdtempSync(path.join(tmpdir(), 'q-')) });
const qs = [...readJsonl('tests/fixtures/questions.dev.jsonl'), ...readJsonl('tests/fixtures/questions.extra.jsonl'), ...readJsonl('tests/fixtures/questions.offtopic.dev.jsonl')].map((q) => q.q);
for (const q of qs) await kb.retriever.search(q);
const t: number[] = [];
for (let r = 0; r < 10; r++) for (const q of qs) { const s = performance.now(); await kb.retriever.search(q); t.push(performance.now() - s); }
t.sort((a, b) => a - b);
console.log('p50', t[Math.floor(t.length * 0.5)]!.toFixed(3), 'p95', t[Math.floor(t.length * 0.95)]!.toFixed(3), 'sum', t.reduce((a, b) => a + b, 0).toFixed(0));

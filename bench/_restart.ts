import path from 'node:path';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
const dir = process.argv[2]!;
const t = performance.now();
const kb = await loadKnowledgeBase({ knowledgeDir: path.join(dir, 'knowledge'), dataDir: path.join(dir, 'data') });
const t1 = performance.now();
await kb.retriever.search('签合同之前必须做哪些风险控制？');
console.log('rebuilt', kb.status.rebuilt, 'load', (t1 - t).toFixed(0), 'first query', (performance.now() - t1).toFixed(0));
if (process.env.QUERIES) {
  const qs = ['签合同之前必须做哪些风险控制？', '可以给客户回扣吗', 'What are the steps for signing a sales contract?', '信用好的客户可以给多少账期？'];
  for (let r = 0; r < Number(process.env.QUERIES); r++) for (const q of qs) await kb.retriever.search(q);
}

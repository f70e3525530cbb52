import path from 'node:path';
import { writeCorpus } from './bench-retrieval.js';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
const dir = process.argv[2]!; const scale = Number(process.argv[3]);
await writeCorpus(path.resolve('knowledge'), scale, path.join(dir, 'knowledge'));
const t = performance.now();
const kb = await loadKnowledgeBase({ knowledgeDir: path.join(dir, 'knowledge'), dataDir: path.join(dir, 'data') });
console.log('built', kb.status.chunks, performance.now() - t);

import path from 'node:path';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
const dir = process.argv[2]!;
const t = performance.now();
const kb = await loadKnowledgeBase({ knowledgeDir: path.join(dir, 'knowledge'), dataDir: path.join(dir, 'data'), rebuild: true });
console.log('built', kb.status.chunks, performance.now() - t);

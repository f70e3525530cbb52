/**
 * Runs in a worker thread (see index-build.ts): builds the index of the handbook plus the added
 * documents into DATA_DIR, exactly as the bot would, so the bot only has to load the result.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { AppConfig } from './config/config.js';
import { createEmbeddings } from './config/embeddings.js';
import { storeDocumentSource } from './documents/source.js';
import { SqliteDocumentStore } from './documents/store.js';
import { loadKnowledgeBase } from './knowledge/knowledge-base.js';
import { openDatabase } from './storage/db.js';

const { config, dbFile } = workerData as { config: AppConfig; dbFile: string };
const db = openDatabase(dbFile);
try {
  const kb = await loadKnowledgeBase({
    knowledgeDir: path.resolve(config.KNOWLEDGE_DIR),
    dataDir: path.resolve(config.DATA_DIR),
    embeddings: createEmbeddings(config),
    extraDocuments: storeDocumentSource(new SqliteDocumentStore(db)),
  });
  parentPort!.postMessage({ ok: true, contentHash: kb.status.contentHash, buildMs: kb.status.buildMs });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: (err as Error).message.slice(0, 300) });
} finally {
  db.close();
}

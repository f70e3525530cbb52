/**
 * Runs in a worker thread (see index-build.ts): builds the index of the handbook plus the added
 * documents into DATA_DIR, exactly as the bot would, so the bot only has to load the result. It
 * reads the documents through the storage layer: the SQLite file, or PostgreSQL on its own
 * one-connection pool when DATABASE_URL is set.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { AppConfig } from './config/config.js';
import { createEmbeddings } from './config/embeddings.js';
import { storeDocumentSource } from './documents/source.js';
import { KyselyDocumentStore } from './documents/store.js';
import { loadKnowledgeBase } from './knowledge/knowledge-base.js';
import { openStorage } from './storage/database.js';

const { config, dbFile } = workerData as { config: AppConfig; dbFile: string };
const storage = await openStorage({ databaseUrl: config.DATABASE_URL, sqliteFile: dbFile, poolSize: 1 });
try {
  const kb = await loadKnowledgeBase({
    knowledgeDir: path.resolve(config.KNOWLEDGE_DIR),
    dataDir: path.resolve(config.DATA_DIR),
    embeddings: createEmbeddings(config),
    extraDocuments: storeDocumentSource(new KyselyDocumentStore(storage.db)),
  });
  parentPort!.postMessage({ ok: true, contentHash: kb.status.contentHash, buildMs: kb.status.buildMs });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: (err as Error).message.slice(0, 300) });
} finally {
  await storage.close();
}

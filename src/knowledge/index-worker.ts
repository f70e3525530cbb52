import { threadId, workerData, parentPort, isMainThread } from 'node:worker_threads';
import { Bm25Index } from '../retrieval/bm25.js';
import { siblingModule, startModuleWorker } from '../runtime/module-worker.js';
import { lexiconFromJson, lexiconToJson } from '../retrieval/english-lexicon.js';
import type { Glossary } from '../retrieval/glossary.js';
import { decodeChunks, encodeChunks, type StoredChunks } from './chunk-store.js';
import type { IngestResult } from './ingest.js';
import { buildLexicalIndex, type LexicalBuild } from './knowledge-base.js';

/** What the worker sends back: everything transferable or a string, so nothing is re-tokenised here. */
interface WorkerReply {
  ok: true;
  documents: LexicalBuild['documents'];
  skipped: LexicalBuild['skipped'];
  meta: string;
  texts: ArrayBuffer;
  bm25: ArrayBuffer;
  lexicon: unknown;
  related: unknown;
  /** Maps and sets survive the structured clone: the main thread need not parse the glossary again. */
  glossary: Glossary;
  buildMs: number;
  threadId: number;
}

/** A lexical build, its chunks already encoded for storage (written to disk as they are), and the thread that built it. */
export type WorkerBuild = LexicalBuild & { stored: StoredChunks; threadId: number };

/**
 * Runs the CPU-heavy part of a build (reading, cleaning, chunking, segmenting, BM25, lexicon) on a
 * worker thread, so `/kb reload` and new documents never stall answers on the main thread; the
 * main thread only parses the result and swaps it in.
 */
export function buildLexicalIndexInWorker(knowledgeDir: string, extra?: IngestResult): Promise<WorkerBuild> {
  return new Promise((resolve, reject) => {
    // Added documents arrive already chunked (plain data): the worker indexes them with the rest.
    const worker = startModuleWorker(siblingModule(import.meta.url, 'index-worker'), { knowledgeDir, extra });
    let settled = false;
    worker.once('message', (reply: WorkerReply | { ok: false; error: string }) => {
      settled = true;
      void worker.terminate();
      if (!reply.ok) return reject(new Error(reply.error));
      const stored = { meta: reply.meta, texts: Buffer.from(reply.texts) };
      resolve({
        documents: reply.documents,
        skipped: reply.skipped,
        chunks: decodeChunks(stored),
        stored,
        bm25: Bm25Index.deserialize(Buffer.from(reply.bm25)),
        lexicon: lexiconFromJson(reply.lexicon),
        related: lexiconFromJson(reply.related),
        glossary: reply.glossary,
        buildMs: reply.buildMs,
        threadId: reply.threadId,
      });
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => settled || reject(new Error(`index worker exited with code ${code}`)));
  });
}

if (!isMainThread && parentPort && (workerData as { knowledgeDir?: string })?.knowledgeDir) {
  const port = parentPort;
  try {
    const { knowledgeDir, extra } = workerData as { knowledgeDir: string; extra?: IngestResult };
    const build = await buildLexicalIndex(knowledgeDir, extra);
    const bm25 = ownBuffer(build.bm25.serialize());
    const { meta, texts } = encodeChunks(build.chunks);
    const reply: WorkerReply = {
      ok: true,
      documents: build.documents,
      skipped: build.skipped,
      meta,
      texts: ownBuffer(texts),
      bm25,
      lexicon: lexiconToJson(build.lexicon),
      related: lexiconToJson(build.related),
      glossary: build.glossary,
      buildMs: build.buildMs,
      threadId,
    };
    port.postMessage(reply, [bm25, reply.texts]);
  } catch (err) {
    port.postMessage({ ok: false, error: (err as Error).message || String(err) });
  }
}

/** A standalone ArrayBuffer holding exactly these bytes, to be transferred rather than copied. */
function ownBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

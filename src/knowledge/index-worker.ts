import { threadId, Worker, workerData, parentPort, isMainThread } from 'node:worker_threads';
import { Bm25Index } from '../retrieval/bm25.js';
import { lexiconFromJson, lexiconToJson } from '../retrieval/english-lexicon.js';
import type { Chunk } from '../retrieval/types.js';
import { buildLexicalIndex, type LexicalBuild } from './knowledge-base.js';

/** What the worker sends back: everything transferable or a string, so nothing is re-tokenised here. */
interface WorkerReply {
  ok: true;
  documents: LexicalBuild['documents'];
  skipped: LexicalBuild['skipped'];
  chunksJson: string;
  bm25: ArrayBuffer;
  lexicon: unknown;
  buildMs: number;
  threadId: number;
}

/** A lexical build plus the chunks as JSON (already serialised, written to disk as is) and the thread that built it. */
export type WorkerBuild = LexicalBuild & { chunksJson: string; threadId: number };

/**
 * Runs the CPU-heavy part of a build (reading, cleaning, chunking, segmenting, BM25, lexicon) on a
 * worker thread, so `/kb reload` and new documents never stall answers on the main thread; the
 * main thread only parses the result and swaps it in.
 */
export function buildLexicalIndexInWorker(knowledgeDir: string): Promise<WorkerBuild> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./index-worker.ts', import.meta.url).href, knowledgeDir },
    });
    let settled = false;
    worker.once('message', (reply: WorkerReply | { ok: false; error: string }) => {
      settled = true;
      void worker.terminate();
      if (!reply.ok) return reject(new Error(reply.error));
      resolve({
        documents: reply.documents,
        skipped: reply.skipped,
        chunks: JSON.parse(reply.chunksJson) as Chunk[],
        chunksJson: reply.chunksJson,
        bm25: Bm25Index.deserialize(Buffer.from(reply.bm25)),
        lexicon: lexiconFromJson(reply.lexicon),
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
    const build = await buildLexicalIndex((workerData as { knowledgeDir: string }).knowledgeDir);
    const bytes = build.bm25.serialize();
    // A standalone ArrayBuffer, transferred rather than copied.
    const bm25 = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const reply: WorkerReply = {
      ok: true,
      documents: build.documents,
      skipped: build.skipped,
      chunksJson: JSON.stringify(build.chunks),
      bm25,
      lexicon: lexiconToJson(build.lexicon),
      buildMs: build.buildMs,
      threadId,
    };
    port.postMessage(reply, [bm25]);
  } catch (err) {
    port.postMessage({ ok: false, error: (err as Error).message || String(err) });
  }
}

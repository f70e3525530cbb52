/**
 * Runs in a worker thread of the answer pool (answer-pool.ts): answers questions extractively from
 * the index the bot's own thread built and stored in DATA_DIR, so retrieval and sentence scoring
 * (the CPU part of an answer) never hold the bot's event loop, which stays free to accept
 * connections and acknowledge requests. Conversation memory stays with the bot: each task brings
 * the conversation's earlier turns and the index version (content hash) it must be answered from;
 * when that version differs from the one loaded here (`/kb reload`, `/kb add`, another replica's
 * change), the stored index is opened again before answering.
 */
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import { createAnswerer } from './answer/answerer.js';
import type { Turn } from './answer/memory.js';
import type { AskResult } from './answer/types.js';
import type { AppConfig } from './config/config.js';
import { createEmbeddings } from './config/embeddings.js';
import { openStoredKnowledgeBase } from './knowledge/knowledge-base.js';
import type { HybridRetriever } from './retrieval/hybrid.js';

export interface AnswerTask {
  question: string;
  /** Earlier turns of the conversation (oldest first), as the bot's memory holds them. */
  history: Turn[];
  /** The content hash of the index the bot answers from now. */
  indexHash: string;
}

/** The answer and the turn to remember, or `stale`: the stored index is not the one asked for. */
export type AnswerTaskResult = { kind: 'answer'; result: AskResult; turn: Omit<Turn, 'at'> | null } | { kind: 'stale'; storedHash: string | null };

export interface AnswerWorkerData {
  config: Pick<AppConfig, 'KNOWLEDGE_DIR' | 'DATA_DIR'> & Partial<AppConfig>;
  /** The index to open at start, so the first question does not wait for it. */
  indexHash?: string;
}

const { config, indexHash } = workerData as AnswerWorkerData;
const quiet = { debug() {}, info() {}, warn() {} };
let loaded: { hash: string; retriever: HybridRetriever } | null = null;

function open(hash: string): HybridRetriever | null {
  if (loaded?.hash === hash) return loaded.retriever;
  const kb = openStoredKnowledgeBase(
    { knowledgeDir: path.resolve(config.KNOWLEDGE_DIR), dataDir: path.resolve(config.DATA_DIR), embeddings: createEmbeddings(config as AppConfig) },
    hash,
  );
  if (!kb) return null;
  // Split and convert every passage once, as the bot does after a load, so answers stay fast.
  createAnswerer({ retriever: kb.retriever, config: { llmEnabled: false }, log: quiet }).warm(kb.retriever.chunks);
  loaded = { hash, retriever: kb.retriever };
  return kb.retriever;
}

if (indexHash) open(indexHash);

export default async function answer(task: AnswerTask): Promise<AnswerTaskResult> {
  const retriever = open(task.indexHash);
  if (!retriever) return { kind: 'stale', storedHash: loaded?.hash ?? null };
  let turn: Omit<Turn, 'at'> | null = null;
  // A memory of this one task: the bot's history in, the new turn out (the bot stores it).
  const memory = { history: () => task.history, add: (_: string, t: Omit<Turn, 'at'>) => void (turn = t) };
  const answerer = createAnswerer({ retriever, config: { llmEnabled: false }, log: quiet, memory });
  const result = await answerer.ask(task.question, 'task');
  return { kind: 'answer', result, turn };
}

import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { ConfiguredAnswerer } from './answer/answerer.js';
import type { AskOptions, AskResult } from './answer/types.js';
import type { AnswerTask, AnswerTaskResult, AnswerWorkerData } from './answer-worker.js';
import type { AppConfig } from './config/config.js';
import { errorSummary } from './log/errors.js';
import { POOL_BOOT, siblingModule } from './runtime/module-worker.js';

export interface WorkerAnswererOptions {
  /** The in-process answerer (extractive): its memory is the conversations' memory; stale tasks run on it. */
  inProcess: ConfiguredAnswerer;
  /** The content hash of the index answers come from now (read per question: a reload changes it). */
  indexHash: () => string;
  config: AppConfig;
  workers: number;
  log: Pick<Logger, 'debug' | 'warn' | 'error'>;
  /** The module the threads run (default answer-worker); tests pass one that is slow or dies. */
  workerEntry?: string;
  /** Extra workerData for that module (tests). */
  workerData?: Record<string, unknown>;
}

export interface WorkerAnswerer extends ConfiguredAnswerer {
  /** Stops the threads (questions in flight are refused). */
  close(): Promise<void>;
}

/**
 * Answers on `workers` worker threads (a piscina pool) instead of the bot's own thread, so the
 * CPU work of an extractive answer (retrieval, sentence scoring) never holds the event loop that
 * accepts connections and acknowledges requests. For extractive answers only: with an LLM
 * configured the app starts no pool (those answers mostly wait on the network and stream from the
 * bot's thread).
 *
 * A thread that dies or fails while answering costs one retry (piscina starts a fresh thread in
 * place of a dead one); a second failure is thrown, and the core replies with its error message.
 */
export function createWorkerAnswerer(options: WorkerAnswererOptions): WorkerAnswerer {
  const { inProcess, log } = options;
  const memory = inProcess.memory;
  const data: AnswerWorkerData & { workerEntry: string } = {
    workerEntry: options.workerEntry ?? siblingModule(import.meta.url, 'answer-worker'),
    config: options.config,
    indexHash: options.indexHash(),
    ...options.workerData,
  };
  const pool = new Piscina<AnswerTask, AnswerTaskResult>({
    filename: POOL_BOOT,
    workerData: data,
    minThreads: options.workers,
    maxThreads: options.workers,
    // Threads hold a copy of the index: they stay up rather than being started per burst.
    idleTimeout: Number.POSITIVE_INFINITY,
    // Acknowledging comes first: with the cores busy, the kernel runs the bot's thread before these
    // (piscina applies it per thread through @napi-rs/nice; where that is missing it is a no-op).
    niceIncrement: options.config.ANSWER_WORKERS_NICE ?? 0,
  });

  async function run(task: AnswerTask): Promise<AnswerTaskResult> {
    try {
      return await pool.run(task);
    } catch (first) {
      log.warn({ err: errorSummary(first) }, 'answer thread failed; retrying once on a fresh thread');
      try {
        return await pool.run(task);
      } catch (second) {
        log.error({ err: errorSummary(second) }, 'answer thread failed twice');
        throw new Error(`the answer could not be prepared: ${errorSummary(second)}`);
      }
    }
  }

  return {
    memory,
    preferredMode: inProcess.preferredMode,
    // The threads prepare their own copy of the passages when they open an index; preparing them
    // here too would cost this thread the time (at start and after each reload) and the memory.
    warm: () => undefined,
    async ask(question: string, conversationId?: string, askOptions?: AskOptions): Promise<AskResult> {
      const history = conversationId ? await memory.history(conversationId) : [];
      const out = await run({ question, history, indexHash: options.indexHash() });
      if (out.kind === 'stale') {
        // The stored index was replaced since this thread's bot swapped its own (another reload
        // under way): answer here, from the index the bot holds, rather than from another one.
        log.debug({ storedHash: out.storedHash }, 'stored index differs from the current one; answering in process');
        return inProcess.ask(question, conversationId, askOptions);
      }
      if (conversationId && out.turn) await memory.add(conversationId, out.turn);
      return out.result;
    },
    async close() {
      await pool.destroy();
    },
  };
}

/**
 * An answer-pool thread module for tests: the real answer-worker, preceded by a fault read per task
 * from a small JSON control file (so one app can switch faults between tests). Faults:
 *  - `exit-once` / `exit-always`: the thread ends (process.exit in a worker thread ends the thread),
 *    once (a marker file remembers it) or on every task;
 *  - `uncaught-once`: an exception thrown outside the task's promise, which kills the thread;
 *  - `slowMs`: the thread computes (a busy loop, not a timer) that long before answering.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { threadId, workerData } from 'node:worker_threads';
import answer, { type AnswerTask } from '../../src/answer-worker.js';
import type { WorkerFaults } from './answer-worker-control.js';

const { faultFile } = workerData as { faultFile: string };
const marker = `${faultFile}.fired`;

export default async function faultyAnswer(task: AnswerTask) {
  const faults = (existsSync(faultFile) ? JSON.parse(readFileSync(faultFile, 'utf8')) : {}) as WorkerFaults;
  const once = () => (existsSync(marker) ? false : (writeFileSync(marker, String(threadId)), true));
  if (faults.fault === 'exit-always' || (faults.fault === 'exit-once' && once())) process.exit(3);
  if (faults.fault === 'uncaught-once' && once()) {
    setImmediate(() => {
      throw new Error('answer thread broke');
    });
    await new Promise(() => undefined); // never settles: the thread dies first
  }
  if (faults.slowMs) {
    const end = Date.now() + faults.slowMs;
    while (Date.now() < end); // CPU work, holding this thread as a heavy answer would
  }
  return answer(task);
}

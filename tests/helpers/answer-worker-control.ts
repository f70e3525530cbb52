import { rmSync, writeFileSync } from 'node:fs';

/** What answer-worker-faults.ts does before answering (see there). */
export interface WorkerFaults {
  fault?: 'exit-once' | 'exit-always' | 'uncaught-once';
  slowMs?: number;
}

/** The thread module to give createApp's `answerWorker.workerEntry`. */
export const FAULTY_WORKER_ENTRY = new URL('./answer-worker-faults.ts', import.meta.url).href;

/** Sets the faults the next tasks meet; a fault that already fired once is forgotten. */
export function setWorkerFaults(faultFile: string, faults: WorkerFaults): void {
  rmSync(`${faultFile}.fired`, { force: true });
  writeFileSync(faultFile, JSON.stringify(faults));
}


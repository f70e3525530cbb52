import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Plain JavaScript, so it runs before any loader: copied to dist/ by the build. */
const WORKER_BOOT = new URL('./worker-boot.mjs', import.meta.url);

/**
 * The URL of a module next to `fromUrl` (a caller's import.meta.url): its compiled `.js` when the
 * caller runs compiled from dist/, its `.ts` source when the caller runs from the sources.
 */
export function siblingModule(fromUrl: string, name: string): string {
  const extension = fromUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, fromUrl).href;
}

/**
 * Starts a worker thread running `entry` (see siblingModule) from compiled code or from the
 * TypeScript sources alike. The entry reads its own data from `workerData` as usual.
 */
export function startModuleWorker(entry: string, data: Record<string, unknown>, options: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  return new Worker(WORKER_BOOT, { ...options, workerData: { ...data, workerEntry: entry } });
}

/**
 * The file a piscina pool's threads start from: it imports `workerData.workerEntry` (see
 * siblingModule) from compiled code or the TypeScript sources alike and exports its default.
 */
export const POOL_BOOT = new URL('./pool-boot.mjs', import.meta.url).href;

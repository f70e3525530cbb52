import type { AppConfig } from './config/config.js';
import { siblingModule, startModuleWorker } from './runtime/module-worker.js';

/**
 * Builds the index in a worker thread, so adding a document does not stall answers for the
 * second the build takes: the bot's thread then only loads the finished index (tens of ms) and
 * swaps it in.
 */
export function buildIndexOffThread(config: AppConfig, dbFile: string, timeoutMs = 10 * 60_000): Promise<{ buildMs: number }> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(siblingModule(import.meta.url, 'index-worker'), { config, dbFile });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('index build timed out'));
    }, timeoutMs);
    worker.once('message', (m: { ok: boolean; error?: string; buildMs?: number }) => {
      clearTimeout(timer);
      if (m.ok) resolve({ buildMs: m.buildMs ?? 0 });
      else reject(new Error(m.error ?? 'index build failed'));
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`index build worker exited with code ${code}`));
    });
  });
}

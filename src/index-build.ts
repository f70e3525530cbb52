import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from './config/config.js';

/**
 * Builds the index in a worker thread, so adding a document does not stall answers for the
 * second the build takes: the bot's thread then only loads the finished index (tens of ms) and
 * swaps it in.
 */
export function buildIndexOffThread(config: AppConfig, dbFile: string, timeoutMs = 10 * 60_000): Promise<{ buildMs: number }> {
  // Compiled (dist/, what `npm start` runs): the worker imports its compiled sibling. From the
  // sources (tests, `npm run dev`): it registers tsx first.
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(compiled ? './index-worker.js' : './index-worker.ts', import.meta.url).href;
  const source = compiled
    ? `import(${JSON.stringify(entry)})`
    : `import(${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs'))}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { config, dbFile } });
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

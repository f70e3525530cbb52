import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { percentile } from './percentile.js';

/**
 * Pre-check of a 200,000-character contract made by repeating sample contracts, through the app's
 * prechecker (handbook citations included). `npm run bench -- --precheck` runs only this.
 */
export const PRECHECK_MIXES: [string, string[]][] = [
  ['eval samples', ['tests/fixtures/contracts']],
  ['model forms and tables', ['tests/fixtures/contracts-tune', 'tests/fixtures/contracts-forms']],
  ['leases, services, one-line paste', ['tests/fixtures/contracts-classes']],
];

export async function benchPrecheck(check: (text: string) => Promise<unknown>, runs = 5): Promise<string[]> {
  const f = (x: number) => x.toFixed(x < 10 ? 2 : 0);
  const lines = [`## Pre-check of a 200,000-character contract (${runs} runs each)\n`, '| made of | first ms | median ms | max ms |', '|---|---|---|---|'];
  for (const [label, dirs] of PRECHECK_MIXES) {
    const samples = dirs.flatMap((d) => readdirSync(d).filter((n) => n.endsWith('.txt')).map((n) => readFileSync(path.join(d, n), 'utf8')));
    if (samples.length === 0) continue;
    let big = '';
    for (let i = 0; big.length < 200_000; i++) big += `${samples[i % samples.length]}\n`;
    big = big.slice(0, 200_000);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await check(big);
      times.push(performance.now() - s);
    }
    lines.push(`| ${label} | ${f(times[0]!)} | ${f(percentile(times, 50))} | ${f(Math.max(...times))} |`);
  }
  return lines;
}

/** The app's prechecker on an in-memory database, closed after use. */
export async function withAppPrechecker<T>(use: (check: (text: string) => Promise<unknown>) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('../src/config/config.js');
  const { createLogger } = await import('../src/log/logger.js');
  const { createApp } = await import('../src/app.js');
  const config = loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bench-')), LOG_LEVEL: 'silent' }, null);
  const app = await createApp(config, createLogger('silent'), { dbFile: ':memory:' });
  try {
    return await use((text) => app.prechecker.check(text));
  } finally {
    await app.close();
  }
}

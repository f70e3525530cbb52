import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdminHandler } from '../src/admin/index.js';
import { readDashboard } from '../src/admin/queries.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/log/logger.js';
import { HttpServer } from '../src/server/http.js';
import { seedDashboard } from '../tests/helpers/dashboard-seed.js';
import { percentile } from './bench-retrieval.js';

export interface DashboardBench {
  questions: number;
  /** readDashboard before the dashboard's indexes exist, ms. */
  unindexedP50: number;
  /** readDashboard with them. */
  queryP50: number;
  /** GET /admin over loopback HTTP (queries + HTML render), ms. */
  pageP50: number;
  pageP95: number;
  pageBytes: number;
}

/** The dashboard on a file database holding `questions` questions over 30 days (plus feedback, pre-checks, credit). */
export async function benchDashboard(questions = 100_000, runs = 15): Promise<DashboardBench> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-admin-'));
  const token = 'bench-admin-token-0123456789';
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', ADMIN_TOKEN: token }, null);
  const app = await createApp(config, createLogger('silent'));
  try {
    seedDashboard(app.db, { questions });
    const sources = {
      db: app.db,
      knowledge: () => app.knowledge.status,
      documents: () => app.documents.store.list(),
      schedules: () => app.scheduling.registry.all(),
    };
    const time = async (fn: () => Promise<unknown>, n: number) => {
      const t: number[] = [];
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        await fn();
        t.push(performance.now() - s);
      }
      return t;
    };
    const unindexed = await time(() => readDashboard(sources), 5);
    const server = new HttpServer();
    server.mountPrefix('/admin', createAdminHandler(app)); // creates the indexes
    const indexed = await time(() => readDashboard(sources), runs);
    const base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    let bytes = 0;
    const page = await time(async () => {
      const res = await fetch(`${base}/admin`, { headers: { authorization: `Bearer ${token}` } });
      bytes = (await res.text()).length;
    }, runs);
    await server.close();
    return {
      questions,
      unindexedP50: percentile(unindexed, 50),
      queryP50: percentile(indexed, 50),
      pageP50: percentile(page, 50),
      pageP95: percentile(page, 95),
      pageBytes: bytes,
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * From Confirm to answerable: store a document, rebuild the index, swap it in; `runs` times, with
 * the index built in a worker thread (file database, as in production) or in the bot's thread
 * (in-memory database). The longest event-loop stall during the runs is what answers wait.
 */
export async function benchDocumentAdd(offThread: boolean, runs = 5): Promise<{ p50: number; max: number; chunks: number; maxStallMs: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-docs-'));
  const app = await createApp(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }, null), createLogger('silent'), {
    dbFile: offThread ? path.join(dir, 'assistant.db') : ':memory:',
  });
  const { TRAVEL_POLICY_MD } = await import('../tests/helpers/documents.js');
  // The longest gap between ticks of a 5 ms timer: how long an answer arriving then would wait.
  let last = performance.now();
  let maxStallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last - 5);
    last = now;
  }, 5);
  try {
    const times: number[] = [];
    let chunks = 0;
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await app.documents.store.add({ title: `差旅报销制度 ${i}`, fileName: `travel-${i}.md`, data: new TextEncoder().encode(TRAVEL_POLICY_MD.replace('六百元', `${600 + i}元`)), actor: 'bench' });
      chunks = (await app.documents.updater.refresh()).chunks;
      times.push(performance.now() - s);
      // Let the ticker run: a build that never yields shows as one stall of its whole length.
      await new Promise((r) => setTimeout(r, 20));
    }
    return { p50: percentile(times, 50), max: Math.max(...times), chunks, maxStallMs };
  } finally {
    clearInterval(ticker);
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

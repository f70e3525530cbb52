import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';
import { createTestDatabase, postgresAvailable } from '../helpers/storage.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kb-postgres-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe.runIf(postgresAvailable())('documents and /kb reload on two replicas sharing PostgreSQL', () => {
  it('a document added on one replica is built in a worker from PostgreSQL and reaches the other; /kb reload bumps the shared version', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const apps: App[] = [];
    cleanups.push(async () => {
      for (const app of apps) await app.close();
    });
    // What the replicas warn about: a failed worker build would fall back to building in-thread.
    const warnings: string[] = [];
    const warnLog = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const replica = async (name: string) => {
      const app = await createApp(loadConfig({ DATA_DIR: path.join(tmp, name), LOG_LEVEL: 'silent', DATABASE_URL: database.url, ADMIN_IDS: 'slack:UADMIN' }, null), name === 'b' ? warnLog : log);
      apps.push(app);
      return app;
    };
    const a = await replica('a');
    const b = await replica('b');
    expect(a.storage.engine).toBe('postgres');
    const stopWatch = a.documents.updater.watch(50);
    try {
      const { document } = await b.documents.store.add({ title: '差旅报销制度', fileName: 'travel.md', data: new TextEncoder().encode(TRAVEL_POLICY_MD), actor: 'cli:test' });
      // b builds its index in a worker thread that reads the document from PostgreSQL.
      await b.documents.updater.refresh();
      expect(b.knowledge.status.documents.map((d) => d.docId)).toContain(document.docId);
      expect(warnings.join('\n')).not.toContain('index build in a worker failed');
      await until(() => a.knowledge.status.documents.some((d) => d.docId === document.docId), 30_000);
      const answer = await a.answerer.ask('一线城市出差住宿每晚最多报销多少？');
      expect(answer.citations[0]).toMatchObject({ docId: document.docId, section: '住宿标准' });

      // /kb reload on b re-reads everything there and a follows through the same watch.
      const builtBefore = a.knowledge.status.builtAt;
      const kb = b.core.listCommands().find((c) => c.name === 'kb')!;
      await kb.handle('reload', { origin: { platform: 'slack', userId: 'UADMIN', channelId: 'D1', conversationId: 'D1' } } as never);
      await until(() => a.knowledge.status.builtAt !== builtBefore, 30_000);
      expect(a.knowledge.status.builtAt).not.toBe(builtBefore);
    } finally {
      stopWatch();
    }
  }, 120_000);
});

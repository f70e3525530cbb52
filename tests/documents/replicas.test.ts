import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kb-replicas-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('documents on two replicas sharing one database', () => {
  it('a document added on one replica is indexed on the other by its watch', async () => {
    const dbFile = path.join(tmp, 'shared.db');
    const replica = (name: string) => createApp(loadConfig({ DATA_DIR: path.join(tmp, name), LOG_LEVEL: 'silent' }, null), log, { dbFile });
    const a = await replica('a');
    const b = await replica('b');
    try {
      const stopWatch = a.documents.updater.watch(50);
      const { document } = await b.documents.store.add({ title: '差旅报销制度', fileName: 'travel.md', data: new TextEncoder().encode(TRAVEL_POLICY_MD), actor: 'cli:test' });
      await b.documents.updater.refresh();
      const deadline = Date.now() + 20_000;
      while (!a.knowledge.status.documents.some((d) => d.docId === document.docId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(a.knowledge.status.documents.map((d) => d.docId)).toContain(document.docId);
      const answer = await a.answerer.ask('一线城市出差住宿每晚最多报销多少？');
      expect(answer.citations[0]).toMatchObject({ docId: document.docId, section: '住宿标准' });

      await b.documents.store.remove(document.docId, 'cli:test');
      const removedBy = Date.now() + 20_000;
      while (a.knowledge.status.documents.some((d) => d.docId === document.docId) && Date.now() < removedBy) await new Promise((r) => setTimeout(r, 50));
      expect(a.knowledge.status.documents.map((d) => d.docId)).not.toContain(document.docId);
      stopWatch();
    } finally {
      await a.close();
      await b.close();
    }
  }, 90_000);

  it('serialises re-indexing: changes during a build share one follow-up build', async () => {
    const app = await createApp(loadConfig({ DATA_DIR: path.join(tmp, 'c'), LOG_LEVEL: 'silent' }, null), log, { dbFile: ':memory:' });
    try {
      let builds = 0;
      let concurrent = 0;
      let maxConcurrent = 0;
      const reload = app.knowledge.reload.bind(app.knowledge);
      app.knowledge.reload = async (force?: boolean) => {
        builds++;
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        try {
          return await reload(force);
        } finally {
          concurrent--;
        }
      };
      const first = app.documents.updater.refresh();
      const rest = [app.documents.updater.refresh(), app.documents.updater.refresh(), app.documents.updater.refresh()];
      expect(rest[0]).toBe(rest[2]);
      await Promise.all([first, ...rest]);
      expect(builds).toBe(2);
      expect(maxConcurrent).toBe(1);
    } finally {
      await app.close();
    }
  }, 60_000);
});

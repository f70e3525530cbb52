import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { openStorage, type Engine, type Storage } from '../../src/storage/database.js';
import { Outbox } from '../../src/storage/outbox.js';
import { createTestDatabase, testEngines } from '../helpers/storage.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'outbox-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

/** Two connection pools on one database (SQLite: one shared connection, as one process has). */
async function twoReplicas(engine: Engine): Promise<[Storage, Storage]> {
  if (engine === 'sqlite') {
    const s = await openStorage({ sqliteFile: path.join(mkdtempSync(path.join(tmp, 'db-')), 'assistant.db') });
    cleanups.push(() => s.close());
    return [s, s];
  }
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const pair = await Promise.all([0, 1].map(() => openStorage({ databaseUrl: database.url, sqliteFile: ':memory:', poolSize: 4 })));
  cleanups.push(async () => {
    for (const s of pair) await s.close();
  });
  return pair as [Storage, Storage];
}

type Card = { ref: string; kind: 'post'; n: number };

describe.each(testEngines())('outbox on %s', (engine) => {
  it('two replicas flushing at once deliver every message exactly once', async () => {
    const [a, b] = await twoReplicas(engine);
    const delivered: { n: number; by: string }[] = [];
    const make = (s: Storage, by: string) =>
      new Outbox<Card>(s.db, s.engine, {
        name: 'test',
        log: silentLogger,
        batch: 5,
        deliver: async (m) => {
          // Slow enough that both replicas are sending at the same time.
          await new Promise((r) => setTimeout(r, 5));
          delivered.push({ n: m.n, by });
        },
      });
    const oa = make(a, 'A');
    const ob = make(b, 'B');
    await a.db.transaction().execute((trx) => oa.enqueue(Array.from({ length: 40 }, (_, n) => ({ ref: `CR-${n % 3}`, kind: 'post' as const, n })), trx));
    await Promise.all([oa.flush(), ob.flush(), oa.flush(), ob.flush()]);
    expect(delivered.map((d) => d.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    expect((await oa.health())).toEqual({ pending: 0, retrying: 0, failed: 0, failedSince: 0, oldestPendingAt: null });
    expect((await ob.rows('CR-1')).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('a failed send is retried after its backoff and given up after the bounded attempts; a taken row waits for its lease', async () => {
    const [a, b] = await twoReplicas(engine);
    let now = 1_000_000;
    let failing = true;
    const sent: number[] = [];
    const make = (s: Storage) =>
      new Outbox<Card>(s.db, s.engine, {
        name: 'test',
        log: silentLogger,
        now: () => now,
        maxAttempts: 3,
        baseDelayMs: 1000,
        leaseMs: 30_000,
        deliver: async (m) => {
          if (failing) throw new Error('platform down');
          sent.push(m.n);
        },
      });
    const oa = make(a);
    const ob = make(b);
    const [id] = await oa.enqueue([{ ref: 'CR-9', kind: 'post', n: 1 }]);
    await oa.flush();
    expect((await oa.rows('CR-9'))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'platform down', nextAttemptAt: now + 1000 });
    await ob.flush(); // not due yet
    expect(sent).toEqual([]);
    now += 1000;
    failing = false;
    await ob.flush([id!]);
    expect(sent).toEqual([1]);

    // A row taken by a replica that then died comes due again only after the lease.
    failing = true;
    const [id2] = await oa.enqueue([{ ref: 'CR-10', kind: 'post', n: 2 }]);
    await a.db.updateTable('outbox').set({ next_attempt_at: now + 30_000 }).where('id', '=', id2!).execute();
    failing = false;
    await ob.flush();
    expect(sent).toEqual([1]);
    now += 30_000;
    await ob.flush();
    expect(sent).toEqual([1, 2]);

    failing = true;
    const [id3] = await oa.enqueue([{ ref: 'CR-11', kind: 'post', n: 3 }]);
    for (let i = 0; i < 3; i++) {
      await oa.flush([id3!]);
      now += 10_000;
    }
    expect((await oa.rows('CR-11'))[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await oa.health()).failed).toBe(1);
  });

  it('a held-back message waits for its delay and is not sent once settled; an unsettled one is (positive and negative)', async () => {
    const [a] = await twoReplicas(engine);
    let now = 5_000_000;
    const sent: number[] = [];
    const box = new Outbox<Card>(a.db, a.engine, { name: 'test', log: silentLogger, now: () => now, deliver: async (m) => void sent.push(m.n) });
    const [settled] = await box.enqueue([{ ref: 'CR-20', kind: 'post', n: 20 }], a.db, { delayMs: 60_000 });
    await box.enqueue([{ ref: 'CR-21', kind: 'post', n: 21 }], a.db, { delayMs: 60_000 });
    await box.flush();
    expect(sent).toEqual([]);
    expect(await box.settle([settled!])).toBe(1);
    now += 60_000;
    await box.flush();
    expect(sent).toEqual([21]);
    // Settling a message already sent changes nothing.
    expect(await box.settle([settled!])).toBe(0);
    expect((await box.rows('CR-20'))[0]).toMatchObject({ status: 'sent', attempts: 0 });
  });

  it('delivered rows are deleted after keepSentMs; undelivered and given-up rows stay (negative)', async () => {
    const [a] = await twoReplicas(engine);
    let now = 9_000_000;
    let failing = false;
    const box = new Outbox<Card>(a.db, a.engine, {
      name: 'test',
      log: silentLogger,
      now: () => now,
      maxAttempts: 1,
      keepSentMs: 24 * 3600_000,
      deliver: async () => {
        if (failing) throw new Error('platform down');
      },
    });
    await box.enqueue([{ ref: 'CR-30', kind: 'post', n: 30 }]);
    await box.flush();
    failing = true;
    const [given] = await box.enqueue([{ ref: 'CR-31', kind: 'post', n: 31 }]);
    await box.flush([given!]); // one attempt allowed: given up at once
    await box.enqueue([{ ref: 'CR-32', kind: 'post', n: 32 }], a.db, { delayMs: 48 * 3600_000 });
    now += 25 * 3600_000;
    await box.flush();
    expect((await box.rows('CR-30'))).toEqual([]);
    expect((await box.rows('CR-31'))[0]).toMatchObject({ status: 'failed' });
    expect((await box.rows('CR-32'))[0]).toMatchObject({ status: 'pending' });
  });
});

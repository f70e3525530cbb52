import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../../src/analytics/store.js';
import { SharedConversationMemory } from '../../src/answer/shared-memory.js';
import { EventDeduper } from '../../src/core/dedupe.js';
import { SharedReplies } from '../../src/core/shared-replies.js';
import { CreditStore, type Decision } from '../../src/credit/store.js';
import { KnowledgeVersion } from '../../src/knowledge/shared-version.js';
import { silentLogger } from '../../src/log/logger.js';
import { createPrecheckAudit } from '../../src/precheck/audit.js';
import { ScheduleStore } from '../../src/schedule/store.js';
import { openStorage, type Engine, type Storage } from '../../src/storage/database.js';
import { createTestDatabase, testEngines } from '../helpers/storage.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'stores-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Two independent connection pools to one fresh PostgreSQL database, as two replicas have. SQLite
 * serves one process through one connection (two synchronous connections in one process would
 * block each other's event loop), so there both "replicas" share it and the calls still race.
 */
async function twoReplicas(engine: Engine): Promise<[Storage, Storage]> {
  let open: () => Promise<Storage>;
  if (engine === 'sqlite') {
    const file = path.join(mkdtempSync(path.join(tmp, 'db-')), 'assistant.db');
    const storage = await openStorage({ sqliteFile: file });
    cleanups.push(() => storage.close());
    return [storage, storage];
  } else {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    open = () => openStorage({ databaseUrl: database.url, sqliteFile: ':memory:', poolSize: 8 });
  }
  // Both start at once: the migrator must serialise them.
  const pair = await Promise.all([open(), open()]);
  cleanups.push(async () => {
    for (const s of pair) await s.close();
  });
  return pair;
}

const pendingApplication = (id: string) => ({
  id,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  applicant: { platform: 'slack' as const, userId: 'UREP', channelId: 'C1', conversationId: 'C1' },
  application: { customerName: '福建示例贸易有限公司', uscc: '91350100M000100Y43' } as never,
  assessment: { result: { recommendedLimit: 100_000, termDays: 30 } } as never,
  route: ['sales_manager', 'finance'] as never,
  step: 0,
  status: 'pending' as const,
});

const approval = (by: string, step = 0): Decision => ({
  step,
  role: 'sales_manager',
  decision: 'approve',
  by: { platform: 'slack', userId: by },
  at: '2026-01-02T00:00:00.000Z',
  reason: null,
});

describe.each(testEngines())('stores on %s', (engine) => {
  it('migrations run on every start and are idempotent; two processes starting together both succeed', async () => {
    const [a, b] = await twoReplicas(engine);
    expect(a.engine).toBe(engine);
    expect(b.engine).toBe(engine);
    await new EventDeduper(a.db).claim(['x']);
    expect(await new EventDeduper(b.db).claim(['x'])).toBe(false);
  });

  it('dedupe: one claim wins among many at once from two replicas, and it is all or nothing over an event\'s ids', async () => {
    const [a, b] = await twoReplicas(engine);
    const da = new EventDeduper(a.db);
    const db = new EventDeduper(b.db);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? da : db).claim(['ev-1', 'msg-1'])));
    expect(results.filter(Boolean)).toHaveLength(1);
    // An event sharing one id with a handled one is a repeat, and takes none of its other ids.
    expect(await da.claim(['ev-2', 'msg-1'])).toBe(false);
    expect(await db.claim(['ev-2'])).toBe(true);
    // No ids: nothing to dedupe on.
    expect(await da.claim([])).toBe(true);
  });

  it('dedupe leases: a live lease blocks, an expired one is taken over, a completed one blocks for good', async () => {
    const [a, b] = await twoReplicas(engine);
    let now = 1_000_000;
    const da = new EventDeduper(a.db, 24 * 3600_000, () => now, 90_000);
    const db = new EventDeduper(b.db, 24 * 3600_000, () => now, 90_000);
    expect(await da.claimLease(['e1'])).toBe(true);
    expect(await db.claimLease(['e1'])).toBe(false);
    now += 91_000; // replica A died while answering
    expect(await db.claimLease(['e1'])).toBe(true);
    await db.complete(['e1']);
    now += 10 * 3600_000;
    expect(await da.claimLease(['e1'])).toBe(false);
    // A released lease can be claimed again at once.
    expect(await da.claimLease(['e2'])).toBe(true);
    await da.release(['e2']);
    expect(await db.claimLease(['e2'])).toBe(true);
    // After the dedupe window an id may be claimed again.
    now += 25 * 3600_000;
    expect(await da.claim(['e1'])).toBe(true);
  });

  it('credit: two approvers deciding the same step on two replicas at once give one decision', async () => {
    const [a, b] = await twoReplicas(engine);
    const sa = new CreditStore(a.db);
    const sb = new CreditStore(b.db);
    await sa.insert(pendingApplication('CR-1'));
    const next = { step: 1, status: 'pending' as const };
    const outcomes = await Promise.all([
      sa.recordDecision('CR-1', approval('UMGR1'), next),
      sb.recordDecision('CR-1', approval('UMGR2'), next),
      sa.recordDecision('CR-1', approval('UMGR3'), next),
      sb.recordDecision('CR-1', approval('UMGR4'), next),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const app = (await sb.get('CR-1'))!;
    expect(app.step).toBe(1);
    expect(app.decisions).toHaveLength(1);
    // A stale press on the decided step changes nothing.
    expect(await sb.recordDecision('CR-1', approval('UMGR5'), next)).toBe(false);
  });

  it('credit: the approved line is stored with its figures intact and found by USCC or exact name', async () => {
    const [a] = await twoReplicas(engine);
    const store = new CreditStore(a.db);
    await store.insert({ ...pendingApplication('CR-2'), route: ['sales_manager'] as never });
    const line = { customerName: '福建示例贸易有限公司', uscc: '91350100M000100Y43', limit: 12_345_678.9, termDays: 45, validUntil: '2027-01-01', approvedAt: '2026-01-02T00:00:00.000Z' };
    expect(await store.recordDecision('CR-2', approval('UMGR'), { step: 1, status: 'approved' }, line)).toBe(true);
    const found = await store.findLine({ uscc: '91350100M000100Y43' }, '2026-06-01');
    expect(found).toEqual({ customerName: line.customerName, uscc: line.uscc, limit: 12_345_678.9, termDays: 45, validUntil: '2027-01-01' });
    expect(await store.findLine({ customerName: ' 福建示例贸易有限公司 ' }, '2026-06-01')).toEqual(found);
    expect(await store.findLine({ uscc: '91350100M000100Y43' }, '2027-01-02')).toBeNull();
  });

  it('credit: an idempotency key is taken once, and again only after its window', async () => {
    const [a, b] = await twoReplicas(engine);
    const sa = new CreditStore(a.db);
    const sb = new CreditStore(b.db);
    const results = await Promise.all([sa.claimSubmission('k1', 'CR-A', 1000, 0), sb.claimSubmission('k1', 'CR-B', 1000, 0)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? 'CR-A' : 'CR-B';
    expect(await sb.findSubmission('k1', 0)).toBe(winner);
    expect(await sa.findSubmission('k1', 2000)).toBeNull();
    expect(await sa.claimSubmission('k1', 'CR-C', 5000, 2000)).toBe(true);
    expect(await sb.findSubmission('k1', 2000)).toBe('CR-C');
  });

  it('schedule: one replica claims a fire time; a retry is claimed by one; skipped runs never post', async () => {
    const [a, b] = await twoReplicas(engine);
    const sa = new ScheduleStore(a.db);
    const sb = new ScheduleStore(b.db);
    const fire = new Date('2026-03-02T01:00:00Z');
    const now = new Date('2026-03-02T01:00:01Z');
    const lease = new Date('2026-03-02T01:05:01Z');
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? sa : sb).claimRun('weekly', fire, now, lease)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await sa.markRetry('weekly', fire.toISOString(), 'rate_limited', new Date('2026-03-02T01:01:00Z'), now);
    const later = new Date('2026-03-02T01:02:00Z');
    expect((await sb.dueRetries(later)).map((r) => r.scheduleId)).toEqual(['weekly']);
    const leaseEnd = new Date('2026-03-02T01:07:00Z');
    const retries = await Promise.all([sa.claimRetry('weekly', fire.toISOString(), later, leaseEnd), sb.claimRetry('weekly', fire.toISOString(), later, leaseEnd)]);
    expect(retries.filter(Boolean)).toHaveLength(1);
    await sb.markPosted('weekly', fire.toISOString(), 'm1', ['case-1'], later);
    expect(await sa.getRun('weekly', fire)).toMatchObject({ status: 'posted', attempts: 2, messageId: 'm1', caseIds: ['case-1'] });
    expect(await sa.recordSkipped('weekly', fire, 'late', later)).toBe(false);
    expect(await sa.earliestRetry()).toBeNull();
  });

  it('schedule: first-seen, rotation and chat reminders are shared', async () => {
    const [a, b] = await twoReplicas(engine);
    const sa = new ScheduleStore(a.db);
    const sb = new ScheduleStore(b.db);
    const t1 = new Date('2026-01-01T00:00:00Z');
    const t2 = new Date('2026-02-01T00:00:00Z');
    expect(await sa.firstSeen('s', 'cron-a', t1)).toEqual(t1);
    expect(await sb.firstSeen('s', 'cron-a', t2)).toEqual(t1);
    expect(await sb.firstSeen('s', 'cron-b', t2)).toEqual(t2);
    await sa.recordRotation('slack:C1', ['c1', 'c2'], t1);
    await sb.recordRotation('slack:C1', ['c3', 'c1'], t2);
    expect([...(await sa.rotationState('slack:C1'))].sort()).toEqual([['c1', 4], ['c2', 2], ['c3', 3]]);
    const r = await sa.addReminder({ platform: 'feishu', channelId: 'oc_1', cron: '0 9 * * 1', timezone: 'Asia/Shanghai', text: '提醒', createdBy: 'feishu:ou_1', createdAt: t1 });
    expect(r.id).toMatch(/^chat-\d+$/);
    expect(await sb.listReminders()).toEqual([r]);
    expect(await sb.removeReminder(r.id)).toBe(true);
    expect(await sa.removeReminder(r.id)).toBe(false);
  });

  it('analytics: counts are numbers on both engines; feedback is one vote per user; shared replies round-trip', async () => {
    const [a] = await twoReplicas(engine);
    const analytics = new AnalyticsStore(a.db, 'salt');
    const base = { platform: 'slack' as const, userId: 'U1', conversationId: 'C1', topScore: 0.5, latencyMs: 12.4, mode: 'extractive' as const };
    const q1 = await analytics.recordQuestion({ ...base, question: '可以给回扣吗', answered: true });
    await analytics.recordQuestion({ ...base, question: '食堂几点开门', answered: false });
    await analytics.recordQuestion({ ...base, question: ' 食堂几点开门', answered: false });
    expect(await analytics.recordFeedback(q1, 'slack', 'U2', 'up')).toBe(true);
    expect(await analytics.recordFeedback(q1, 'slack', 'U2', 'down')).toBe(true);
    expect(await analytics.recordFeedback('nope', 'slack', 'U2', 'down')).toBe(false);
    const stats = await analytics.stats();
    expect(stats).toMatchObject({ questions: 3, answered: 1, answeredRate: 0.333, feedback: { up: 0, down: 1 }, byMode: { extractive: 3 } });
    expect(stats.topUnanswered).toHaveLength(1);
    expect(stats.topUnanswered[0]!.count).toBe(2);
    const replies = new SharedReplies(a.db);
    const id = await replies.save({ blocks: [{ type: 'text', text: '答' }], fallbackText: '答' });
    expect(await replies.load(id)).toEqual({ blocks: [{ type: 'text', text: '答' }], fallbackText: '答' });
  });

  it('knowledge version: concurrent reloads on two replicas each count, and both read the latest', async () => {
    const [a, b] = await twoReplicas(engine);
    const va = new KnowledgeVersion(a.db, silentLogger);
    const vb = new KnowledgeVersion(b.db, silentLogger);
    expect(await va.current()).toBe(0);
    const bumped = await Promise.all([va.bump(), vb.bump(), va.bump()]);
    expect(bumped.sort()).toEqual([1, 2, 3]);
    expect(await vb.current()).toBe(3);
  });

  it('conversation memory: a thread written on one replica is read on the other, bounded by turns and age', async () => {
    const [a, b] = await twoReplicas(engine);
    let now = 5_000_000;
    const ma = new SharedConversationMemory(a.db, { maxTurns: 3, maxAgeMs: 60_000, now: () => now });
    const mb = new SharedConversationMemory(b.db, { maxTurns: 3, maxAgeMs: 60_000, now: () => now });
    for (let i = 1; i <= 4; i++) {
      await (i % 2 ? ma : mb).add('slack:C1:t1', { question: `问题${i}`, query: `查询${i}`, answer: `回答${i}`, answered: i !== 2 });
      now += 1000;
    }
    await ma.add('slack:C2:t9', { question: '别的线程', query: '别的线程', answer: '无关', answered: true });
    const turns = await mb.history('slack:C1:t1');
    expect(turns.map((t) => t.question)).toEqual(['问题2', '问题3', '问题4']);
    expect(turns.map((t) => t.answered)).toEqual([false, true, true]);
    now += 61_000;
    expect(await ma.history('slack:C1:t1')).toEqual([]);
  });

  it('pre-check audit: ids are numbers and rows come back newest first', async () => {
    const [a] = await twoReplicas(engine);
    const audit = createPrecheckAudit(a.db, { salt: 's' });
    const result = { verdict: 'pass', findings: [], stats: { characters: 10, elapsedMs: 1 } } as never;
    const first = await audit.record({ platform: 'slack', userId: 'U', source: 'text', fileHash: 'h1', result });
    const second = await audit.record({ platform: 'feishu', userId: 'U', source: 'file', fileHash: 'h2', result });
    expect(typeof first).toBe('number');
    expect(second).toBeGreaterThan(first);
    expect((await audit.recent()).map((r) => r.fileHash)).toEqual(['h2', 'h1']);
  });
});

describe('an existing SQLite file', () => {
  it('adopts the schema without losing data: the tables the stores made before the storage layer stay as they are', async () => {
    const file = path.join(mkdtempSync(path.join(tmp, 'old-')), 'assistant.db');
    const old = new Database(file);
    old.exec(`CREATE TABLE schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (module, version));
      CREATE TABLE seen_events (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
      CREATE INDEX seen_events_at ON seen_events (seen_at);
      CREATE TABLE schedule_runs (schedule_id TEXT NOT NULL, fire_time TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('posting','retry','posted','failed','skipped')),
        attempts INTEGER NOT NULL DEFAULT 0, error TEXT, message_id TEXT, case_ids TEXT, next_attempt_at TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (schedule_id, fire_time));
      INSERT INTO seen_events VALUES ('ev-old', ${Date.now()});
      INSERT INTO schedule_runs (schedule_id, fire_time, status, attempts, created_at, updated_at) VALUES ('weekly', '2026-03-02T01:00:00.000Z', 'posted', 1, 'x', 'x');`);
    old.close();
    const storage = await openStorage({ sqliteFile: file });
    cleanups.push(() => storage.close());
    expect(await new EventDeduper(storage.db).claim(['ev-old'])).toBe(false);
    expect(await new ScheduleStore(storage.db).getRun('weekly', new Date('2026-03-02T01:00:00Z'))).toMatchObject({ status: 'posted', sentAt: null });
    expect(await new ScheduleStore(storage.db).claimRun('weekly', new Date('2026-03-02T01:00:00Z'), new Date())).toBe(false);
  });
});

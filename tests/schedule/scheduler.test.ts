import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostTarget, Reply } from '../../src/core/types.js';
import type { HandbookCiter } from '../../src/retrieval/types.js';
import { openDatabase, type Db } from '../../src/storage/db.js';
import { loadCases } from '../../src/schedule/cases.js';
import { nextFireTimes, previewDigest } from '../../src/schedule/cli.js';
import { DigestService } from '../../src/schedule/digest.js';
import { ScheduleRegistry } from '../../src/schedule/registry.js';
import { parseReminders } from '../../src/schedule/reminders.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { ScheduleStore } from '../../src/schedule/store.js';
import type { CaseStudy, Clock, Schedule, TimerPort } from '../../src/schedule/types.js';

/** A clock and timer the test moves by hand. */
class FakeTime implements Clock, TimerPort {
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private seq = 0;
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  /** Moves time forward, firing every timer that falls due on the way, in order. */
  async advanceTo(iso: string | number, schedulers: Scheduler[]): Promise<void> {
    const target = typeof iso === 'number' ? iso : Date.parse(iso);
    for (let guard = 0; guard < 10_000; guard++) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      for (const s of schedulers) await s.idle();
    }
    this.t = target;
  }
  async advanceBy(ms: number, schedulers: Scheduler[]): Promise<void> {
    await this.advanceTo(this.t + ms, schedulers);
  }
}

interface Posted {
  at: string;
  target: PostTarget;
  reply: Reply;
}

function recordingPort(time: FakeTime, opts: { failFor?: (t: PostTarget) => boolean; hangFor?: (t: PostTarget) => boolean } = {}) {
  const posted: Posted[] = [];
  const attempts: { at: string; channel: string }[] = [];
  let n = 0;
  const post = async (target: PostTarget, reply: Reply): Promise<string> => {
    attempts.push({ at: time.now().toISOString(), channel: target.channelId });
    if (opts.hangFor?.(target)) return new Promise<string>(() => undefined);
    if (opts.failFor?.(target)) throw new Error('platform said: rate_limited');
    posted.push({ at: time.now().toISOString(), target, reply });
    return `m${++n}`;
  };
  return { post, posted, attempts };
}

const tmpDirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDbFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sched-'));
  tmpDirs.push(dir);
  return path.join(dir, 'bot.sqlite');
}

function makeCase(i: number, tags: string[] = ['general']): CaseStudy {
  return {
    id: `case-${String(i).padStart(2, '0')}`,
    title: `案例 ${i}`,
    tags,
    riskArea: '测试',
    date: '2024-01-01',
    source: 'internal',
    summary: `第 ${i} 个案例的摘要。\n第二行。`,
    handbookRef: { document: '销售部管理规章制度修订版', section: '第九章 第5条' },
    handbookTopic: `主题 ${i}`,
    sections: { what: '经过', rule: '规定', consequences: '后果', lesson: `教训 ${i}` },
    file: `case-${i}.md`,
  };
}

function build(opts: {
  dbFile?: string;
  db?: Db;
  time: FakeTime;
  schedules: Schedule[];
  cases?: CaseStudy[];
  post: (t: PostTarget, r: Reply) => Promise<string>;
  graceHours?: number;
  citer?: HandbookCiter;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
}) {
  const db = opts.db ?? openDatabase(opts.dbFile ?? ':memory:');
  dbs.push(db);
  const store = new ScheduleStore(db);
  const registry = new ScheduleRegistry(opts.schedules, store, opts.time);
  const cases = opts.cases ?? [];
  const digests = new DigestService({ store, cases: () => cases, clock: opts.time, ...(opts.citer ? { citer: opts.citer } : {}) });
  const scheduler = new Scheduler({
    registry,
    store,
    digests,
    post: opts.post,
    clock: opts.time,
    timer: opts.time,
    graceHours: opts.graceHours ?? 6,
    retry: { maxAttempts: 4, baseDelayMs: 30_000, maxDelayMs: 10 * 60_000, ...opts.retry },
    ...(opts.citer ? { citer: opts.citer } : {}),
  });
  return { db, store, registry, digests, scheduler };
}

const msg = (id: string, cron: string, channel: string, extra: Partial<Schedule> = {}): Schedule => ({
  id,
  cron,
  timezone: 'Asia/Shanghai',
  target: { platform: 'slack', channel },
  content: { kind: 'message', message: `提醒 ${id}` },
  source: 'yaml',
  ...extra,
});

describe('fire times', () => {
  it('computes Asia/Shanghai Monday 09:00 as 01:00 UTC on the Monday', () => {
    const s = msg('weekly', '0 9 * * 1', 'C1');
    // Wednesday 2024-03-06 12:00 Shanghai
    const [r] = nextFireTimes([s], new Date('2024-03-06T04:00:00Z'));
    expect(r!.next).toBe('2024-03-11T01:00:00.000Z');
    expect(r!.nextLocal).toBe('2024-03-11 09:00:00');
    // Sunday 23:59 Shanghai is already Monday? No: still Sunday locally, next fire is the coming Monday 09:00.
    const [r2] = nextFireTimes([s], new Date('2024-03-10T15:59:00Z'));
    expect(r2!.next).toBe('2024-03-11T01:00:00.000Z');
    // Monday 09:00 Shanghai exactly: the next one is a week later (strictly after now).
    const [r3] = nextFireTimes([s], new Date('2024-03-11T01:00:00Z'));
    expect(r3!.next).toBe('2024-03-18T01:00:00.000Z');
  });

  it('computes America/New_York weekday 08:30 across the DST change, with the right weekday', () => {
    const s = msg('ny', '30 8 * * 1-5', 'C1', { timezone: 'America/New_York' });
    // Friday 2024-03-08 07:00 EST (12:00Z) → same day 08:30 EST = 13:30Z
    expect(nextFireTimes([s], new Date('2024-03-08T12:00:00Z'))[0]!.next).toBe('2024-03-08T13:30:00.000Z');
    // After Friday's run → skips the weekend → Monday 2024-03-11 08:30 EDT = 12:30Z (DST began Mar 10)
    const r = nextFireTimes([s], new Date('2024-03-08T14:00:00Z'))[0]!;
    expect(r.next).toBe('2024-03-11T12:30:00.000Z');
    expect(r.nextLocal).toBe('2024-03-11 08:30:00');
    const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'long' }).format(new Date(r.next!));
    expect(weekday).toBe('Monday');
    // Friday 23:00 in New York is already Saturday in Shanghai: the zone decides the day.
    const fridayLateNY = new Date('2024-03-09T04:00:00Z');
    expect(nextFireTimes([s], fridayLateNY)[0]!.next).toBe('2024-03-11T12:30:00.000Z');
  });

  it('the scheduler fires a New York schedule at the New York time, not the Shanghai one', async () => {
    const time = new FakeTime(Date.parse('2024-11-01T00:00:00Z')); // Thu
    const port = recordingPort(time);
    const { scheduler } = build({
      time,
      post: port.post,
      schedules: [msg('ny', '0 9 * * 5', 'CNY', { timezone: 'America/New_York' }), msg('sh', '0 9 * * 5', 'CSH')],
    });
    await scheduler.start();
    await time.advanceTo('2024-11-02T00:00:00Z', [scheduler]);
    scheduler.stop();
    const at = Object.fromEntries(port.posted.map((p) => [p.target.channelId, p.at]));
    expect(at.CSH).toBe('2024-11-01T01:00:00.000Z'); // Fri 09:00 +08:00
    expect(at.CNY).toBe('2024-11-01T13:00:00.000Z'); // Fri 09:00 EDT (-04:00)
  });
});

describe('exactly once', () => {
  it('posts each fire time once and never again after a restart on the same database file', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-10T16:00:00Z')); // Mon 00:00 Shanghai
    const port = recordingPort(time);
    const schedules = [msg('weekly', '0 9 * * 1', 'C1'), msg('daily', '0 18 * * *', 'C2')];

    const first = build({ dbFile: file, time, post: port.post, schedules });
    await first.scheduler.start();
    await time.advanceTo('2024-03-11T01:00:30Z', [first.scheduler]); // just after Mon 09:00
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['C1']);
    // A second tick at the same moment must not post again.
    await first.scheduler.tick();
    expect(port.posted).toHaveLength(1);
    first.scheduler.stop();
    first.db.close();
    dbs.splice(dbs.indexOf(first.db), 1);

    // Restart five minutes later: a new Scheduler on the same file.
    time.t = Date.parse('2024-03-11T01:05:00Z');
    const second = build({ dbFile: file, time, post: port.post, schedules });
    await second.scheduler.start();
    await time.advanceTo('2024-03-11T02:00:00Z', [second.scheduler]);
    expect(port.posted).toHaveLength(1);

    // It keeps going: the 18:00 Shanghai daily one posts once.
    await time.advanceTo('2024-03-11T10:30:00Z', [second.scheduler]);
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['C1', 'C2']);
    second.scheduler.stop();

    const runs = second.store.runs();
    expect(runs.map((r) => [r.scheduleId, r.fireTime, r.status, r.attempts])).toEqual([
      ['weekly', '2024-03-11T01:00:00.000Z', 'posted', 1],
      ['daily', '2024-03-11T10:00:00.000Z', 'posted', 1],
    ]);
  });

  it('two scheduler instances on one database never post the same fire time twice', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const port = recordingPort(time);
    const schedules = [msg('weekly', '0 9 * * 1', 'C1')];
    const a = build({ dbFile: file, time, post: port.post, schedules });
    const b = build({ dbFile: file, time, post: port.post, schedules });
    await a.scheduler.start();
    await b.scheduler.start();
    time.t = Date.parse('2024-03-11T01:00:05Z');
    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    a.scheduler.stop();
    b.scheduler.stop();
    expect(port.posted).toHaveLength(1);
  });
});

describe('catch-up after downtime', () => {
  async function downtime(restartAtIso: string, graceHours = 6) {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-10T16:00:00Z')); // Mon 00:00 Shanghai: schedule first seen
    const port = recordingPort(time);
    const schedules = [msg('weekly', '0 9 * * 1', 'C1')];
    const first = build({ dbFile: file, time, post: port.post, schedules, graceHours });
    await first.scheduler.start();
    await time.advanceTo('2024-03-11T00:00:00Z', [first.scheduler]); // Mon 08:00, then the bot goes down
    first.scheduler.stop();
    expect(port.posted).toHaveLength(0);

    time.t = Date.parse(restartAtIso);
    const second = build({ dbFile: file, time, post: port.post, schedules, graceHours });
    await second.scheduler.start();
    return { port, second, time, file, schedules, graceHours };
  }

  it('posts a run missed while down once when it is younger than the grace period', async () => {
    const { port, second, time, file, schedules } = await downtime('2024-03-11T04:00:00Z'); // 3 h late
    expect(port.posted).toHaveLength(1);
    expect(port.posted[0]!.at).toBe('2024-03-11T04:00:00.000Z');
    expect(second.store.getRun('weekly', new Date('2024-03-11T01:00:00Z'))!.status).toBe('posted');
    second.scheduler.stop();

    // Another restart an hour later does not post the caught-up run again.
    time.t = Date.parse('2024-03-11T05:00:00Z');
    const third = build({ dbFile: file, time, post: port.post, schedules });
    await third.scheduler.start();
    third.scheduler.stop();
    expect(port.posted).toHaveLength(1);
  });

  it('records an older missed run as skipped and does not post it', async () => {
    const { port, second } = await downtime('2024-03-11T08:00:00Z'); // 7 h late, grace 6 h
    second.scheduler.stop();
    expect(port.posted).toHaveLength(0);
    const run = second.store.getRun('weekly', new Date('2024-03-11T01:00:00Z'))!;
    expect(run.status).toBe('skipped');
    expect(run.attempts).toBe(0);
    expect(run.error).toMatch(/grace/);
  });

  it('honours a configured grace period', async () => {
    const { port, second } = await downtime('2024-03-11T08:00:00Z', 8);
    second.scheduler.stop();
    expect(port.posted).toHaveLength(1);
  });

  it('a brand-new schedule does not fire its past', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T02:00:00Z')); // Mon 10:00 Shanghai, one hour after 09:00
    const port = recordingPort(time);
    const { scheduler, store } = build({ time, post: port.post, schedules: [msg('weekly', '0 9 * * 1', 'C1')] });
    await scheduler.start();
    await time.advanceTo('2024-03-11T10:00:00Z', [scheduler]);
    scheduler.stop();
    expect(port.posted).toHaveLength(0);
    expect(store.runs()).toHaveLength(0);
  });

  it('editing a cron counts as a new schedule: the new expression does not fire its past', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-01T00:00:00Z'));
    const port = recordingPort(time);
    const a = build({ dbFile: file, time, post: port.post, schedules: [msg('r', '0 9 * * 1', 'C1')] });
    await a.scheduler.start();
    a.scheduler.stop();
    // Restart on Monday 11:00 Shanghai with the cron changed to 10:00: its 10:00 is before the change.
    time.t = Date.parse('2024-03-11T03:00:00Z');
    const b = build({ dbFile: file, time, post: port.post, schedules: [msg('r', '0 10 * * 1', 'C1')] });
    await b.scheduler.start();
    b.scheduler.stop();
    expect(port.posted).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries a failing post with exponential backoff while other schedules keep posting', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    let failuresLeft = 2;
    const port = recordingPort(time, {
      failFor: (t) => t.channelId === 'FLAKY' && failuresLeft-- > 0,
    });
    const { scheduler, store } = build({
      time,
      post: port.post,
      schedules: [msg('flaky', '0 9 * * 1', 'FLAKY'), msg('ok', '0 9 * * 1', 'OK'), msg('later', '1 9 * * 1', 'LATER')],
    });
    await scheduler.start();
    await time.advanceTo('2024-03-11T01:00:10Z', [scheduler]);
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['OK']);
    const row = store.getRun('flaky', new Date('2024-03-11T01:00:00Z'))!;
    expect(row.status).toBe('retry');
    expect(row.attempts).toBe(1);
    expect(row.error).toContain('rate_limited');

    await time.advanceTo('2024-03-11T01:05:00Z', [scheduler]);
    scheduler.stop();
    // 09:00:00 fails, +30 s fails, +60 s more succeeds; the 09:01 schedule was not held up.
    expect(port.attempts.filter((a) => a.channel === 'FLAKY').map((a) => a.at)).toEqual([
      '2024-03-11T01:00:00.000Z',
      '2024-03-11T01:00:30.000Z',
      '2024-03-11T01:01:30.000Z',
    ]);
    expect(port.posted.find((p) => p.target.channelId === 'LATER')!.at).toBe('2024-03-11T01:01:00.000Z');
    const done = store.getRun('flaky', new Date('2024-03-11T01:00:00Z'))!;
    expect(done.status).toBe('posted');
    expect(done.attempts).toBe(3);
    expect(port.posted.filter((p) => p.target.channelId === 'FLAKY')).toHaveLength(1);
  });

  it('gives up after the bounded number of attempts and records the failure', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const port = recordingPort(time, { failFor: (t) => t.channelId === 'DOWN' });
    const { scheduler, store } = build({
      time,
      post: port.post,
      schedules: [msg('down', '0 9 * * 1', 'DOWN')],
      retry: { maxAttempts: 3 },
    });
    await scheduler.start();
    await time.advanceTo('2024-03-11T03:00:00Z', [scheduler]);
    scheduler.stop();
    const row = store.getRun('down', new Date('2024-03-11T01:00:00Z'))!;
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(3);
    expect(row.error).toMatch(/gave up after 3 attempts/);
    expect(port.attempts).toHaveLength(3);
  });

  it('a post that never returns does not block other schedules', async () => {
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const port = recordingPort(time, { hangFor: (t) => t.channelId === 'STUCK' });
    const { scheduler } = build({
      time,
      post: port.post,
      schedules: [msg('stuck', '0 9 * * 1', 'STUCK'), msg('next', '5 9 * * 1', 'FREE')],
    });
    await scheduler.start();
    // Drive the timer without waiting on the stuck attempt.
    time.t = Date.parse('2024-03-11T01:00:00Z');
    void scheduler.tick();
    time.t = Date.parse('2024-03-11T01:05:00Z');
    await Promise.race([scheduler.tick(), new Promise((r) => setTimeout(r, 500))]);
    await new Promise((r) => setTimeout(r, 10));
    scheduler.stop();
    expect(port.posted.map((p) => p.target.channelId)).toEqual(['FREE']);
  });

  it('resumes a waiting retry after a restart, but never re-posts an attempt cut off mid-flight', async () => {
    const file = tempDbFile();
    const time = new FakeTime(Date.parse('2024-03-11T00:59:00Z'));
    const failing = recordingPort(time, { failFor: () => true });
    const schedules = [msg('a', '0 9 * * 1', 'A')];
    const first = build({ dbFile: file, time, post: failing.post, schedules });
    await first.scheduler.start();
    await time.advanceTo('2024-03-11T01:00:05Z', [first.scheduler]);
    first.scheduler.stop();
    expect(first.store.getRun('a', new Date('2024-03-11T01:00:00Z'))!.status).toBe('retry');
    // Simulate a crash during another schedule's attempt.
    first.store.claimRun('b', new Date('2024-03-11T01:00:00Z'), time.now());

    time.t = Date.parse('2024-03-11T01:10:00Z');
    const ok = recordingPort(time);
    const second = build({ dbFile: file, time, post: ok.post, schedules: [...schedules, msg('b', '0 9 * * 1', 'B')] });
    await second.scheduler.start();
    second.scheduler.stop();
    expect(ok.posted.map((p) => p.target.channelId)).toEqual(['A']);
    expect(second.store.getRun('a', new Date('2024-03-11T01:00:00Z'))!.attempts).toBe(2);
    const b = second.store.getRun('b', new Date('2024-03-11T01:00:00Z'))!;
    expect(b.status).toBe('failed');
    expect(b.error).toMatch(/interrupted/);
  });
});

/** Between two showings of a case, every other matching case has been shown. */
function expectNoRepeatBeforeAllShown(sequence: string[], total: number): void {
  expect(new Set(sequence.slice(0, total)).size).toBe(total);
  const last = new Map<string, number>();
  sequence.forEach((id, j) => {
    const i = last.get(id);
    if (i !== undefined) expect(new Set(sequence.slice(i + 1, j)).size, `repeat of ${id} at ${j}`).toBe(total - 1);
    last.set(id, j);
  });
}

describe('digests', () => {
  const digestSchedule = (id: string, channel: string, count: number, tags?: string[]): Schedule => ({
    id,
    cron: '0 16 * * 3',
    timezone: 'Asia/Shanghai',
    target: { platform: 'slack', channel },
    title: '每周合规案例分享',
    content: { kind: 'digest', digest: { count, ...(tags ? { tags } : {}) } },
    source: 'yaml',
  });

  it('rotates without repeats until every matching case has been posted in the channel', async () => {
    const cases = Array.from({ length: 7 }, (_, i) => makeCase(i + 1));
    const time = new FakeTime(Date.parse('2024-03-01T00:00:00Z'));
    const port = recordingPort(time);
    const { scheduler, store } = build({ time, post: port.post, cases, schedules: [digestSchedule('d', 'C1', 3), digestSchedule('d2', 'C2', 2)] });
    await scheduler.start();
    await time.advanceTo('2024-04-30T00:00:00Z', [scheduler]); // 8 Wednesdays
    scheduler.stop();

    const runs = store.runs('d');
    expect(runs).toHaveLength(8);
    const sequence = runs.flatMap((r) => r.caseIds);
    for (const r of runs) expect(new Set(r.caseIds).size).toBe(r.caseIds.length);
    expectNoRepeatBeforeAllShown(sequence, 7);
    // Channel C2 has its own rotation (and its own pace).
    const seq2 = store.runs('d2').flatMap((r) => r.caseIds);
    expect(seq2).toHaveLength(16);
    expectNoRepeatBeforeAllShown(seq2, 7);
    // The posted replies carry the picked cases' titles.
    const c1 = port.posted.filter((p) => p.target.channelId === 'C1');
    expect(c1[0]!.reply.fallbackText).toContain(cases.find((c) => c.id === runs[0]!.caseIds[0])!.title);
  });

  it('with the real case library, a weekly digest shows every case before any repeats', async () => {
    const cases = loadCases(path.resolve('knowledge/cases'));
    const time = new FakeTime(Date.parse('2024-01-01T00:00:00Z'));
    const port = recordingPort(time);
    const { scheduler, store } = build({ time, post: port.post, cases, schedules: [digestSchedule('d', 'C1', 3)] });
    await scheduler.start();
    await time.advanceTo('2024-07-01T00:00:00Z', [scheduler]); // 26 Wednesdays
    scheduler.stop();
    const seq = store.runs('d').flatMap((r) => r.caseIds);
    expect(seq.length).toBe(26 * 3);
    expectNoRepeatBeforeAllShown(seq, cases.length);
  });

  it('a case added to the library later is shown next, ahead of repeats', () => {
    const store = new ScheduleStore(openDatabase(':memory:'));
    const cases = [makeCase(1), makeCase(2), makeCase(3)];
    const digests = new DigestService({ store, cases: () => cases });
    const target = { platform: 'slack' as const, channel: 'C' };
    const p1 = digests.pick(target, { count: 2 });
    digests.commit(p1);
    cases.push(makeCase(4));
    const p2 = digests.pick(target, { count: 2 });
    expect(p2.cases.map((c) => c.id)).toEqual(['case-03', 'case-04']);
    expect(p2.neverShown).toBe(2);
  });

  it('rotation survives a restart and follows the tag filter', async () => {
    const file = tempDbFile();
    const cases = [
      makeCase(1, ['credit']),
      makeCase(2, ['bribery']),
      makeCase(3, ['credit', 'bad-debt']),
      makeCase(4, ['payment']),
      makeCase(5, ['credit']),
    ];
    const time = new FakeTime(Date.parse('2024-03-01T00:00:00Z'));
    const port = recordingPort(time);
    const schedules = [digestSchedule('credit', 'C9', 2, ['credit', 'bad-debt'])];
    const a = build({ dbFile: file, time, post: port.post, cases, schedules });
    await a.scheduler.start();
    await time.advanceTo('2024-03-07T00:00:00Z', [a.scheduler]); // one Wednesday
    a.scheduler.stop();
    const b = build({ dbFile: file, time, post: port.post, cases, schedules });
    await b.scheduler.start();
    await time.advanceTo('2024-03-14T00:00:00Z', [b.scheduler]);
    b.scheduler.stop();
    const seq = b.store.runs('credit').flatMap((r) => r.caseIds);
    expect(seq.slice(0, 3).sort()).toEqual(['case-01', 'case-03', 'case-05']);
    expect(seq.every((id) => ['case-01', 'case-03', 'case-05'].includes(id))).toBe(true);
  });

  it('a failed digest retries with the same cases and only then advances the rotation', async () => {
    const cases = Array.from({ length: 5 }, (_, i) => makeCase(i + 1));
    const time = new FakeTime(Date.parse('2024-03-06T07:59:00Z')); // Wed 15:59 Shanghai
    let fail = true;
    const port = recordingPort(time, { failFor: () => fail });
    const { scheduler, store, digests } = build({ time, post: port.post, cases, schedules: [digestSchedule('d', 'C1', 2)] });
    await scheduler.start();
    await time.advanceTo('2024-03-06T08:00:10Z', [scheduler]);
    const before = digests.pick({ platform: 'slack', channel: 'C1' }, { count: 2 }).cases.map((c) => c.id);
    fail = false;
    await time.advanceTo('2024-03-06T08:10:00Z', [scheduler]);
    scheduler.stop();
    expect(store.runs('d')[0]!.caseIds).toEqual(before);
    const after = digests.pick({ platform: 'slack', channel: 'C1' }, { count: 2 }).cases.map((c) => c.id);
    expect(after.some((id) => before.includes(id))).toBe(false);
  });

  it('renders heading, summary, lesson and handbook citation; previewDigest is JSON-friendly and does not advance', async () => {
    const cases = loadCases(path.resolve('knowledge/cases'));
    const citer: HandbookCiter = async (topic) => ({
      docId: 'sales-rules',
      title: '销售部管理规章制度修订版',
      section: '第九章 风险控制与合规经营 › 5',
      quote: `与“${topic.slice(0, 6)}”相关的条款原文`,
    });
    const time = new FakeTime(Date.parse('2024-03-06T07:59:00Z'));
    const port = recordingPort(time);
    const schedules = [digestSchedule('weekly-case-digest', 'C1', 3)];
    const { scheduler, registry, digests } = build({ time, post: port.post, cases, schedules, citer });
    const preview1 = previewDigest('C1', { registry, digests });
    const preview2 = previewDigest('C1', { registry, digests });
    expect(preview1).toEqual(preview2);
    expect(JSON.parse(JSON.stringify(preview1))).toEqual(preview1);
    expect(preview1.cases).toHaveLength(3);
    expect(preview1.platform).toBe('slack');

    await scheduler.start();
    await time.advanceTo('2024-03-06T08:01:00Z', [scheduler]);
    scheduler.stop();
    const reply = port.posted[0]!.reply;
    expect(reply.blocks[0]).toEqual({ type: 'heading', text: '每周合规案例分享' });
    const text = reply.blocks.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('\n');
    for (const c of preview1.cases) {
      expect(text).toContain(c.title);
      expect(text).toContain(c.summary.split('\n')[0]!);
      expect(text).toContain(c.lesson.slice(0, 10));
    }
    const citations = reply.blocks.find((b) => b.type === 'citations');
    expect(citations).toBeTruthy();
    const contexts = reply.blocks.filter((b) => b.type === 'context').map((b) => (b as { text: string }).text).join('\n');
    for (const c of preview1.cases) expect(contexts).toContain(c.handbookRef.document);
    // After posting, the preview moves on to other cases.
    const preview3 = previewDigest('C1', { registry, digests });
    expect(preview3.cases.map((c) => c.id).some((id) => preview1.cases.map((c) => c.id).includes(id))).toBe(false);
  });

  it('uses the LLM summary when configured and falls back to the case summary when it fails', async () => {
    const store = new ScheduleStore(openDatabase(':memory:'));
    const cases = [makeCase(1), makeCase(2)];
    const withLlm = new DigestService({ store, cases: () => cases, summarise: async (c) => `LLM 摘要：${c.title}\n第二行\n第三行\n第四行` });
    const pick = withLlm.pick({ platform: 'slack', channel: 'X' }, { count: 2 });
    const r1 = await withLlm.render('标题', pick);
    const t1 = r1.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
    expect(t1).toContain('LLM 摘要：案例 1');
    expect(t1).not.toContain('第四行');
    const broken = new DigestService({ store, cases: () => cases, summarise: async () => { throw new Error('timeout'); } });
    const r2 = await broken.render(undefined, pick);
    const t2 = r2.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
    expect(t2).toContain('第 1 个案例的摘要。');
  });
});

describe('the shipped data', () => {
  it('loads the shipped cases and reminders, and every digest filter matches cases', () => {
    const cases = loadCases(path.resolve('knowledge/cases'), { handbookDir: path.resolve('knowledge/handbook') });
    expect(cases.length).toBeGreaterThanOrEqual(16);
    const tags = new Set(cases.flatMap((c) => c.tags));
    for (const t of ['bribery', 'data-leak', 'contract', 'credit', 'false-advertising', 'discount', 'qualification', 'e-signature', 'payment', 'disparagement', 'complaint']) {
      expect(tags.has(t), t).toBe(true);
    }
    for (const c of cases) {
      expect(c.sections.lesson.length).toBeGreaterThan(10);
      expect(c.summary.split('\n').length).toBeLessThanOrEqual(3);
    }
    const schedules = parseReminders(readFileSync('knowledge/reminders.yaml', 'utf8'), { knownTags: [...tags] });
    expect(schedules.length).toBeGreaterThanOrEqual(3);
    const times = nextFireTimes(schedules, new Date('2024-03-06T04:00:00Z'));
    const weekly = times.find((t) => t.id === 'weekly-handbook-on-visits')!;
    expect(weekly.nextLocal).toBe('2024-03-11 09:00:00');
  });
});

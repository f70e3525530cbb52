import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PostTarget, Reply } from '../../src/core/types.js';
import { DeliveryUncertainError } from '../../src/errors/delivery-uncertain.js';
import type { HandbookCiter } from '../../src/retrieval/types.js';
import { openTestDb } from './storage.js';
import type { Db } from '../../src/storage/database.js';
import { DigestService } from '../../src/schedule/digest.js';
import { ScheduleRegistry } from '../../src/schedule/registry.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { ScheduleStore } from '../../src/schedule/store.js';
import type { CaseStudy, Clock, Schedule, TimerPort } from '../../src/schedule/types.js';

/** A clock and timer the test moves by hand. */
export class FakeTime implements Clock, TimerPort {
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

export interface Posted {
  at: string;
  target: PostTarget;
  reply: Reply;
}

export function recordingPort(
  time: FakeTime,
  opts: { failFor?: (t: PostTarget) => boolean; hangFor?: (t: PostTarget) => boolean; uncertainFor?: (t: PostTarget) => boolean } = {},
) {
  const posted: Posted[] = [];
  const attempts: { at: string; channel: string }[] = [];
  let n = 0;
  const post = async (target: PostTarget, reply: Reply): Promise<string> => {
    attempts.push({ at: time.now().toISOString(), channel: target.channelId });
    if (opts.hangFor?.(target)) return new Promise<string>(() => undefined);
    if (opts.failFor?.(target)) throw new Error('platform said: rate_limited');
    if (opts.uncertainFor?.(target)) throw new DeliveryUncertainError('the post call timed out');
    posted.push({ at: time.now().toISOString(), target, reply });
    return `m${++n}`;
  };
  return { post, posted, attempts };
}

export const tmpDirs: string[] = [];
export const dbs: Db[] = [];


export function tempDbFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sched-'));
  tmpDirs.push(dir);
  return path.join(dir, 'bot.sqlite');
}

export function makeCase(i: number, tags: string[] = ['general']): CaseStudy {
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

export async function build(opts: {
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
  const db = opts.db ?? await openTestDb(opts.dbFile ?? ':memory:');
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

export const msg = (id: string, cron: string, channel: string, extra: Partial<Schedule> = {}): Schedule => ({
  id,
  cron,
  timezone: 'Asia/Shanghai',
  target: { platform: 'slack', channel },
  content: { kind: 'message', message: `提醒 ${id}` },
  source: 'yaml',
  ...extra,
});

/** Closes the databases and removes the folders the tests in a file made; run after each test. */
export async function cleanupSchedules(): Promise<void> {
  for (const db of dbs.splice(0)) await db.destroy();
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

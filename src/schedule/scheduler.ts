import type { PostTarget, Reply } from '../core/types.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { latestFireAtOrBefore, nextFire } from './cron.js';
import { DigestService } from './digest.js';
import type { ScheduleRegistry } from './registry.js';
import { renderSimple, type RenderDeps } from './render.js';
import type { ScheduleStore } from './store.js';
import { systemClock, systemTimer, type Clock, type Schedule, type TimerPort } from './types.js';
import { errorSummary } from '../log/errors.js';

/**
 * Posts schedules on time, exactly once per (schedule id, fire time):
 * - a fire time is claimed in SQLite (INSERT on a UNIQUE key) before anything is posted, so a
 *   restart or a second process never posts it again;
 * - on start, the latest fire time missed while the bot was down (and after the schedule was
 *   first seen) is posted once if younger than the grace period, otherwise recorded as skipped;
 * - a failed post is retried with exponential backoff up to a bound, each attempt recorded;
 *   attempts run independently, so one failing channel never holds up another schedule.
 */

export type PostFn = (target: PostTarget, reply: Reply) => Promise<string>;

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 };

/** Wake at least this often: long timers drift across sleep/clock changes (and Node caps them at ~24.8 days). */
const MAX_SLEEP_MS = 60 * 60_000;

export interface SchedulerDeps extends RenderDeps {
  registry: ScheduleRegistry;
  store: ScheduleStore;
  digests: DigestService;
  post: PostFn;
  clock?: Clock;
  timer?: TimerPort;
  /** SCHEDULE_GRACE_HOURS. */
  graceHours?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
}

export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

const fingerprint = (s: Schedule) => `${s.cron}|${s.timezone}`;

interface Planned {
  schedule: Schedule;
  next: Date | null;
}

export class Scheduler {
  private readonly clock: Clock;
  private readonly timer: TimerPort;
  private readonly graceMs: number;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;
  private plan = new Map<string, Planned>();
  private handle: unknown = null;
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly deps: SchedulerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.timer = deps.timer ?? systemTimer;
    this.graceMs = (deps.graceHours ?? 6) * 3600_000;
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.log = deps.logger ?? silentLogger;
  }

  /**
   * Plans every schedule, handles what was missed while down, and arms the timer.
   * Resolves once the catch-up attempts launched here have settled.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const now = this.clock.now();
    for (const row of this.deps.store.closeInterrupted(now)) {
      this.log.warn({ scheduleId: row.scheduleId, fireTime: row.fireTime }, 'schedule: run was interrupted by a restart; marked failed');
    }
    const launched: Promise<void>[] = [];
    for (const s of this.deps.registry.all()) {
      const firstSeen = this.deps.store.firstSeen(s.id, fingerprint(s), s.createdAt ?? now);
      const missed = latestFireAtOrBefore(s.cron, s.timezone, now);
      if (missed && missed.getTime() >= firstSeen.getTime() && !this.deps.store.getRun(s.id, missed)) {
        const p = this.fire(s, missed, now, 'catch-up');
        if (p) launched.push(p);
      }
      this.plan.set(s.id, { schedule: s, next: nextFire(s.cron, s.timezone, now) });
    }
    this.unsubscribe = this.deps.registry.onChange(() => this.reload());
    launched.push(...this.runDueRetries(now));
    this.arm();
    await Promise.allSettled(launched);
  }

  /** Whether the scheduler is armed (between start() and stop()). */
  get isRunning(): boolean {
    return this.running;
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.handle !== null) this.timer.clear(this.handle);
    this.handle = null;
  }

  /** Waits for every attempt currently in flight (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Re-reads the registry: new schedules start from now (their past never fires), removed
   * ones stop, changed ones are re-planned.
   */
  reload(): void {
    const now = this.clock.now();
    const next = new Map<string, Planned>();
    for (const s of this.deps.registry.all()) {
      const old = this.plan.get(s.id);
      if (old && fingerprint(old.schedule) === fingerprint(s)) {
        next.set(s.id, { schedule: s, next: old.next });
        continue;
      }
      this.deps.store.firstSeen(s.id, fingerprint(s), s.createdAt ?? now);
      next.set(s.id, { schedule: s, next: nextFire(s.cron, s.timezone, now) });
    }
    this.plan = next;
    if (this.running) this.arm();
  }

  /**
   * Handles everything due at the clock's now: fire times reached and retries whose backoff
   * has elapsed. Resolves when the attempts started by this tick have settled; the timer does
   * not wait for that, so a slow post never delays another schedule.
   */
  async tick(): Promise<void> {
    const now = this.clock.now();
    const launched: Promise<void>[] = [];
    for (const planned of this.plan.values()) {
      if (!planned.next || planned.next.getTime() > now.getTime()) continue;
      const s = planned.schedule;
      // Only the latest due fire time counts: after a long stall, one post, not a burst.
      const due = latestFireAtOrBefore(s.cron, s.timezone, now) ?? planned.next;
      if (due.getTime() !== planned.next.getTime()) {
        this.log.info({ scheduleId: s.id, from: planned.next.toISOString(), to: due.toISOString() }, 'schedule: fire times passed while stalled; only the latest is handled');
      }
      planned.next = nextFire(s.cron, s.timezone, now);
      const p = this.fire(s, due, now, 'on time');
      if (p) launched.push(p);
    }
    launched.push(...this.runDueRetries(now));
    if (this.running) this.arm();
    await Promise.allSettled(launched);
  }

  /** Next planned fire per schedule id (for status/CLI). */
  nextFires(): { id: string; next: Date | null }[] {
    return [...this.plan.values()].map((p) => ({ id: p.schedule.id, next: p.next }));
  }

  private fire(s: Schedule, fireTime: Date, now: Date, why: 'catch-up' | 'on time'): Promise<void> | null {
    const ageMs = now.getTime() - fireTime.getTime();
    if (ageMs > this.graceMs) {
      if (this.deps.store.recordSkipped(s.id, fireTime, `missed by ${(ageMs / 3600_000).toFixed(1)} h (grace ${this.graceMs / 3600_000} h)`, now)) {
        this.log.warn({ scheduleId: s.id, fireTime: fireTime.toISOString(), ageHours: +(ageMs / 3600_000).toFixed(2) }, 'schedule: missed run is older than the grace period; skipped');
      }
      return null;
    }
    if (!this.deps.store.claimRun(s.id, fireTime, now)) {
      this.log.debug({ scheduleId: s.id, fireTime: fireTime.toISOString() }, 'schedule: fire time already handled');
      return null;
    }
    this.log.info({ scheduleId: s.id, fireTime: fireTime.toISOString(), why }, 'schedule: posting');
    return this.track(this.attempt(s, fireTime.toISOString(), 1));
  }

  private runDueRetries(now: Date): Promise<void>[] {
    const launched: Promise<void>[] = [];
    for (const row of this.deps.store.dueRetries(now)) {
      const s = this.deps.registry.get(row.scheduleId);
      if (!s) {
        this.deps.store.markFailed(row.scheduleId, row.fireTime, 'schedule was removed before the retry', now);
        continue;
      }
      if (!this.deps.store.claimRetry(row.scheduleId, row.fireTime, now)) continue;
      launched.push(this.track(this.attempt(s, row.fireTime, row.attempts + 1)));
    }
    return launched;
  }

  private track(p: Promise<void>): Promise<void> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  private async attempt(s: Schedule, fireTime: string, attempt: number): Promise<void> {
    const store = this.deps.store;
    try {
      let messageId: string;
      let caseIds: string[] = [];
      if (s.content.kind === 'digest') {
        const res = await this.deps.digests.postNext(s.target, s.content.digest, s.title, this.deps.post);
        messageId = res.messageId;
        caseIds = res.pick.cases.map((c) => c.id);
      } else {
        const reply = await renderSimple(s, this.deps);
        messageId = await this.deps.post({ platform: s.target.platform, channelId: s.target.channel }, reply);
      }
      store.markPosted(s.id, fireTime, String(messageId ?? ''), caseIds, this.clock.now());
      this.log.info({ scheduleId: s.id, fireTime, attempt }, 'schedule: posted');
    } catch (err) {
      const now = this.clock.now();
      const message = err instanceof Error ? err.message : String(err);
      if (attempt >= this.retry.maxAttempts) {
        store.markFailed(s.id, fireTime, `${message} (gave up after ${attempt} attempts)`, now);
        this.log.error({ scheduleId: s.id, fireTime, attempt, err: message }, 'schedule: post failed; giving up');
      } else {
        const delay = backoffMs(attempt, this.retry);
        store.markRetry(s.id, fireTime, message, new Date(now.getTime() + delay), now);
        this.log.warn({ scheduleId: s.id, fireTime, attempt, retryInMs: delay, err: message }, 'schedule: post failed; will retry');
      }
      if (this.running) this.arm();
    }
  }

  /** Sets the single timer to the earliest of: next fire time, next retry, MAX_SLEEP_MS. */
  private arm(): void {
    if (this.handle !== null) this.timer.clear(this.handle);
    this.handle = null;
    if (!this.running) return;
    const now = this.clock.now().getTime();
    let wake = now + MAX_SLEEP_MS;
    for (const p of this.plan.values()) if (p.next) wake = Math.min(wake, p.next.getTime());
    const retryAt = this.deps.store.earliestRetry();
    if (retryAt) wake = Math.min(wake, retryAt.getTime());
    this.handle = this.timer.set(() => {
      this.handle = null;
      void this.tick().catch((err) => this.log.error({ err: errorSummary(err) }, 'schedule: tick failed'));
    }, Math.max(0, wake - now));
  }
}

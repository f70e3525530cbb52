import type { PostTarget, Reply } from '../core/types.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { latestFireAtOrBefore, nextFire } from './cron.js';
import { DigestService } from './digest.js';
import type { ScheduleRegistry } from './registry.js';
import { renderSimple, type RenderDeps } from './render.js';
import type { ScheduleStore } from './store.js';
import { systemClock, systemTimer, type Clock, type Schedule, type TimerPort } from './types.js';
import { errorSummary } from '../log/errors.js';
import { DeliveryUncertainError } from '../errors/delivery-uncertain.js';

/**
 * Posts schedules on time, exactly once per (schedule id, fire time):
 * - a fire time is claimed in the database (INSERT on a UNIQUE key) before anything is posted,
 *   so a restart or another replica never posts it again;
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

/**
 * How long a claimed run is held before another process may take it over: longer than a
 * render and post take (an LLM digest summary included), short enough that a reminder whose
 * process died while rendering still goes out close to its time.
 */
export const DEFAULT_LEASE_MS = 5 * 60_000;

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
  leaseMs?: number;
  /**
   * Longest sleep between looks at the store. Replicas sharing a database lower it so that a
   * reminder added through another replica, or a run a dead replica left, is seen soon.
   */
  maxSleepMs?: number;
}

export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

const fingerprint = (s: Schedule) => `${s.cron}|${s.timezone}`;

interface Planned {
  schedule: Schedule;
  next: Date | null;
}

/** This attempt no longer holds its run (its lease ran out and someone else took it over). */
class LeaseLost extends Error {}

export class Scheduler {
  private readonly clock: Clock;
  private readonly timer: TimerPort;
  private readonly graceMs: number;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly maxSleepMs: number;
  private plan = new Map<string, Planned>();
  private handle: unknown = null;
  private armSeq = 0;
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private readonly inflight = new Set<Promise<void>>();
  /** Ticks that failed in a row (database down, disk full): each re-arms sooner than a normal sleep. */
  private failedTicks = 0;
  private lastTickError: string | null = null;
  private lastGoodTickAt: number | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.timer = deps.timer ?? systemTimer;
    this.graceMs = (deps.graceHours ?? 6) * 3600_000;
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.log = deps.logger ?? silentLogger;
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    this.maxSleepMs = deps.maxSleepMs ?? MAX_SLEEP_MS;
  }

  /**
   * Plans every schedule, handles what was missed while down, and arms the timer.
   * Resolves once the catch-up attempts launched here have settled.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const now = this.clock.now();
    await this.deps.registry.refresh();
    await this.closeInterrupted(now);
    const launched: Promise<void>[] = [];
    for (const s of this.deps.registry.all()) {
      const firstSeen = await this.deps.store.firstSeen(s.id, fingerprint(s), s.createdAt ?? now);
      const missed = latestFireAtOrBefore(s.cron, s.timezone, now);
      if (missed && missed.getTime() >= firstSeen.getTime() && !(await this.deps.store.getRun(s.id, missed))) {
        launched.push(this.fire(s, missed, now, 'catch-up'));
      }
      this.plan.set(s.id, { schedule: s, next: nextFire(s.cron, s.timezone, now) });
    }
    this.unsubscribe = this.deps.registry.onChange(() => void this.reload().catch((err) => this.log.error({ err: errorSummary(err) }, 'schedule: reload failed')));
    launched.push(...(await this.runDueRetries(now)));
    await this.arm();
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
    this.armSeq++;
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
  async reload(): Promise<void> {
    const now = this.clock.now();
    const next = new Map<string, Planned>();
    const fresh: Schedule[] = [];
    for (const s of this.deps.registry.all()) {
      const old = this.plan.get(s.id);
      if (old && fingerprint(old.schedule) === fingerprint(s)) {
        // The same object, so a tick advancing it meanwhile is not undone.
        old.schedule = s;
        next.set(s.id, old);
        continue;
      }
      next.set(s.id, { schedule: s, next: nextFire(s.cron, s.timezone, now) });
      fresh.push(s);
    }
    this.plan = next;
    for (const s of fresh) await this.deps.store.firstSeen(s.id, fingerprint(s), s.createdAt ?? now);
    if (this.running) await this.arm();
  }

  /**
   * Handles everything due at the clock's now: fire times reached and retries whose backoff
   * has elapsed. Resolves when the attempts started by this tick have settled; the timer does
   * not wait for that, so a slow post never delays another schedule.
   */
  async tick(): Promise<void> {
    await Promise.allSettled(await this.dispatch());
  }

  /** Claims and launches what is due, re-arms the timer; returns the launched attempts. */
  private async dispatch(): Promise<Promise<void>[]> {
    // Reminders added or removed through another replica.
    await this.deps.registry.refresh();
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
      launched.push(this.fire(s, due, now, 'on time'));
    }
    await this.closeInterrupted(now);
    launched.push(...(await this.runDueRetries(now)));
    if (this.running) await this.arm();
    return launched;
  }

  /** Next planned fire per schedule id (for status/CLI). */
  nextFires(): { id: string; next: Date | null }[] {
    return [...this.plan.values()].map((p) => ({ id: p.schedule.id, next: p.next }));
  }

  private async closeInterrupted(now: Date): Promise<void> {
    for (const row of await this.deps.store.closeInterrupted(now)) {
      this.log.warn({ scheduleId: row.scheduleId, fireTime: row.fireTime }, 'schedule: run was interrupted mid-post; marked failed');
    }
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }

  /** Claims the fire time (one process wins) and posts it; settles when that attempt has. */
  private fire(s: Schedule, fireTime: Date, now: Date, why: 'catch-up' | 'on time'): Promise<void> {
    return this.track(
      (async () => {
        const ageMs = now.getTime() - fireTime.getTime();
        if (ageMs > this.graceMs) {
          if (await this.deps.store.recordSkipped(s.id, fireTime, `missed by ${(ageMs / 3600_000).toFixed(1)} h (grace ${this.graceMs / 3600_000} h)`, now)) {
            this.log.warn({ scheduleId: s.id, fireTime: fireTime.toISOString(), ageHours: +(ageMs / 3600_000).toFixed(2) }, 'schedule: missed run is older than the grace period; skipped');
          }
          return;
        }
        if (!(await this.deps.store.claimRun(s.id, fireTime, now, this.leaseFrom(now)))) {
          this.log.debug({ scheduleId: s.id, fireTime: fireTime.toISOString() }, 'schedule: fire time already handled');
          return;
        }
        this.log.info({ scheduleId: s.id, fireTime: fireTime.toISOString(), why }, 'schedule: posting');
        await this.attempt(s, fireTime.toISOString(), 1);
      })().catch((err) => {
        // The claim could not be written: the fire time is planned again (within the grace
        // period it still goes out) and the loop retries with backoff instead of losing it.
        this.log.error({ scheduleId: s.id, err: errorSummary(err) }, 'schedule: could not claim a run');
        const planned = this.plan.get(s.id);
        if (planned && (!planned.next || planned.next.getTime() > fireTime.getTime())) planned.next = fireTime;
        this.tickFailed(err);
      }),
    );
  }

  private async runDueRetries(now: Date): Promise<Promise<void>[]> {
    const launched: Promise<void>[] = [];
    for (const row of await this.deps.store.dueRetries(now)) {
      const s = this.deps.registry.get(row.scheduleId);
      if (!s) {
        await this.deps.store.markFailed(row.scheduleId, row.fireTime, 'schedule was removed before the retry', now);
        continue;
      }
      if (!(await this.deps.store.claimRetry(row.scheduleId, row.fireTime, now, this.leaseFrom(now)))) continue;
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
    // The last step before the post call: only the holder of the run may send it.
    const post: PostFn = async (target, reply) => {
      if (!(await store.markSending(s.id, fireTime, attempt, this.clock.now()))) throw new LeaseLost();
      return this.deps.post(target, reply);
    };
    try {
      let messageId: string;
      let caseIds: string[] = [];
      if (s.content.kind === 'digest') {
        const res = await this.deps.digests.postNext(s.target, s.content.digest, s.title, post);
        messageId = res.messageId;
        caseIds = res.pick.cases.map((c) => c.id);
      } else {
        const reply = await renderSimple(s, this.deps);
        messageId = await post({ platform: s.target.platform, channelId: s.target.channel }, reply);
      }
      await store.markPosted(s.id, fireTime, String(messageId ?? ''), caseIds, this.clock.now());
      this.log.info({ scheduleId: s.id, fireTime, attempt }, 'schedule: posted');
    } catch (err) {
      if (err instanceof LeaseLost) {
        this.log.warn({ scheduleId: s.id, fireTime, attempt }, 'schedule: run was taken over by another process; not posting');
        return;
      }
      const now = this.clock.now();
      const message = err instanceof Error ? err.message : String(err);
      try {
        if (err instanceof DeliveryUncertainError) {
          // As for a process killed after the post call went out: it may be in the channel already.
          await store.markFailed(s.id, fireTime, `${message} (not retried to avoid a duplicate post)`, now);
          this.log.error({ scheduleId: s.id, fireTime, attempt, err: message }, 'schedule: post may have gone out; not retried');
        } else if (attempt >= this.retry.maxAttempts) {
          await store.markFailed(s.id, fireTime, `${message} (gave up after ${attempt} attempts)`, now);
          this.log.error({ scheduleId: s.id, fireTime, attempt, err: message }, 'schedule: post failed; giving up');
        } else {
          const delay = backoffMs(attempt, this.retry);
          await store.markRetry(s.id, fireTime, message, new Date(now.getTime() + delay), now);
          this.log.warn({ scheduleId: s.id, fireTime, attempt, retryInMs: delay, err: message }, 'schedule: post failed; will retry');
        }
      } catch (storeErr) {
        this.log.error({ scheduleId: s.id, fireTime, err: errorSummary(storeErr) }, 'schedule: could not record a failed post');
      }
      if (this.running) await this.arm();
    }
  }

  /**
   * Sets the single timer to the earliest of: next fire time, next retry or lease end, the
   * longest sleep. The store is asked first; only the latest call sets the timer.
   */
  private arm(): Promise<void> {
    const seq = ++this.armSeq;
    return this.deps.store
      .earliestRetry()
      .catch((err) => {
        this.log.error({ err: errorSummary(err) }, 'schedule: could not read pending retries');
        return null;
      })
      .then((retryAt) => {
        if (seq !== this.armSeq || !this.running) return;
        if (this.handle !== null) this.timer.clear(this.handle);
        this.handle = null;
        const now = this.clock.now().getTime();
        let wake = now + this.maxSleepMs;
        for (const p of this.plan.values()) if (p.next) wake = Math.min(wake, p.next.getTime());
        if (retryAt) wake = Math.min(wake, retryAt.getTime());
        // While writes fail, a fire time planned again is not retried faster than the backoff.
        if (this.failedTicks > 0) wake = Math.max(wake, now + this.tickRetryDelay());
        this.setTimer(Math.max(0, wake - now));
      });
  }

  private setTimer(delayMs: number): void {
    if (this.handle !== null) this.timer.clear(this.handle);
    this.handle = this.timer.set(() => {
      this.handle = null;
      // Tracked until its attempts are launched and the timer re-armed, so idle() covers it.
      void this.track(
        this.dispatch().then(
          () => {
            this.failedTicks = 0;
            this.lastTickError = null;
            this.lastGoodTickAt = this.clock.now().getTime();
          },
          (err) => this.tickFailed(err),
        ),
      );
    }, delayMs);
  }

  /**
   * A tick that threw (a failed database write) must not end the loop: the timer is set again
   * with backoff, bypassing the store, and /healthz reports the stall until a tick succeeds.
   */
  private tickFailed(err: unknown): void {
    this.failedTicks++;
    this.lastTickError = errorSummary(err).message.slice(0, 200);
    const delay = this.tickRetryDelay();
    this.log.error({ err: errorSummary(err), failedTicks: this.failedTicks, retryInMs: delay }, 'schedule: tick failed; retrying');
    if (!this.running) return;
    this.armSeq++;
    this.setTimer(delay);
  }

  private tickRetryDelay(): number {
    return backoffMs(this.failedTicks, { maxAttempts: Infinity, baseDelayMs: TICK_RETRY_BASE_MS, maxDelayMs: TICK_RETRY_MAX_MS });
  }

  /** For /healthz: stalled after repeated failed ticks. */
  health(): { ok: boolean; detail?: string; failedTicks: number; lastGoodTickAt: string | null } {
    const lastGoodTickAt = this.lastGoodTickAt === null ? null : new Date(this.lastGoodTickAt).toISOString();
    if (!this.running) return { ok: false, detail: 'scheduler not running', failedTicks: this.failedTicks, lastGoodTickAt };
    if (this.failedTicks >= STALLED_AFTER_FAILED_TICKS) {
      return { ok: false, detail: `stalled: ${this.failedTicks} ticks failed in a row (${this.lastTickError})`, failedTicks: this.failedTicks, lastGoodTickAt };
    }
    return { ok: true, failedTicks: this.failedTicks, lastGoodTickAt };
  }
}

const TICK_RETRY_BASE_MS = 1_000;
const TICK_RETRY_MAX_MS = 5 * 60_000;
const STALLED_AFTER_FAILED_TICKS = 3;

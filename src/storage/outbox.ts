import type { Selectable } from 'kysely';
import type { Logger } from 'pino';
import { errorSummary } from '../log/errors.js';
import type { Db, Engine, Executor } from './database.js';
import type { OutboxTable } from './schema.js';

/**
 * Messages a workflow owes, written in the same transaction as the decision that owes them and
 * delivered until done, by whichever replica gets to them first. A row is taken for delivery by
 * moving its `next_attempt_at` a lease ahead in the statement that selects it — with
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL, so replicas flushing at once take disjoint rows instead
 * of waiting on each other — and marked sent after the send. A replica killed mid-send leaves the
 * row to come due again when the lease runs out: delivery is at least once (a repeated card beats
 * a lost one), never twice while the sender lives.
 */

/** What the owner queues: any JSON document naming what owes it (`ref`) and its kind. */
export interface OutboxMessage {
  ref: string;
  kind: string;
}

export interface OutboxRow<M extends OutboxMessage = OutboxMessage> {
  id: number;
  message: M;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
}

export interface OutboxHealth {
  pending: number;
  /** Undelivered messages whose last attempt failed (being retried with backoff). */
  retrying: number;
  failed: number;
  /** Messages given up (status `failed`) at or after `since`. */
  failedSince: number;
  /** ms timestamp of the oldest undelivered message, null when none. */
  oldestPendingAt: number | null;
}

export interface OutboxOptions<M extends OutboxMessage> {
  /** Names the owner in log events (`<name>.delivery_failed`). */
  name: string;
  deliver: (message: M) => Promise<unknown>;
  log: Logger;
  now?: () => number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a taken row is held before another replica may send it: longer than one send. */
  leaseMs?: number;
  /** Rows taken per round. */
  batch?: number;
  /** Delivered rows (which keep the rendered message) are deleted this long after they were queued; default 7 days. */
  keepSentMs?: number;
}

const toRow = <M extends OutboxMessage>(r: Selectable<OutboxTable>): OutboxRow<M> => ({
  id: Number(r.id),
  message: JSON.parse(r.message_json) as M,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: Number(r.next_attempt_at),
  lastError: r.last_error,
});

export class Outbox<M extends OutboxMessage = OutboxMessage> {
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly keepSentMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly engine: Engine,
    private readonly options: OutboxOptions<M>,
  ) {
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxAttempts ?? 12;
    this.baseDelayMs = options.baseDelayMs ?? 5_000;
    this.maxDelayMs = options.maxDelayMs ?? 30 * 60_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batch = options.batch ?? 20;
    this.keepSentMs = options.keepSentMs ?? 7 * 24 * 3600_000;
  }

  /**
   * Adds messages; pass the transaction that records what owes them. Returns their ids.
   * `delayMs` holds them back: a fallback for news the caller hopes to deliver another way first
   * (and then `settle`s).
   */
  async enqueue(messages: readonly M[], trx: Executor = this.db, options: { delayMs?: number } = {}): Promise<number[]> {
    if (!messages.length) return [];
    const at = this.now();
    const due = at + Math.max(0, options.delayMs ?? 0);
    const rows = await trx
      .insertInto('outbox')
      .values(messages.map((m) => ({ ref: m.ref, message_json: JSON.stringify(m), status: 'pending' as const, attempts: 0, next_attempt_at: due, created_at: at })))
      .returning('id')
      .execute();
    return rows.map((r) => Number(r.id));
  }

  /**
   * Takes due rows (or only `ids`) for this process and sends them, oldest first; never throws.
   * A failure is retried with backoff and given up (status `failed`, logged) after `maxAttempts`.
   */
  async flush(ids?: readonly number[]): Promise<void> {
    try {
      for (;;) {
        const taken = await this.take(ids);
        for (const row of taken) await this.send(row);
        if (taken.length < this.batch || ids) break;
      }
      if (!ids) await this.prune();
    } catch (err) {
      this.options.log.error({ event: `${this.options.name}.outbox_failed`, err: errorSummary(err) }, 'outbox: could not read or update the outbox');
    }
    if (this.running) this.schedule();
  }

  /** Delivers what is due (left by any replica), then keeps looking in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.flush();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Marks still-undelivered messages as delivered by other means; returns how many it settled. */
  async settle(ids: readonly number[]): Promise<number> {
    if (!ids.length) return 0;
    const res = await this.db
      .updateTable('outbox')
      .set({ status: 'sent', last_error: null })
      .where('id', 'in', [...ids])
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  async rows(ref?: string): Promise<OutboxRow<M>[]> {
    let q = this.db.selectFrom('outbox').selectAll().orderBy('id');
    if (ref) q = q.where('ref', '=', ref);
    return (await q.execute()).map((r) => toRow<M>(r));
  }

  /** Counts for `/healthz`; `since` (ms) bounds `failedSince` (a give-up stamps `next_attempt_at`). */
  async health(since = 0): Promise<OutboxHealth> {
    const pending = await this.db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    const retrying = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where('attempts', '>', 0)
      .executeTakeFirstOrThrow();
    const failed = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'failed')
      .executeTakeFirstOrThrow();
    const failedSince = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'failed')
      .where('next_attempt_at', '>=', since)
      .executeTakeFirstOrThrow();
    return {
      pending: Number(pending.n),
      retrying: Number(retrying.n),
      failed: Number(failed.n),
      failedSince: Number(failedSince.n),
      oldestPendingAt: pending.oldest === null ? null : Number(pending.oldest),
    };
  }

  /** At most hourly: deletes delivered rows older than `keepSentMs`; undelivered and given-up rows stay. */
  private async prune(): Promise<void> {
    const at = this.now();
    if (at - this.prunedAt < 3600_000) return;
    this.prunedAt = at;
    await this.db.deleteFrom('outbox').where('status', '=', 'sent').where('created_at', '<', at - this.keepSentMs).execute();
  }

  /** One statement: select due rows (skipping rows another replica holds) and lease them to us. */
  private async take(ids?: readonly number[]): Promise<OutboxRow<M>[]> {
    const at = this.now();
    let due = this.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .orderBy('id')
      .limit(this.batch);
    if (ids) due = due.where('id', 'in', ids.length ? [...ids] : [-1]);
    if (this.engine === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('outbox')
      .set({ next_attempt_at: at + this.leaseMs })
      .where('id', 'in', due)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .returningAll()
      .execute();
    return rows.map((r) => toRow<M>(r)).sort((a, b) => a.id - b.id);
  }

  private async send(row: OutboxRow<M>): Promise<void> {
    try {
      await this.options.deliver(row.message);
    } catch (err) {
      await this.recordFailure(row, err);
      return;
    }
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ status: 'sent', attempts: eb('attempts', '+', 1), last_error: null }))
      .where('id', '=', row.id)
      .execute();
  }

  private async recordFailure(row: OutboxRow<M>, err: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const message = err instanceof Error ? err.message : String(err);
    const ctx = { event: `${this.options.name}.delivery_failed`, outboxId: row.id, ref: row.message.ref, kind: row.message.kind, attempts, err: errorSummary(err) };
    if (attempts >= this.maxAttempts) {
      await this.db.updateTable('outbox').set({ status: 'failed', attempts, last_error: message, next_attempt_at: this.now() }).where('id', '=', row.id).execute();
      this.options.log.error(ctx, 'outbox: message could not be delivered; gave up');
    } else {
      const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempts - 1));
      await this.db
        .updateTable('outbox')
        .set({ attempts, last_error: message, next_attempt_at: this.now() + delay })
        .where('id', '=', row.id)
        .execute();
      this.options.log.warn({ ...ctx, retryInMs: delay }, 'outbox: delivery failed; will retry');
    }
  }

  /** One timer to the earliest due row (at most a minute away, so rows other replicas add are seen). */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('t'))
      .where('status', '=', 'pending')
      .executeTakeFirst()
      .then(
        (r) => (r?.t === null || r?.t === undefined ? 60_000 : Math.max(50, Math.min(60_000, Number(r.t) - this.now()))),
        () => 60_000,
      )
      .then((wait) => {
        if (!this.running) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.flush(), wait);
        this.timer.unref();
      });
  }
}

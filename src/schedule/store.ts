import type { Selectable } from 'kysely';
import type { Platform } from '../core/types.js';
import type { Db } from '../storage/database.js';
import type { ScheduleRunsTable } from '../storage/schema.js';

/**
 * Everything the scheduler must remember across restarts and share between replicas: one row
 * per (schedule, fire time), when each schedule was first seen, which cases each channel has
 * had, and chat-made reminders.
 *
 * Run status: `posting` (claimed under a lease, attempt in flight), `retry` (last attempt failed,
 * another is due at next_attempt_at), then one of the final states `posted`, `failed`, `skipped`.
 *
 * A fire time is claimed by a unique-key insert, so of two replicas waking for it exactly one
 * posts. The `posting` row is a lease: `next_attempt_at` is when it runs out. A process killed
 * while it rendered leaves a lease that runs out, and whoever runs next resumes it. `sent_at`
 * marks the moment the post call went out: a run interrupted after that may already be in the
 * channel, so it is closed as failed instead of being posted twice.
 */

export type RunStatus = 'posting' | 'retry' | 'posted' | 'failed' | 'skipped';

export interface RunRow {
  scheduleId: string;
  fireTime: string;
  status: RunStatus;
  attempts: number;
  error: string | null;
  messageId: string | null;
  caseIds: string[];
  /** For `retry`: when the next attempt is due; for `posting`: when its lease runs out. */
  nextAttemptAt: string | null;
  /** When the post call went out (cleared when that attempt failed). */
  sentAt: string | null;
  updatedAt: string;
}

export interface StoredReminder {
  id: string;
  platform: Platform;
  channelId: string;
  cron: string;
  timezone: string;
  text: string;
  createdBy: string;
  createdAt: Date;
}

const iso = (d: Date) => d.toISOString();

const toRun = (r: Selectable<ScheduleRunsTable>): RunRow => ({
  scheduleId: r.schedule_id,
  fireTime: r.fire_time,
  status: r.status,
  attempts: r.attempts,
  error: r.error,
  messageId: r.message_id,
  caseIds: r.case_ids ? (JSON.parse(r.case_ids) as string[]) : [],
  nextAttemptAt: r.next_attempt_at,
  sentAt: r.sent_at ?? null,
  updatedAt: r.updated_at,
});

export class ScheduleStore {
  constructor(readonly db: Db) {}

  /**
   * When this schedule (in this shape) was first seen. A changed cron or zone counts as a new
   * schedule, so editing a cron never fires the new expression's past. Of replicas starting
   * together, the first to record a shape wins and the others read it.
   */
  async firstSeen(scheduleId: string, fingerprint: string, now: Date): Promise<Date> {
    await this.db
      .insertInto('schedule_first_seen')
      .values({ schedule_id: scheduleId, fingerprint, first_seen: iso(now) })
      .onConflict((oc) =>
        oc
          .column('schedule_id')
          .doUpdateSet((eb) => ({ fingerprint: eb.ref('excluded.fingerprint'), first_seen: eb.ref('excluded.first_seen') }))
          .where('schedule_first_seen.fingerprint', '!=', fingerprint),
      )
      .execute();
    const row = await this.db
      .selectFrom('schedule_first_seen')
      .select('first_seen')
      .where('schedule_id', '=', scheduleId)
      .executeTakeFirstOrThrow();
    return new Date(row.first_seen);
  }

  async getRun(scheduleId: string, fireTime: Date): Promise<RunRow | null> {
    const r = await this.db
      .selectFrom('schedule_runs')
      .selectAll()
      .where('schedule_id', '=', scheduleId)
      .where('fire_time', '=', iso(fireTime))
      .executeTakeFirst();
    return r ? toRun(r) : null;
  }

  /**
   * Claims a fire time for its first attempt, under a lease until `leaseUntil`. False when any
   * row exists already: never post twice.
   */
  async claimRun(scheduleId: string, fireTime: Date, now: Date, leaseUntil: Date = now): Promise<boolean> {
    const res = await this.db
      .insertInto('schedule_runs')
      .values({
        schedule_id: scheduleId,
        fire_time: iso(fireTime),
        status: 'posting',
        attempts: 1,
        next_attempt_at: iso(leaseUntil),
        created_at: iso(now),
        updated_at: iso(now),
      })
      .onConflict((oc) => oc.columns(['schedule_id', 'fire_time']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /**
   * Claims a run for its next attempt: a waiting retry that is due, or a lease that ran out
   * before anything was sent (its process died while rendering). A conditional update: false
   * if someone else did.
   */
  async claimRetry(scheduleId: string, fireTime: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('schedule_runs')
      .set((eb) => ({
        status: 'posting',
        attempts: eb('attempts', '+', 1),
        next_attempt_at: iso(leaseUntil),
        sent_at: null,
        updated_at: iso(now),
      }))
      .where('schedule_id', '=', scheduleId)
      .where('fire_time', '=', fireTime)
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', iso(now))]))
      .where((eb) => eb.or([eb('status', '=', 'retry'), eb.and([eb('status', '=', 'posting'), eb('sent_at', 'is', null)])]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * The post call is about to go out: from here on an interruption may leave a post behind.
   * False when this attempt no longer holds the run (its lease ran out and another replica took
   * it over): then it must not send.
   */
  async markSending(scheduleId: string, fireTime: string, attempt: number, now: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('schedule_runs')
      .set({ sent_at: iso(now), updated_at: iso(now) })
      .where('schedule_id', '=', scheduleId)
      .where('fire_time', '=', fireTime)
      .where('status', '=', 'posting')
      .where('attempts', '=', attempt)
      .where('sent_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async recordSkipped(scheduleId: string, fireTime: Date, reason: string, now: Date): Promise<boolean> {
    const res = await this.db
      .insertInto('schedule_runs')
      .values({
        schedule_id: scheduleId,
        fire_time: iso(fireTime),
        status: 'skipped',
        attempts: 0,
        error: reason,
        created_at: iso(now),
        updated_at: iso(now),
      })
      .onConflict((oc) => oc.columns(['schedule_id', 'fire_time']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async markPosted(scheduleId: string, fireTime: string, messageId: string, caseIds: string[], now: Date): Promise<void> {
    await this.db
      .updateTable('schedule_runs')
      .set({
        status: 'posted',
        message_id: messageId,
        case_ids: caseIds.length ? JSON.stringify(caseIds) : null,
        error: null,
        next_attempt_at: null,
        updated_at: iso(now),
      })
      .where('schedule_id', '=', scheduleId)
      .where('fire_time', '=', fireTime)
      .execute();
  }

  async markRetry(scheduleId: string, fireTime: string, error: string, nextAttemptAt: Date, now: Date): Promise<void> {
    await this.db
      .updateTable('schedule_runs')
      .set({ status: 'retry', error, next_attempt_at: iso(nextAttemptAt), sent_at: null, updated_at: iso(now) })
      .where('schedule_id', '=', scheduleId)
      .where('fire_time', '=', fireTime)
      .execute();
  }

  async markFailed(scheduleId: string, fireTime: string, error: string, now: Date): Promise<void> {
    await this.db
      .updateTable('schedule_runs')
      .set({ status: 'failed', error, next_attempt_at: null, updated_at: iso(now) })
      .where('schedule_id', '=', scheduleId)
      .where('fire_time', '=', fireTime)
      .execute();
  }

  /**
   * Attempts whose lease ran out after the post call went out: their process died (or hung)
   * mid-post, so the post may or may not be in the channel, and they are closed as failed rather
   * than risking a duplicate. A live replica's attempt still holds its lease and is left alone.
   */
  async closeInterrupted(now: Date): Promise<RunRow[]> {
    // One statement (UPDATE … RETURNING on both engines): nothing to interleave with.
    const rows = await this.db
      .updateTable('schedule_runs')
      .set({
        status: 'failed',
        next_attempt_at: null,
        updated_at: iso(now),
        error: 'interrupted after the post was sent; not retried to avoid a duplicate post',
      })
      .where('status', '=', 'posting')
      .where('sent_at', 'is not', null)
      .where('next_attempt_at', '<=', iso(now))
      .returningAll()
      .execute();
    return rows.map(toRun);
  }

  /**
   * Runs another attempt is due for: waiting retries whose time has come and `posting` leases
   * that ran out before anything was sent (their process died while rendering). Oldest first.
   */
  async dueRetries(now: Date): Promise<RunRow[]> {
    const rows = await this.db
      .selectFrom('schedule_runs')
      .selectAll()
      .where((eb) => eb.or([eb('status', '=', 'retry'), eb.and([eb('status', '=', 'posting'), eb('sent_at', 'is', null)])]))
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', iso(now))]))
      .orderBy('next_attempt_at')
      .orderBy('fire_time')
      .execute();
    return rows.map(toRun);
  }

  /** The earliest moment a retry falls due or a lease runs out. */
  async earliestRetry(): Promise<Date | null> {
    const r = await this.db
      .selectFrom('schedule_runs')
      .select((eb) => eb.fn.min('next_attempt_at').as('t'))
      .where('status', 'in', ['retry', 'posting'])
      .executeTakeFirst();
    return r?.t ? new Date(r.t) : null;
  }

  async runs(scheduleId?: string): Promise<RunRow[]> {
    let q = this.db.selectFrom('schedule_runs').selectAll();
    q = scheduleId ? q.where('schedule_id', '=', scheduleId).orderBy('fire_time') : q.orderBy('fire_time').orderBy('schedule_id');
    return (await q.execute()).map(toRun);
  }

  // --- digest rotation -------------------------------------------------------------------

  /** For each case shown under this key: its position in the key's running show order (1, 2, …). */
  async rotationState(key: string): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('schedule_rotation').select(['case_id', 'shown_seq']).where('rotation_key', '=', key).execute();
    return new Map(rows.map((r) => [r.case_id, r.shown_seq]));
  }

  /**
   * Records one digest's cases as shown, numbered on from the key's last number in the digest's
   * order, so the least recently shown case is well defined even within one digest.
   */
  async recordRotation(key: string, caseIds: string[], now: Date): Promise<void> {
    if (!caseIds.length) return;
    await this.db.transaction().execute(async (trx) => {
      const { s } = await trx
        .selectFrom('schedule_rotation')
        .select((eb) => eb.fn.coalesce(eb.fn.max('shown_seq'), eb.lit(0)).as('s'))
        .where('rotation_key', '=', key)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('schedule_rotation')
        .values(caseIds.map((id, i) => ({ rotation_key: key, case_id: id, shown_seq: Number(s) + 1 + i, posted_at: iso(now) })))
        .onConflict((oc) =>
          oc
            .columns(['rotation_key', 'case_id'])
            .doUpdateSet((eb) => ({ shown_seq: eb.ref('excluded.shown_seq'), posted_at: eb.ref('excluded.posted_at') })),
        )
        .execute();
    });
  }

  // --- chat reminders --------------------------------------------------------------------

  async addReminder(r: Omit<StoredReminder, 'id'>): Promise<StoredReminder> {
    const row = await this.db
      .insertInto('schedule_reminders')
      .values({
        platform: r.platform,
        channel_id: r.channelId,
        cron: r.cron,
        timezone: r.timezone,
        text: r.text,
        created_by: r.createdBy,
        created_at: iso(r.createdAt),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ...r, id: `chat-${row.id}` };
  }

  async removeReminder(id: string): Promise<boolean> {
    const n = /^chat-(\d+)$/.exec(id);
    if (!n) return false;
    const res = await this.db.deleteFrom('schedule_reminders').where('id', '=', Number(n[1])).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  async listReminders(): Promise<StoredReminder[]> {
    const rows = await this.db.selectFrom('schedule_reminders').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: `chat-${r.id}`,
      platform: r.platform as Platform,
      channelId: r.channel_id,
      cron: r.cron,
      timezone: r.timezone,
      text: r.text,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at),
    }));
  }
}

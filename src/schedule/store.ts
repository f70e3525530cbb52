import { applyMigrations, type Db } from '../storage/db.js';
import type { Platform } from '../core/types.js';

/**
 * Everything the scheduler must remember across restarts: one row per (schedule, fire time),
 * when each schedule was first seen, which cases each channel has had, and chat-made reminders.
 *
 * Run status: `posting` (claimed, attempt in flight), `retry` (last attempt failed, another is
 * due at next_attempt_at), then one of the final states `posted`, `failed`, `skipped`.
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
  nextAttemptAt: string | null;
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

const MIGRATIONS = [
  `CREATE TABLE schedule_runs (
     schedule_id TEXT NOT NULL,
     fire_time TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('posting','retry','posted','failed','skipped')),
     attempts INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     message_id TEXT,
     case_ids TEXT,
     next_attempt_at TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     UNIQUE (schedule_id, fire_time)
   );
   CREATE INDEX schedule_runs_retry ON schedule_runs (status, next_attempt_at);
   CREATE TABLE schedule_first_seen (
     schedule_id TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     first_seen TEXT NOT NULL
   );
   CREATE TABLE schedule_rotation (
     rotation_key TEXT NOT NULL,
     case_id TEXT NOT NULL,
     shown_seq INTEGER NOT NULL,
     posted_at TEXT NOT NULL,
     PRIMARY KEY (rotation_key, case_id)
   );
   CREATE TABLE schedule_reminders (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     platform TEXT NOT NULL,
     channel_id TEXT NOT NULL,
     cron TEXT NOT NULL,
     timezone TEXT NOT NULL,
     text TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
];

const iso = (d: Date) => d.toISOString();

interface RawRun {
  schedule_id: string;
  fire_time: string;
  status: RunStatus;
  attempts: number;
  error: string | null;
  message_id: string | null;
  case_ids: string | null;
  next_attempt_at: string | null;
  updated_at: string;
}

const toRun = (r: RawRun): RunRow => ({
  scheduleId: r.schedule_id,
  fireTime: r.fire_time,
  status: r.status,
  attempts: r.attempts,
  error: r.error,
  messageId: r.message_id,
  caseIds: r.case_ids ? (JSON.parse(r.case_ids) as string[]) : [],
  nextAttemptAt: r.next_attempt_at,
  updatedAt: r.updated_at,
});

export class ScheduleStore {
  constructor(readonly db: Db) {
    applyMigrations(db, 'schedule', MIGRATIONS);
  }

  /**
   * When this schedule (in this shape) was first seen. A changed cron or zone counts as a new
   * schedule, so editing a cron never fires the new expression's past.
   */
  firstSeen(scheduleId: string, fingerprint: string, now: Date): Date {
    return this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT fingerprint, first_seen FROM schedule_first_seen WHERE schedule_id = ?')
        .get(scheduleId) as { fingerprint: string; first_seen: string } | undefined;
      if (row && row.fingerprint === fingerprint) return new Date(row.first_seen);
      this.db
        .prepare(
          `INSERT INTO schedule_first_seen (schedule_id, fingerprint, first_seen) VALUES (?, ?, ?)
           ON CONFLICT (schedule_id) DO UPDATE SET fingerprint = excluded.fingerprint, first_seen = excluded.first_seen`,
        )
        .run(scheduleId, fingerprint, iso(now));
      return now;
    })();
  }

  getRun(scheduleId: string, fireTime: Date): RunRow | null {
    const r = this.db
      .prepare('SELECT * FROM schedule_runs WHERE schedule_id = ? AND fire_time = ?')
      .get(scheduleId, iso(fireTime)) as RawRun | undefined;
    return r ? toRun(r) : null;
  }

  /** Claims a fire time for its first attempt. False when any row exists already: never post twice. */
  claimRun(scheduleId: string, fireTime: Date, now: Date): boolean {
    return this.db.transaction(() => {
      const res = this.db
        .prepare(
          `INSERT OR IGNORE INTO schedule_runs (schedule_id, fire_time, status, attempts, created_at, updated_at)
           VALUES (?, ?, 'posting', 1, ?, ?)`,
        )
        .run(scheduleId, iso(fireTime), iso(now), iso(now));
      return res.changes === 1;
    }).immediate();
  }

  /** Claims a waiting retry for its next attempt; false if someone else did or it is not due. */
  claimRetry(scheduleId: string, fireTime: string, now: Date): boolean {
    const res = this.db
      .prepare(
        `UPDATE schedule_runs SET status = 'posting', attempts = attempts + 1, next_attempt_at = NULL, updated_at = ?
         WHERE schedule_id = ? AND fire_time = ? AND status = 'retry' AND next_attempt_at <= ?`,
      )
      .run(iso(now), scheduleId, fireTime, iso(now));
    return res.changes === 1;
  }

  recordSkipped(scheduleId: string, fireTime: Date, reason: string, now: Date): boolean {
    const res = this.db
      .prepare(
        `INSERT OR IGNORE INTO schedule_runs (schedule_id, fire_time, status, attempts, error, created_at, updated_at)
         VALUES (?, ?, 'skipped', 0, ?, ?, ?)`,
      )
      .run(scheduleId, iso(fireTime), reason, iso(now), iso(now));
    return res.changes === 1;
  }

  markPosted(scheduleId: string, fireTime: string, messageId: string, caseIds: string[], now: Date): void {
    this.db
      .prepare(
        `UPDATE schedule_runs SET status = 'posted', message_id = ?, case_ids = ?, error = NULL, updated_at = ?
         WHERE schedule_id = ? AND fire_time = ?`,
      )
      .run(messageId, caseIds.length ? JSON.stringify(caseIds) : null, iso(now), scheduleId, fireTime);
  }

  markRetry(scheduleId: string, fireTime: string, error: string, nextAttemptAt: Date, now: Date): void {
    this.db
      .prepare(
        `UPDATE schedule_runs SET status = 'retry', error = ?, next_attempt_at = ?, updated_at = ?
         WHERE schedule_id = ? AND fire_time = ?`,
      )
      .run(error, iso(nextAttemptAt), iso(now), scheduleId, fireTime);
  }

  markFailed(scheduleId: string, fireTime: string, error: string, now: Date): void {
    this.db
      .prepare(
        `UPDATE schedule_runs SET status = 'failed', error = ?, next_attempt_at = NULL, updated_at = ?
         WHERE schedule_id = ? AND fire_time = ?`,
      )
      .run(error, iso(now), scheduleId, fireTime);
  }

  /**
   * Attempts that were in flight when the process died: the post may or may not have reached
   * the channel, so they are closed as failed rather than risking a duplicate.
   */
  closeInterrupted(now: Date): RunRow[] {
    return this.db.transaction(() => {
      const rows = (this.db.prepare("SELECT * FROM schedule_runs WHERE status = 'posting'").all() as RawRun[]).map(toRun);
      this.db
        .prepare(
          `UPDATE schedule_runs SET status = 'failed', updated_at = ?,
             error = 'interrupted by a restart while posting; not retried to avoid a duplicate post'
           WHERE status = 'posting'`,
        )
        .run(iso(now));
      return rows;
    })();
  }

  dueRetries(now: Date): RunRow[] {
    return (
      this.db
        .prepare("SELECT * FROM schedule_runs WHERE status = 'retry' AND next_attempt_at <= ? ORDER BY next_attempt_at")
        .all(iso(now)) as RawRun[]
    ).map(toRun);
  }

  earliestRetry(): Date | null {
    const r = this.db
      .prepare("SELECT MIN(next_attempt_at) AS t FROM schedule_runs WHERE status = 'retry'")
      .get() as { t: string | null };
    return r.t ? new Date(r.t) : null;
  }

  runs(scheduleId?: string): RunRow[] {
    const rows = scheduleId
      ? this.db.prepare('SELECT * FROM schedule_runs WHERE schedule_id = ? ORDER BY fire_time').all(scheduleId)
      : this.db.prepare('SELECT * FROM schedule_runs ORDER BY fire_time, schedule_id').all();
    return (rows as RawRun[]).map(toRun);
  }

  // --- digest rotation -------------------------------------------------------------------

  /** For each case shown under this key: its position in the key's running show order (1, 2, …). */
  rotationState(key: string): Map<string, number> {
    const rows = this.db.prepare('SELECT case_id, shown_seq FROM schedule_rotation WHERE rotation_key = ?').all(key) as {
      case_id: string;
      shown_seq: number;
    }[];
    return new Map(rows.map((r) => [r.case_id, r.shown_seq]));
  }

  /**
   * Records one digest's cases as shown, numbered on from the key's last number in the digest's
   * order, so the least recently shown case is well defined even within one digest.
   */
  recordRotation(key: string, caseIds: string[], now: Date): void {
    this.db.transaction(() => {
      const { s } = this.db
        .prepare('SELECT COALESCE(MAX(shown_seq), 0) AS s FROM schedule_rotation WHERE rotation_key = ?')
        .get(key) as { s: number };
      const up = this.db.prepare(
        `INSERT INTO schedule_rotation (rotation_key, case_id, shown_seq, posted_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (rotation_key, case_id) DO UPDATE SET shown_seq = excluded.shown_seq, posted_at = excluded.posted_at`,
      );
      caseIds.forEach((id, i) => up.run(key, id, s + 1 + i, iso(now)));
    })();
  }

  // --- chat reminders --------------------------------------------------------------------

  addReminder(r: Omit<StoredReminder, 'id'>): StoredReminder {
    const res = this.db
      .prepare(
        `INSERT INTO schedule_reminders (platform, channel_id, cron, timezone, text, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.platform, r.channelId, r.cron, r.timezone, r.text, r.createdBy, iso(r.createdAt));
    return { ...r, id: `chat-${res.lastInsertRowid}` };
  }

  removeReminder(id: string): boolean {
    const n = /^chat-(\d+)$/.exec(id);
    if (!n) return false;
    return this.db.prepare('DELETE FROM schedule_reminders WHERE id = ?').run(Number(n[1])).changes === 1;
  }

  listReminders(): StoredReminder[] {
    const rows = this.db.prepare('SELECT * FROM schedule_reminders ORDER BY id').all() as {
      id: number;
      platform: Platform;
      channel_id: string;
      cron: string;
      timezone: string;
      text: string;
      created_by: string;
      created_at: string;
    }[];
    return rows.map((r) => ({
      id: `chat-${r.id}`,
      platform: r.platform,
      channelId: r.channel_id,
      cron: r.cron,
      timezone: r.timezone,
      text: r.text,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at),
    }));
  }
}

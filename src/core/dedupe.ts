import { applyMigrations, type Db } from '../storage/db.js';

/**
 * Remembers platform event ids so a redelivered event (Slack retries, Feishu redelivery)
 * never produces a second answer — in SQLite, so it holds across restarts too.
 */
export class EventDeduper {
  private readonly insert;
  private readonly purge;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 24 * 3600_000,
    private readonly now: () => number = Date.now,
  ) {
    applyMigrations(db, 'dedupe', [
      `CREATE TABLE seen_events (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
       CREATE INDEX seen_events_at ON seen_events (seen_at);`,
    ]);
    this.insert = db.prepare('INSERT OR IGNORE INTO seen_events (id, seen_at) VALUES (?, ?)');
    this.purge = db.prepare('DELETE FROM seen_events WHERE seen_at < ?');
  }

  /**
   * Claims every id at once; true when none of them was seen before. An event carries
   * several ids (Feishu: event_id and message_id) and any one seen before makes it a repeat.
   */
  claim(ids: readonly string[] | undefined): boolean {
    const keys = (ids ?? []).filter(Boolean);
    if (keys.length === 0) return true;
    const at = this.now();
    return this.db.transaction(() => {
      this.purge.run(at - this.ttlMs);
      let fresh = true;
      for (const key of keys) if (this.insert.run(key, at).changes === 0) fresh = false;
      return fresh;
    })();
  }
}

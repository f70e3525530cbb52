import { randomUUID } from 'node:crypto';
import { applyMigrations, type Db } from '../storage/db.js';
import type { Reply } from './types.js';

const KEEP_MS = 7 * 24 * 3600_000;

/**
 * Replies kept for a week so an answer shown only to the asker can later be shared in the
 * channel ("Share in channel" carries the id, not the answer).
 */
export class SharedReplies {
  constructor(private readonly db: Db) {
    // Analytics v1 also creates this table (it lived there first); both use IF NOT EXISTS, so either may open first.
    applyMigrations(db, 'shared-replies', [
      `CREATE TABLE IF NOT EXISTS shared_replies (
         id TEXT PRIMARY KEY,
         reply_json TEXT NOT NULL,
         created_at INTEGER NOT NULL
       );`,
    ]);
  }

  save(reply: Reply, now = Date.now()): string {
    const id = randomUUID();
    this.db.prepare('DELETE FROM shared_replies WHERE created_at < ?').run(now - KEEP_MS);
    this.db.prepare('INSERT INTO shared_replies (id, reply_json, created_at) VALUES (?, ?, ?)').run(id, JSON.stringify(reply), now);
    return id;
  }

  load(id: string): Reply | null {
    const row = this.db.prepare('SELECT reply_json FROM shared_replies WHERE id = ?').get(id) as { reply_json: string } | undefined;
    return row ? (JSON.parse(row.reply_json) as Reply) : null;
  }
}

import { randomUUID } from 'node:crypto';
import type { Db } from '../storage/database.js';
import type { Reply } from './types.js';

const KEEP_MS = 7 * 24 * 3600_000;

/**
 * Replies kept for a week so an answer shown only to the asker can later be shared in the
 * channel ("Share in channel" carries the id, not the answer). In the database, so the replica
 * that gets the button press need not be the one that answered.
 */
export class SharedReplies {
  private lastPurge = 0;

  constructor(private readonly db: Db) {}

  async save(reply: Reply, now = Date.now()): Promise<string> {
    const id = randomUUID();
    // Expired copies are cleared now and then, not on every answer.
    if (now - this.lastPurge > 10 * 60_000) {
      this.lastPurge = now;
      await this.db.deleteFrom('shared_replies').where('created_at', '<', now - KEEP_MS).execute();
    }
    await this.db.insertInto('shared_replies').values({ id, reply_json: JSON.stringify(reply), created_at: now }).execute();
    return id;
  }

  async load(id: string): Promise<Reply | null> {
    const row = await this.db.selectFrom('shared_replies').select('reply_json').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.reply_json) as Reply) : null;
  }
}

import type { Db } from '../storage/database.js';
import type { ConversationStore, Turn } from './memory.js';

export interface SharedConversationMemoryOptions {
  maxTurns?: number;
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * Conversation memory in the shared database, for replicas: a follow-up ("那如果是老客户呢？")
 * may reach another replica than the question before it. Bounded like the in-process memory —
 * the last `maxTurns` turns younger than `maxAgeMs` — and turns older than that are deleted, so
 * the text of a thread is kept for minutes, not for good.
 */
export class SharedConversationMemory implements ConversationStore {
  private readonly maxTurns: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private lastPurge = 0;

  constructor(
    private readonly db: Db,
    options: SharedConversationMemoryOptions = {},
  ) {
    this.maxTurns = options.maxTurns ?? 6;
    this.maxAgeMs = options.maxAgeMs ?? 30 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async history(conversationId: string): Promise<Turn[]> {
    const rows = await this.db
      .selectFrom('conversation_turns')
      .select(['question', 'query', 'answer', 'answered', 'at'])
      .where('conversation_id', '=', conversationId)
      .where('at', '>=', this.now() - this.maxAgeMs)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(this.maxTurns)
      .execute();
    return rows.reverse().map((r) => ({ question: r.question, query: r.query, answer: r.answer, answered: r.answered === 1, at: Number(r.at) }));
  }

  async add(conversationId: string, turn: Omit<Turn, 'at'> & { at?: number }): Promise<void> {
    const at = turn.at ?? this.now();
    await this.db
      .insertInto('conversation_turns')
      .values({ conversation_id: conversationId, at, question: turn.question, query: turn.query, answer: turn.answer, answered: turn.answered ? 1 : 0 })
      .execute();
    if (at - this.lastPurge > 60_000) {
      this.lastPurge = at;
      await this.db.deleteFrom('conversation_turns').where('at', '<', at - this.maxAgeMs).execute();
    }
  }
}

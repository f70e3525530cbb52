import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../storage/database.js';
import type { QuestionLog, QuestionRecord } from '../core/types.js';
import { questionForAnalytics } from './redact.js';

export type { QuestionRecord };

export interface Stats {
  questions: number;
  answered: number;
  answeredRate: number;
  feedback: { up: number; down: number };
  byMode: Record<string, number>;
  topUnanswered: { question: string; count: number }[];
}

/**
 * Questions and feedback (the core's QuestionLog), and the stats built from them. User ids are stored only as salted hashes:
 * the compliance team needs counts and gaps, not who asked.
 */
export class AnalyticsStore implements QuestionLog {
  constructor(
    private readonly db: Db,
    private readonly salt: string,
    /** PRECHECK_STORE_TEXT: whether a contract pasted as a question may be kept verbatim. */
    private readonly storeContractText = false,
  ) {}

  hashUser(platform: string, userId: string): string {
    return createHash('sha256').update(`${this.salt}:${platform}:${userId}`).digest('hex').slice(0, 24);
  }

  async recordQuestion(r: QuestionRecord): Promise<string> {
    const id = randomUUID();
    await this.db
      .insertInto('questions')
      .values({
        id,
        asked_at: new Date().toISOString(),
        platform: r.platform,
        user_hash: this.hashUser(r.platform, r.userId),
        conversation: r.conversationId,
        question: questionForAnalytics(r.question.slice(0, 2000), this.storeContractText),
        answered: r.answered ? 1 : 0,
        top_score: r.topScore,
        latency_ms: Math.round(r.latencyMs),
        mode: r.mode,
      })
      .execute();
    return id;
  }

  /** One vote per user per answer; a second press changes the vote. Returns false for an unknown answer. */
  async recordFeedback(questionId: string, platform: string, userId: string, vote: 'up' | 'down'): Promise<boolean> {
    const exists = await this.db.selectFrom('questions').select('id').where('id', '=', questionId).executeTakeFirst();
    if (!exists) return false;
    await this.db
      .insertInto('feedback')
      .values({ question_id: questionId, user_hash: this.hashUser(platform, userId), vote, at: new Date().toISOString() })
      .onConflict((oc) =>
        oc.columns(['question_id', 'user_hash']).doUpdateSet((eb) => ({ vote: eb.ref('excluded.vote'), at: eb.ref('excluded.at') })),
      )
      .execute();
    return true;
  }

  async stats(topN = 10): Promise<Stats> {
    const q = await this.db
      .selectFrom('questions')
      .select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`COALESCE(SUM(answered), 0)`.as('a')])
      .executeTakeFirstOrThrow();
    const votes = await this.db.selectFrom('feedback').select((eb) => ['vote', eb.fn.countAll<number>().as('n')]).groupBy('vote').execute();
    const modes = await this.db.selectFrom('questions').select((eb) => ['mode', eb.fn.countAll<number>().as('n')]).groupBy('mode').execute();
    // One wording stands for the group (MAX: SQLite's bare column in a GROUP BY is not valid on PostgreSQL).
    const unanswered = await this.db
      .selectFrom('questions')
      .select((eb) => [
        sql<string>`MAX(question)`.as('question'),
        eb.fn.countAll<number>().as('count'),
      ])
      .where('answered', '=', 0)
      .groupBy(sql`lower(trim(question))`)
      .orderBy('count', 'desc')
      .orderBy(sql`MAX(asked_at)`, 'desc')
      .limit(topN)
      .execute();
    const n = Number(q.n);
    const a = Number(q.a);
    return {
      questions: n,
      answered: a,
      answeredRate: n ? Math.round((a / n) * 1000) / 1000 : 0,
      feedback: {
        up: Number(votes.find((v) => v.vote === 'up')?.n ?? 0),
        down: Number(votes.find((v) => v.vote === 'down')?.n ?? 0),
      },
      byMode: Object.fromEntries(modes.map((m) => [m.mode, Number(m.n)])),
      topUnanswered: unanswered.map((u) => ({ question: u.question, count: Number(u.count) })),
    };
  }
}

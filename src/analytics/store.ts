import { createHash, randomUUID } from 'node:crypto';
import { applyMigrations, type Db } from '../storage/db.js';
import type { QuestionLog, QuestionRecord } from '../core/types.js';

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
  ) {
    // v1 also created shared_replies, which core/shared-replies.ts owns now. Its step only gained
    // IF NOT EXISTS (same schema for every database), so the two stores may open in either order.
    applyMigrations(db, 'analytics', [
      `CREATE TABLE questions (
         id TEXT PRIMARY KEY,
         asked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
         platform TEXT NOT NULL,
         user_hash TEXT NOT NULL,
         conversation TEXT NOT NULL,
         question TEXT NOT NULL,
         answered INTEGER NOT NULL,
         top_score REAL NOT NULL,
         latency_ms INTEGER NOT NULL,
         mode TEXT NOT NULL
       );
       CREATE TABLE feedback (
         question_id TEXT NOT NULL REFERENCES questions(id),
         user_hash TEXT NOT NULL,
         vote TEXT NOT NULL CHECK (vote IN ('up','down')),
         at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
         PRIMARY KEY (question_id, user_hash)
       );
       CREATE TABLE IF NOT EXISTS shared_replies (
         id TEXT PRIMARY KEY,
         reply_json TEXT NOT NULL,
         created_at INTEGER NOT NULL
       );`,
    ]);
  }

  hashUser(platform: string, userId: string): string {
    return createHash('sha256').update(`${this.salt}:${platform}:${userId}`).digest('hex').slice(0, 24);
  }

  recordQuestion(r: QuestionRecord): string {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO questions (id, platform, user_hash, conversation, question, answered, top_score, latency_ms, mode)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, r.platform, this.hashUser(r.platform, r.userId), r.conversationId, r.question.slice(0, 2000),
        r.answered ? 1 : 0, r.topScore, Math.round(r.latencyMs), r.mode);
    return id;
  }

  /** One vote per user per answer; a second press changes the vote. Returns false for an unknown answer. */
  recordFeedback(questionId: string, platform: string, userId: string, vote: 'up' | 'down'): boolean {
    const exists = this.db.prepare('SELECT 1 FROM questions WHERE id = ?').get(questionId);
    if (!exists) return false;
    this.db
      .prepare(
        `INSERT INTO feedback (question_id, user_hash, vote) VALUES (?, ?, ?)
         ON CONFLICT (question_id, user_hash) DO UPDATE SET vote = excluded.vote, at = excluded.at`,
      )
      .run(questionId, this.hashUser(platform, userId), vote);
    return true;
  }

  stats(topN = 10): Stats {
    const q = this.db
      .prepare('SELECT COUNT(*) AS n, COALESCE(SUM(answered),0) AS a FROM questions')
      .get() as { n: number; a: number };
    const votes = this.db.prepare('SELECT vote, COUNT(*) AS n FROM feedback GROUP BY vote').all() as { vote: string; n: number }[];
    const modes = this.db.prepare('SELECT mode, COUNT(*) AS n FROM questions GROUP BY mode').all() as { mode: string; n: number }[];
    const unanswered = this.db
      .prepare(
        `SELECT question, COUNT(*) AS count FROM questions WHERE answered = 0
         GROUP BY lower(trim(question)) ORDER BY count DESC, MAX(asked_at) DESC LIMIT ?`,
      )
      .all(topN) as { question: string; count: number }[];
    return {
      questions: q.n,
      answered: q.a,
      answeredRate: q.n ? Math.round((q.a / q.n) * 1000) / 1000 : 0,
      feedback: {
        up: votes.find((v) => v.vote === 'up')?.n ?? 0,
        down: votes.find((v) => v.vote === 'down')?.n ?? 0,
      },
      byMode: Object.fromEntries(modes.map((m) => [m.mode, m.n])),
      topUnanswered: unanswered,
    };
  }
}

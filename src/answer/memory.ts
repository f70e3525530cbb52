/**
 * Per-conversation memory for follow-up questions. Threads are short-lived, so memory is bounded
 * three ways: turns per conversation, age of a turn, and number of conversations (least recently
 * used dropped first). Kept in process: a restart forgetting a thread's context is acceptable.
 */

export interface Turn {
  question: string;
  /** The query actually used for retrieval (the question, or its standalone rewrite). */
  query: string;
  answer: string;
  answered: boolean;
  at: number;
}

/**
 * Where follow-up context lives: this process's memory (one process), or the shared database
 * (replicas, shared-memory.ts), so a follow-up answered by another replica still has its thread.
 */
export interface ConversationStore {
  history(conversationId: string): Turn[] | Promise<Turn[]>;
  add(conversationId: string, turn: Omit<Turn, 'at'> & { at?: number }): void | Promise<void>;
}

export interface ConversationMemoryOptions {
  maxTurns?: number;
  maxAgeMs?: number;
  maxConversations?: number;
  now?: () => number;
}

export class ConversationMemory implements ConversationStore {
  private readonly conversations = new Map<string, Turn[]>();
  private readonly maxTurns: number;
  private readonly maxAgeMs: number;
  private readonly maxConversations: number;
  private readonly now: () => number;

  constructor(options: ConversationMemoryOptions = {}) {
    this.maxTurns = options.maxTurns ?? 6;
    this.maxAgeMs = options.maxAgeMs ?? 30 * 60_000;
    this.maxConversations = options.maxConversations ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Live turns of a conversation, oldest first. */
  history(conversationId: string): Turn[] {
    const turns = this.conversations.get(conversationId);
    if (!turns) return [];
    const fresh = turns.filter((t) => this.now() - t.at <= this.maxAgeMs);
    if (!fresh.length) {
      this.conversations.delete(conversationId);
      return [];
    }
    if (fresh.length !== turns.length) this.conversations.set(conversationId, fresh);
    return [...fresh];
  }

  add(conversationId: string, turn: Omit<Turn, 'at'> & { at?: number }): void {
    const turns = this.history(conversationId);
    turns.push({ ...turn, at: turn.at ?? this.now() });
    // Re-insert so Map order doubles as recency order.
    this.conversations.delete(conversationId);
    this.conversations.set(conversationId, turns.slice(-this.maxTurns));
    while (this.conversations.size > this.maxConversations) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.conversations.delete(oldest);
    }
  }

  clear(conversationId: string): void {
    this.conversations.delete(conversationId);
  }

  get size(): number {
    return this.conversations.size;
  }
}

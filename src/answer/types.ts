import type { Citation } from '../retrieval/types.js';

export interface AskResult {
  answered: boolean;
  answer: string;
  citations: Citation[];
  mode: 'llm' | 'extractive';
  /** Best retrieval score behind the answer (0 when nothing relevant). */
  topScore: number;
  /** Set when LLM mode failed and the extractive answer stands in (said to the user). */
  fallbackReason?: string;
}

export interface AskOptions {
  /** LLM mode: told the answer text so far while the model writes it (for streaming it to the chat). */
  onPartial?: (textSoFar: string) => void;
}

/** The answering port the bot core uses; conversation memory lives behind it. */
export interface Answerer {
  ask(question: string, conversationId?: string, options?: AskOptions): Promise<AskResult>;
}

/**
 * The platform-neutral contract between the bot core and the platform adapters.
 * Adapters translate platform events into these shapes and render `Reply` back;
 * nothing in here knows about Slack or Feishu.
 */
import type { Citation } from '../retrieval/types.js';

export type Platform = 'slack' | 'feishu' | 'console';

/** Who and where a message, command or action came from. */
export interface Origin {
  platform: Platform;
  userId: string;
  channelId: string;
  /** Thread (or DM) the exchange belongs to: the key for conversation memory. */
  conversationId: string;
  /** Display name when the platform gives one (never logged). */
  userName?: string;
}

export interface IncomingFile {
  name: string;
  mimeType?: string;
  size: number;
  data: Uint8Array;
}

export interface IncomingMessage extends Origin {
  text: string;
  files?: IncomingFile[];
  /**
   * Platform event id (Slack `event_id`, Feishu `event_id` / `message_id`). When present the core
   * refuses to answer the same id twice, also across restarts.
   */
  eventIds?: string[];
  /** Where a long answer may appear while it is written (LLM mode); the returned reply is final. */
  stream?: AnswerStream;
}

/**
 * An adapter's live view of an answer being written: `update` gets the whole text so far each
 * time (never a delta) and must return at once; the adapter batches and paces its API calls.
 */
export interface AnswerStream {
  update(textSoFar: string): void;
}

export interface IncomingCommand extends Origin {
  /** Command name without the slash: `ask`, `help`, `precheck`, … */
  name: string;
  /** Everything after the command name. */
  args: string;
  files?: IncomingFile[];
  eventIds?: string[];
}

/** A compact, renderer-friendly block list. `text` uses a small markdown subset: **bold**, `code`, lines starting with `- `. */
export type ReplyBlock =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'citations'; items: Citation[] }
  | { type: 'context'; text: string }
  | { type: 'divider' };

/**
 * A button. `id` names the handler (`feedback`, `share`, `credit.approve`, …) and `value` is
 * that handler's opaque payload; adapters pass both back untouched in `IncomingAction`.
 */
export interface ReplyAction {
  id: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
  /** When set, the platform should ask for a text reason before submitting (e.g. reject). */
  requiresReason?: boolean;
}

export interface FormField {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'number' | 'select' | 'boolean';
  required?: boolean;
  options?: { value: string; label: string }[];
  placeholder?: string;
  initial?: string;
}

/** A form the platform should open (Slack modal, Feishu card form, CLI JSON file). */
export interface FormSpec {
  /** Names the submit handler, e.g. `credit.apply`. */
  id: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
}

export interface Reply {
  blocks: ReplyBlock[];
  actions?: ReplyAction[];
  /** When set, the adapter opens this form instead of (or in addition to) posting blocks. */
  form?: FormSpec;
  /** Plain-text summary for notifications and platforms that cannot render blocks. */
  fallbackText: string;
  /** Hint: slash-command answers default to ephemeral; `in_channel` asks for a visible post. */
  visibility?: 'ephemeral' | 'in_channel';
  /**
   * Only the asker may see this reply, wherever it was asked: in a shared channel the adapter
   * sends it privately (Slack ephemeral, Feishu direct message) instead of into the thread.
   */
  private?: boolean;
  /**
   * Called by the adapter once it has handed this reply to the platform. A workflow that also
   * queued the same news in its outbox (in case this process dies before the reply goes out)
   * settles that copy here, so the user is told once.
   */
  onDelivered?: () => Promise<void>;
}

export interface IncomingAction extends Origin {
  actionId: string;
  value: string;
  /** Text typed with the action (e.g. reject reason). */
  reason?: string;
  eventIds?: string[];
}

export interface ActionResult {
  /** Short confirmation shown to the clicker only (Slack ephemeral / Feishu toast). */
  toast?: string;
  toastKind?: 'info' | 'success' | 'error' | 'warning';
  /** Replaces the message that carried the button. */
  replaceOriginal?: Reply;
  /** Posted visibly in the channel / conversation where the button was pressed. */
  postInChannel?: Reply;
}

export interface IncomingFormSubmission extends Origin {
  formId: string;
  values: Record<string, string>;
}

export type FormResult =
  | { ok: true; reply: Reply }
  | { ok: false; errors: { field: string; message: string }[] };

/** Where an unsolicited post goes (scheduler, approvals, notifications). */
export interface PostTarget {
  platform: Platform;
  channelId: string;
  threadId?: string;
}

/**
 * Outbound port each adapter implements, so domain workflows (scheduler, credit approvals)
 * can post without knowing the platform.
 */
export interface ChatPort {
  readonly platform: Platform;
  /** Posts to a channel/chat; returns the platform message id. */
  post(target: PostTarget, reply: Reply): Promise<string>;
  /** Direct message to a user. */
  notifyUser(userId: string, reply: Reply): Promise<void>;
}

/** A command in the core registry: added once, shown on every platform. */
export interface CommandContext {
  origin: Origin;
  files?: IncomingFile[];
  /** Set when the platform can show the answer while it is written. */
  stream?: AnswerStream;
}

export interface CommandDefinition {
  name: string;
  /** One line for `help`. */
  summary: string;
  usage: string;
  /** Commands with admin-only subcommands check inside the handler. */
  handle(args: string, ctx: CommandContext): Promise<Reply>;
}

export interface ActionDefinition {
  id: string;
  handle(action: IncomingAction): Promise<ActionResult>;
}

export interface FormDefinition {
  id: string;
  handle(submission: IncomingFormSubmission): Promise<FormResult>;
}

/** One answered (or unanswered) question, as the core reports it for statistics. */
export interface QuestionRecord {
  platform: Platform;
  userId: string;
  conversationId: string;
  question: string;
  answered: boolean;
  topScore: number;
  latencyMs: number;
  mode: 'llm' | 'extractive';
}

/** Where the core records questions and 👍/👎 votes (the analytics feature implements it). */
export interface QuestionLog {
  recordQuestion(record: QuestionRecord): Promise<string>;
  /** One vote per user per answer; returns false for an unknown answer. */
  recordFeedback(questionId: string, platform: string, userId: string, vote: 'up' | 'down'): Promise<boolean>;
}

/**
 * A feature plugs into the core in one piece: its chat commands, buttons and forms (shown on
 * every platform), and its lifecycle. The app is a list of features; `close()` stops each.
 */
export interface Feature {
  readonly name: string;
  readonly commands?: readonly CommandDefinition[];
  readonly actions?: readonly ActionDefinition[];
  readonly forms?: readonly FormDefinition[];
  /** Starts background work (the scheduler) once the chat platforms are up. */
  start?(): Promise<void> | void;
  /** Stops background work before the database closes. */
  stop?(): Promise<void> | void;
  /** Re-reads what depends on the knowledge files, after `/kb reload`. */
  reload?(): Promise<void> | void;
  /** Takes some senders' bare files (an admin's file goes to the knowledge-base preview); null leaves them to the pre-check. */
  readonly claimFile?: FileClaim;
}

/** Which command a bare file (no text) should run for this sender, or null. */
export type FileClaim = (origin: Origin, files: IncomingFile[]) => { command: string; args: string } | null;

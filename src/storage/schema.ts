import type { Generated } from 'kysely';

/** The database engines the storage layer speaks. */
export type Engine = 'sqlite' | 'postgres';

/**
 * The one schema both engines hold (see migrations.ts). Times the application compares are ISO
 * strings (lexical order is time order in both engines) or epoch milliseconds (`bigint`, read
 * back as numbers); JSON documents are text, so nothing depends on one engine's JSON type.
 */
export interface SeenEventsTable {
  id: string;
  seen_at: number;
  /** Null: answered for good; a time (ms): claimed until then. */
  lease_until: number | null;
}

export interface QuestionsTable {
  id: string;
  asked_at: string;
  platform: string;
  user_hash: string;
  conversation: string;
  question: string;
  answered: number;
  top_score: number;
  latency_ms: number;
  mode: string;
}

export interface FeedbackTable {
  question_id: string;
  user_hash: string;
  vote: 'up' | 'down';
  at: string;
}

export interface SharedRepliesTable {
  id: string;
  reply_json: string;
  created_at: number;
}

export interface CreditApplicationsTable {
  id: string;
  created_at: string;
  updated_at: string;
  applicant_platform: string;
  applicant_user_id: string;
  applicant_channel_id: string;
  applicant_conversation_id: string;
  customer_name: string;
  uscc: string;
  application_json: string;
  assessment_json: string;
  route_json: string;
  step: number;
  status: 'pending' | 'approved' | 'rejected';
}

export interface CreditDecisionsTable {
  application_id: string;
  step: number;
  role: string;
  decision: 'approve' | 'reject';
  by_platform: string;
  by_user_id: string;
  decided_at: string;
  reason: string | null;
}

export interface CreditLinesTable {
  uscc: string;
  customer_name: string;
  name_key: string;
  application_id: string;
  credit_limit: number;
  term_days: number;
  approved_at: string;
  valid_until: string;
}

export interface CreditSubmissionsTable {
  idempotency_key: string;
  application_id: string;
  submitted_at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  ref: string;
  message_json: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
}

export interface ScheduleRunsTable {
  schedule_id: string;
  fire_time: string;
  status: 'posting' | 'retry' | 'posted' | 'failed' | 'skipped';
  attempts: number;
  error: string | null;
  message_id: string | null;
  case_ids: string | null;
  /** For `retry`: when the next attempt is due; for `posting`: when its lease runs out. */
  next_attempt_at: string | null;
  /** When the post call went out: an attempt interrupted after this may already be in the channel. */
  sent_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ScheduleFirstSeenTable {
  schedule_id: string;
  fingerprint: string;
  first_seen: string;
}

export interface ScheduleRotationTable {
  rotation_key: string;
  case_id: string;
  shown_seq: number;
  posted_at: string;
}

export interface ScheduleRemindersTable {
  id: Generated<number>;
  platform: string;
  channel_id: string;
  cron: string;
  timezone: string;
  text: string;
  created_by: string;
  created_at: string;
}

export interface PrecheckAuditTable {
  id: Generated<number>;
  created_at: string;
  user_hash: string;
  platform: string;
  source: string;
  file_hash: string;
  characters: number;
  verdict: string;
  rule_ids: string;
  finding_count: number;
  contract_text: string | null;
}

/** One turn of a conversation, for follow-up questions answered by any replica (kept minutes). */
export interface ConversationTurnsTable {
  id: Generated<number>;
  conversation_id: string;
  at: number;
  question: string;
  query: string;
  answer: string;
  answered: number;
}

/** One row: the knowledge version every replica follows (bumped by `/kb reload`). */
export interface KnowledgeVersionTable {
  id: number;
  version: number;
  updated_at: string;
}

export interface Schema {
  seen_events: SeenEventsTable;
  questions: QuestionsTable;
  feedback: FeedbackTable;
  shared_replies: SharedRepliesTable;
  credit_applications: CreditApplicationsTable;
  credit_decisions: CreditDecisionsTable;
  credit_lines: CreditLinesTable;
  credit_submissions: CreditSubmissionsTable;
  outbox: OutboxTable;
  schedule_runs: ScheduleRunsTable;
  schedule_first_seen: ScheduleFirstSeenTable;
  schedule_rotation: ScheduleRotationTable;
  schedule_reminders: ScheduleRemindersTable;
  precheck_audit: PrecheckAuditTable;
  knowledge_version: KnowledgeVersionTable;
  conversation_turns: ConversationTurnsTable;
  kb_documents: KbDocumentsTable;
  kb_document_versions: KbDocumentVersionsTable;
  kb_audit: KbAuditTable;
  kb_pending: KbPendingTable;
}

/** Documents added at run time (see documents/store.ts); removed ones keep their row and versions. */
export interface KbDocumentsTable {
  doc_id: string;
  source: 'upload' | 'feishu';
  source_ref: string | null;
  title: string;
  file_name: string;
  current_version: number;
  removed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface KbDocumentVersionsTable {
  doc_id: string;
  version: number;
  title: string;
  file_name: string;
  file_hash: string;
  bytes: number;
  content: Uint8Array;
  added_by: string;
  added_at: string;
}

export interface KbAuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: 'add' | 'replace' | 'remove';
  doc_id: string;
  version: number | null;
  file_hash: string | null;
}

export interface KbPendingTable {
  id: string;
  actor: string;
  file_name: string;
  content: Uint8Array;
  created_at: number;
}

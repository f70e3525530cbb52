import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { knowledgeAdmin } from './migrations-kb.js';
import type { Engine } from './schema.js';

/**
 * The schema of every store, for both engines, as Kysely migrations (run on start by
 * `openStorage`). Never edit a released migration: append one.
 *
 * `001_baseline` is the schema the SQLite stores created for themselves before this layer, with
 * IF NOT EXISTS everywhere, so an existing `assistant.db` adopts it without a copy step.
 */

/** The few types that differ: an auto-numbered key, and epoch-ms integers that outgrow int4. */
function types(engine: Engine) {
  return {
    serialKey: engine === 'postgres' ? ('serial' as const) : ('integer' as const),
    millis: 'bigint' as const,
    real: 'double precision' as const,
  };
}

async function addColumnIfMissing(db: Kysely<any>, table: string, column: string, type: 'text' | 'bigint'): Promise<void> {
  const tables = await db.introspection.getTables();
  const found = tables.find((t) => t.name === table);
  if (found?.columns.some((c) => c.name === column)) return;
  await db.schema.alterTable(table).addColumn(column, type).execute();
}

function baseline(engine: Engine): Migration {
  const t = types(engine);
  return {
    async up(db) {
      await db.schema
        .createTable('seen_events')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seen_at', t.millis, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('seen_events_at').ifNotExists().on('seen_events').column('seen_at').execute();

      await db.schema
        .createTable('questions')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('asked_at', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('conversation', 'text', (c) => c.notNull())
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('answered', 'integer', (c) => c.notNull())
        .addColumn('top_score', t.real, (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('feedback')
        .ifNotExists()
        .addColumn('question_id', 'text', (c) => c.notNull().references('questions.id'))
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('vote', 'text', (c) => c.notNull().check(sql`vote IN ('up','down')`))
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('feedback_pk', ['question_id', 'user_hash'])
        .execute();
      await db.schema
        .createTable('shared_replies')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reply_json', 'text', (c) => c.notNull())
        .addColumn('created_at', t.millis, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('credit_applications')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('applicant_platform', 'text', (c) => c.notNull())
        .addColumn('applicant_user_id', 'text', (c) => c.notNull())
        .addColumn('applicant_channel_id', 'text', (c) => c.notNull())
        .addColumn('applicant_conversation_id', 'text', (c) => c.notNull())
        .addColumn('customer_name', 'text', (c) => c.notNull())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('application_json', 'text', (c) => c.notNull())
        .addColumn('assessment_json', 'text', (c) => c.notNull())
        .addColumn('route_json', 'text', (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('pending','approved','rejected')`))
        .execute();
      await db.schema
        .createIndex('credit_applications_applicant')
        .ifNotExists()
        .on('credit_applications')
        .columns(['applicant_platform', 'applicant_user_id'])
        .execute();
      await db.schema.createIndex('credit_applications_status').ifNotExists().on('credit_applications').column('status').execute();
      await db.schema
        .createTable('credit_decisions')
        .ifNotExists()
        .addColumn('application_id', 'text', (c) => c.notNull().references('credit_applications.id'))
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision IN ('approve','reject')`))
        .addColumn('by_platform', 'text', (c) => c.notNull())
        .addColumn('by_user_id', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addPrimaryKeyConstraint('credit_decisions_pk', ['application_id', 'step'])
        .execute();
      await db.schema
        .createTable('credit_lines')
        .ifNotExists()
        .addColumn('uscc', 'text', (c) => c.primaryKey())
        .addColumn('customer_name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('application_id', 'text', (c) => c.notNull().references('credit_applications.id'))
        .addColumn('credit_limit', t.real, (c) => c.notNull())
        .addColumn('term_days', 'integer', (c) => c.notNull())
        .addColumn('approved_at', 'text', (c) => c.notNull())
        .addColumn('valid_until', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('credit_lines_name').ifNotExists().on('credit_lines').column('name_key').execute();

      await db.schema
        .createTable('schedule_runs')
        .ifNotExists()
        .addColumn('schedule_id', 'text', (c) => c.notNull())
        .addColumn('fire_time', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('posting','retry','posted','failed','skipped')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('message_id', 'text')
        .addColumn('case_ids', 'text')
        .addColumn('next_attempt_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('schedule_runs_fire', ['schedule_id', 'fire_time'])
        .execute();
      await db.schema
        .createIndex('schedule_runs_retry')
        .ifNotExists()
        .on('schedule_runs')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createTable('schedule_first_seen')
        .ifNotExists()
        .addColumn('schedule_id', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('schedule_rotation')
        .ifNotExists()
        .addColumn('rotation_key', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('shown_seq', 'integer', (c) => c.notNull())
        .addColumn('posted_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('schedule_rotation_pk', ['rotation_key', 'case_id'])
        .execute();
      await db.schema
        .createTable('schedule_reminders')
        .ifNotExists()
        .addColumn('id', t.serialKey, (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('precheck_audit')
        .ifNotExists()
        .addColumn('id', t.serialKey, (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('user_hash', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('file_hash', 'text', (c) => c.notNull())
        .addColumn('characters', 'integer', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('rule_ids', 'text', (c) => c.notNull())
        .addColumn('finding_count', 'integer', (c) => c.notNull())
        .addColumn('contract_text', 'text')
        .execute();
      await db.schema.createIndex('precheck_audit_created').ifNotExists().on('precheck_audit').column('created_at').execute();
      await db.schema.createIndex('precheck_audit_user').ifNotExists().on('precheck_audit').column('user_hash').execute();
    },
  };
}

/**
 * What several replicas need: leases on dedupe claims and scheduled runs, idempotency keys for
 * credit submissions, the outbox of messages a decision owes, and the shared knowledge version.
 */
function replicas(engine: Engine): Migration {
  const t = types(engine);
  return {
    async up(db) {
      await addColumnIfMissing(db, 'seen_events', 'lease_until', 'bigint');
      await addColumnIfMissing(db, 'schedule_runs', 'sent_at', 'text');
      await db.schema
        .createTable('credit_submissions')
        .ifNotExists()
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull())
        .addColumn('submitted_at', t.millis, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('outbox')
        .ifNotExists()
        .addColumn('id', t.serialKey, (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('message_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('pending','sent','failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', t.millis, (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', t.millis, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_due').ifNotExists().on('outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema
        .createTable('knowledge_version')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/** Conversation memory shared by replicas (only used with PostgreSQL; harmless in SQLite). */
function conversations(engine: Engine): Migration {
  const t = types(engine);
  return {
    async up(db) {
      await db.schema
        .createTable('conversation_turns')
        .ifNotExists()
        .addColumn('id', t.serialKey, (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('at', t.millis, (c) => c.notNull())
        .addColumn('question', 'text', (c) => c.notNull())
        .addColumn('query', 'text', (c) => c.notNull())
        .addColumn('answer', 'text', (c) => c.notNull())
        .addColumn('answered', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('conversation_turns_conv').ifNotExists().on('conversation_turns').columns(['conversation_id', 'at']).execute();
      await db.schema.createIndex('conversation_turns_at').ifNotExists().on('conversation_turns').column('at').execute();
    },
  };
}

export function migrationProvider(engine: Engine): MigrationProvider {
  return {
    async getMigrations() {
      return {
        '001_baseline': baseline(engine),
        '002_replicas': replicas(engine),
        '003_conversations': conversations(engine),
        '004_knowledge_admin': knowledgeAdmin(engine),
      };
    },
  };
}

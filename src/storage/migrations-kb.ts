import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from './schema.js';

/**
 * The knowledge-admin tables (documents with versions and audit, uploads awaiting Confirm) and
 * the indexes the /admin dashboard relies on. With IF NOT EXISTS throughout, an `assistant.db`
 * whose document store created these tables itself adopts them unchanged.
 */
export function knowledgeAdmin(engine: Engine): Migration {
  const blob = engine === 'postgres' ? ('bytea' as const) : ('blob' as const);
  return {
    async up(db) {
      await db.schema
        .createTable('kb_documents')
        .ifNotExists()
        .addColumn('doc_id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source IN ('upload','feishu')`))
        .addColumn('source_ref', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('current_version', 'integer', (c) => c.notNull())
        .addColumn('removed_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS kb_documents_source_ref ON kb_documents (source, source_ref) WHERE source_ref IS NOT NULL`.execute(db);
      await db.schema
        .createTable('kb_document_versions')
        .ifNotExists()
        .addColumn('doc_id', 'text', (c) => c.notNull().references('kb_documents.doc_id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_hash', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('content', blob, (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('kb_document_versions_pk', ['doc_id', 'version'])
        .execute();
      await db.schema
        .createTable('kb_audit')
        .ifNotExists()
        .addColumn('id', engine === 'postgres' ? 'serial' : 'integer', (c) => (engine === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull().check(sql`action IN ('add','replace','remove')`))
        .addColumn('doc_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer')
        .addColumn('file_hash', 'text')
        .execute();
      await db.schema
        .createTable('kb_pending')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('content', blob, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await createDashboardIndexes(db);
    },
  };
}

/**
 * The /admin dashboard's indexes, chosen by measurement at 100,000 questions (npm run bench):
 * per-day counts and totals use the expression index on the day, the unanswered grouping the
 * partial index carrying the question text (a plain (answered, asked_at) index made it slower).
 */
const DASHBOARD_INDEXES = [
  ['questions_day', sql`CREATE INDEX IF NOT EXISTS questions_day ON questions (substr(asked_at, 1, 10), answered)`],
  ['questions_open', sql`CREATE INDEX IF NOT EXISTS questions_open ON questions (asked_at, question) WHERE answered = 0`],
  ['feedback_at', sql`CREATE INDEX IF NOT EXISTS feedback_at ON feedback (at, vote)`],
  ['credit_applications_status', sql`CREATE INDEX IF NOT EXISTS credit_applications_status ON credit_applications (status)`],
  ['schedule_runs_posted', sql`CREATE INDEX IF NOT EXISTS schedule_runs_posted ON schedule_runs (schedule_id, status, fire_time)`],
] as const;

export async function createDashboardIndexes(db: Kysely<any>): Promise<void> {
  for (const [, statement] of DASHBOARD_INDEXES) await statement.execute(db);
}

/** Only for `npm run bench`, which measures the queries without them. */
export async function dropDashboardIndexes(db: Kysely<any>): Promise<void> {
  for (const [name] of DASHBOARD_INDEXES) await db.schema.dropIndex(name).ifExists().execute();
}

import type { Platform } from '../core/types.js';
import { applyMigrations, type Db } from '../storage/db.js';
import type { CreditApplication } from './application.js';
import type { ApprovedCreditLine } from './lookup.js';
import type { Role } from './policy.js';
import type { CreditAssessment } from './score.js';

/**
 * Applications, their decisions and the approved lines. Figures live here (the approvers need
 * them) and never in logs. One approved line per customer (USCC): a newer approval replaces it.
 */

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';
export type DecisionKind = 'approve' | 'reject';

export interface Person {
  platform: Platform;
  userId: string;
}

export interface Applicant extends Person {
  channelId: string;
  conversationId: string;
}

export interface Decision {
  step: number;
  role: Role;
  decision: DecisionKind;
  by: Person;
  /** ISO timestamp. */
  at: string;
  reason: string | null;
}

export interface StoredApplication {
  id: string;
  createdAt: string;
  updatedAt: string;
  applicant: Applicant;
  application: CreditApplication;
  assessment: CreditAssessment;
  route: Role[];
  /** Index into `route` of the step awaiting a decision (equals route.length once approved). */
  step: number;
  status: ApplicationStatus;
  decisions: Decision[];
}

interface ApplicationRow {
  id: string;
  created_at: string;
  updated_at: string;
  applicant_platform: Platform;
  applicant_user_id: string;
  applicant_channel_id: string;
  applicant_conversation_id: string;
  application_json: string;
  assessment_json: string;
  route_json: string;
  step: number;
  status: ApplicationStatus;
}

interface DecisionRow {
  step: number;
  role: Role;
  decision: DecisionKind;
  by_platform: Platform;
  by_user_id: string;
  decided_at: string;
  reason: string | null;
}

interface LineRow {
  customer_name: string;
  uscc: string;
  credit_limit: number;
  term_days: number;
  valid_until: string;
}

const MIGRATIONS = [
  `CREATE TABLE credit_applications (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     applicant_platform TEXT NOT NULL,
     applicant_user_id TEXT NOT NULL,
     applicant_channel_id TEXT NOT NULL,
     applicant_conversation_id TEXT NOT NULL,
     customer_name TEXT NOT NULL,
     uscc TEXT NOT NULL,
     application_json TEXT NOT NULL,
     assessment_json TEXT NOT NULL,
     route_json TEXT NOT NULL,
     step INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected'))
   );
   CREATE INDEX credit_applications_applicant ON credit_applications (applicant_platform, applicant_user_id);
   CREATE INDEX credit_applications_status ON credit_applications (status);
   CREATE TABLE credit_decisions (
     application_id TEXT NOT NULL REFERENCES credit_applications(id),
     step INTEGER NOT NULL,
     role TEXT NOT NULL,
     decision TEXT NOT NULL CHECK (decision IN ('approve','reject')),
     by_platform TEXT NOT NULL,
     by_user_id TEXT NOT NULL,
     decided_at TEXT NOT NULL,
     reason TEXT,
     PRIMARY KEY (application_id, step)
   );
   CREATE TABLE credit_lines (
     uscc TEXT PRIMARY KEY,
     customer_name TEXT NOT NULL,
     name_key TEXT NOT NULL,
     application_id TEXT NOT NULL REFERENCES credit_applications(id),
     credit_limit REAL NOT NULL,
     term_days INTEGER NOT NULL,
     approved_at TEXT NOT NULL,
     valid_until TEXT NOT NULL
   );
   CREATE INDEX credit_lines_name ON credit_lines (name_key);`,
];

/**
 * "Exact name" still forgives what a form cannot show: surrounding spaces and the full-width
 * versus half-width brackets that Chinese company names are written with interchangeably.
 */
export function customerNameKey(name: string): string {
  return name.trim().replace(/（/g, '(').replace(/）/g, ')').replace(/\s+/g, ' ');
}

export class CreditStore {
  constructor(private readonly db: Db) {
    applyMigrations(db, 'credit', MIGRATIONS);
  }

  insert(app: Omit<StoredApplication, 'decisions'>): void {
    this.db
      .prepare(
        `INSERT INTO credit_applications (id, created_at, updated_at, applicant_platform, applicant_user_id,
           applicant_channel_id, applicant_conversation_id, customer_name, uscc, application_json,
           assessment_json, route_json, step, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        app.id,
        app.createdAt,
        app.updatedAt,
        app.applicant.platform,
        app.applicant.userId,
        app.applicant.channelId,
        app.applicant.conversationId,
        app.application.customerName,
        app.application.uscc,
        JSON.stringify(app.application),
        JSON.stringify(app.assessment),
        JSON.stringify(app.route),
        app.step,
        app.status,
      );
  }

  get(id: string): StoredApplication | null {
    const row = this.db.prepare('SELECT * FROM credit_applications WHERE id = ?').get(id) as ApplicationRow | undefined;
    return row ? this.hydrate(row) : null;
  }

  /** The applicant's own applications, most recent first. */
  listByApplicant(applicant: Person, limit: number): StoredApplication[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM credit_applications WHERE applicant_platform = ? AND applicant_user_id = ?
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(applicant.platform, applicant.userId, limit) as ApplicationRow[];
    return rows.map((r) => this.hydrate(r));
  }

  /** Pending applications, oldest first (the ones waiting longest come first). */
  listPending(limit: number): StoredApplication[] {
    const rows = this.db
      .prepare(`SELECT * FROM credit_applications WHERE status = 'pending' ORDER BY created_at, id LIMIT ?`)
      .all(limit) as ApplicationRow[];
    return rows.map((r) => this.hydrate(r));
  }

  /**
   * Records a decision only if the application still waits on `decision.step`, so two
   * simultaneous presses cannot both count. Returns false when someone was first.
   */
  recordDecision(
    id: string,
    decision: Decision,
    next: { step: number; status: ApplicationStatus },
    line?: ApprovedCreditLine & { approvedAt: string },
  ): boolean {
    return this.db.transaction(() => {
      const moved = this.db
        .prepare(
          `UPDATE credit_applications SET step = ?, status = ?, updated_at = ?
           WHERE id = ? AND step = ? AND status = 'pending'`,
        )
        .run(next.step, next.status, decision.at, id, decision.step);
      if (moved.changes !== 1) return false;
      this.db
        .prepare(
          `INSERT INTO credit_decisions (application_id, step, role, decision, by_platform, by_user_id, decided_at, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, decision.step, decision.role, decision.decision, decision.by.platform, decision.by.userId, decision.at, decision.reason);
      if (line) {
        this.db
          .prepare(
            `INSERT INTO credit_lines (uscc, customer_name, name_key, application_id, credit_limit, term_days, approved_at, valid_until)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (uscc) DO UPDATE SET customer_name = excluded.customer_name, name_key = excluded.name_key,
               application_id = excluded.application_id, credit_limit = excluded.credit_limit,
               term_days = excluded.term_days, approved_at = excluded.approved_at, valid_until = excluded.valid_until`,
          )
          .run(line.uscc, line.customerName, customerNameKey(line.customerName), id, line.limit, line.termDays, line.approvedAt, line.validUntil);
      }
      return true;
    })();
  }

  /** The line for a USCC, else for an exact customer name, still valid on `onDate` (YYYY-MM-DD). */
  findLine(query: { uscc?: string; customerName?: string }, onDate: string): ApprovedCreditLine | null {
    const pick = (where: string, value: string) =>
      this.db
        .prepare(
          `SELECT customer_name, uscc, credit_limit, term_days, valid_until FROM credit_lines
           WHERE ${where} = ? AND valid_until >= ? ORDER BY approved_at DESC LIMIT 1`,
        )
        .get(value, onDate) as LineRow | undefined;
    const row =
      (query.uscc ? pick('uscc', query.uscc) : undefined) ??
      (query.customerName?.trim() ? pick('name_key', customerNameKey(query.customerName)) : undefined);
    if (!row) return null;
    return {
      customerName: row.customer_name,
      uscc: row.uscc,
      limit: row.credit_limit,
      termDays: row.term_days,
      validUntil: row.valid_until,
    };
  }

  private hydrate(row: ApplicationRow): StoredApplication {
    const decisions = (
      this.db
        .prepare('SELECT * FROM credit_decisions WHERE application_id = ? ORDER BY step')
        .all(row.id) as DecisionRow[]
    ).map(
      (d): Decision => ({
        step: d.step,
        role: d.role,
        decision: d.decision,
        by: { platform: d.by_platform, userId: d.by_user_id },
        at: d.decided_at,
        reason: d.reason,
      }),
    );
    return {
      id: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      applicant: {
        platform: row.applicant_platform,
        userId: row.applicant_user_id,
        channelId: row.applicant_channel_id,
        conversationId: row.applicant_conversation_id,
      },
      application: JSON.parse(row.application_json) as CreditApplication,
      assessment: JSON.parse(row.assessment_json) as CreditAssessment,
      route: JSON.parse(row.route_json) as Role[],
      step: row.step,
      status: row.status,
      decisions,
    };
  }
}

import type { Platform } from '../core/types.js';
import type { Selectable } from 'kysely';
import type { Db, Executor } from '../storage/database.js';
import type { CreditApplicationsTable } from '../storage/schema.js';
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

/**
 * "Exact name" still forgives what a form cannot show: surrounding spaces and the full-width
 * versus half-width brackets that Chinese company names are written with interchangeably.
 */
export function customerNameKey(name: string): string {
  return name.trim().replace(/（/g, '(').replace(/）/g, ')').replace(/\s+/g, ' ');
}

type ApplicationRow = Selectable<CreditApplicationsTable>;

/** The decision was not recorded: someone else decided this step first. */
class StepTaken extends Error {}

export class CreditStore {
  constructor(private readonly db: Db) {}

  async insert(app: Omit<StoredApplication, 'decisions'>, trx: Executor = this.db): Promise<void> {
    await trx
      .insertInto('credit_applications')
      .values({
        id: app.id,
        created_at: app.createdAt,
        updated_at: app.updatedAt,
        applicant_platform: app.applicant.platform,
        applicant_user_id: app.applicant.userId,
        applicant_channel_id: app.applicant.channelId,
        applicant_conversation_id: app.applicant.conversationId,
        customer_name: app.application.customerName,
        uscc: app.application.uscc,
        application_json: JSON.stringify(app.application),
        assessment_json: JSON.stringify(app.assessment),
        route_json: JSON.stringify(app.route),
        step: app.step,
        status: app.status,
      })
      .execute();
  }

  /** The application first submitted under this idempotency key since `since` (ms), if any. */
  async findSubmission(key: string, since: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('credit_submissions')
      .select('application_id')
      .where('idempotency_key', '=', key)
      .where('submitted_at', '>=', since)
      .executeTakeFirst();
    return row?.application_id ?? null;
  }

  /**
   * Takes an idempotency key for a new application; false when a live one (newer than `since`)
   * holds it. A unique-key insert, so two replicas receiving the same submission create one.
   */
  async claimSubmission(key: string, applicationId: string, at: number, since: number, trx: Executor = this.db): Promise<boolean> {
    const rows = await trx
      .insertInto('credit_submissions')
      .values({ idempotency_key: key, application_id: applicationId, submitted_at: at })
      .onConflict((oc) =>
        oc
          .column('idempotency_key')
          .doUpdateSet((eb) => ({ application_id: eb.ref('excluded.application_id'), submitted_at: eb.ref('excluded.submitted_at') }))
          .where('credit_submissions.submitted_at', '<', since),
      )
      .returning('idempotency_key')
      .execute();
    return rows.length === 1;
  }

  /**
   * A new application in one transaction: its idempotency key, its row, and whatever `also`
   * writes (the outbox rows it owes). False, and nothing written, when a live submission holds
   * the key. On PostgreSQL a second transaction with the same key waits on the first's insert and
   * then sees it, so two replicas receiving the same submission still create one.
   */
  async insertOnce(
    app: Omit<StoredApplication, 'decisions'>,
    key: string,
    window: { at: number; since: number },
    also: (trx: Executor) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.claimSubmission(key, app.id, window.at, window.since, trx))) return false;
      await this.insert(app, trx);
      await also(trx);
      return true;
    });
  }

  async get(id: string): Promise<StoredApplication | null> {
    const row = await this.db.selectFrom('credit_applications').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.hydrate(row) : null;
  }

  /** The applicant's own applications, most recent first. */
  async listByApplicant(applicant: Person, limit: number): Promise<StoredApplication[]> {
    const rows = await this.db
      .selectFrom('credit_applications')
      .selectAll()
      .where('applicant_platform', '=', applicant.platform)
      .where('applicant_user_id', '=', applicant.userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return Promise.all(rows.map((r) => this.hydrate(r)));
  }

  /** Pending applications, oldest first (the ones waiting longest come first). */
  async listPending(limit: number): Promise<StoredApplication[]> {
    const rows = await this.db
      .selectFrom('credit_applications')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return Promise.all(rows.map((r) => this.hydrate(r)));
  }

  /**
   * Records a decision only if the application still waits on `decision.step`: a conditional
   * update, so of two approvers pressing at once (on one replica or two) exactly one moves the
   * step — the other's update matches no row — and the decision row's key (application, step)
   * backs that up. `also` runs in the same transaction (the outbox rows the decision owes).
   * Returns false when someone was first.
   */
  async recordDecision(
    id: string,
    decision: Decision,
    next: { step: number; status: ApplicationStatus },
    line?: ApprovedCreditLine & { approvedAt: string },
    also?: (trx: Executor) => Promise<void>,
  ): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (trx) => {
        const moved = await trx
          .updateTable('credit_applications')
          .set({ step: next.step, status: next.status, updated_at: decision.at })
          .where('id', '=', id)
          .where('step', '=', decision.step)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new StepTaken();
        await trx
          .insertInto('credit_decisions')
          .values({
            application_id: id,
            step: decision.step,
            role: decision.role,
            decision: decision.decision,
            by_platform: decision.by.platform,
            by_user_id: decision.by.userId,
            decided_at: decision.at,
            reason: decision.reason,
          })
          .execute();
        if (line) {
          await trx
            .insertInto('credit_lines')
            .values({
              uscc: line.uscc,
              customer_name: line.customerName,
              name_key: customerNameKey(line.customerName),
              application_id: id,
              credit_limit: line.limit,
              term_days: line.termDays,
              approved_at: line.approvedAt,
              valid_until: line.validUntil,
            })
            .onConflict((oc) =>
              oc.column('uscc').doUpdateSet((eb) => ({
                customer_name: eb.ref('excluded.customer_name'),
                name_key: eb.ref('excluded.name_key'),
                application_id: eb.ref('excluded.application_id'),
                credit_limit: eb.ref('excluded.credit_limit'),
                term_days: eb.ref('excluded.term_days'),
                approved_at: eb.ref('excluded.approved_at'),
                valid_until: eb.ref('excluded.valid_until'),
              })),
            )
            .execute();
        }
        if (also) await also(trx);
      });
      return true;
    } catch (err) {
      if (err instanceof StepTaken) return false;
      throw err;
    }
  }

  /** The line for a USCC, else for an exact customer name, still valid on `onDate` (YYYY-MM-DD). */
  async findLine(query: { uscc?: string; customerName?: string }, onDate: string): Promise<ApprovedCreditLine | null> {
    const pick = (column: 'uscc' | 'name_key', value: string) =>
      this.db
        .selectFrom('credit_lines')
        .select(['customer_name', 'uscc', 'credit_limit', 'term_days', 'valid_until'])
        .where(column, '=', value)
        .where('valid_until', '>=', onDate)
        .orderBy('approved_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    const row =
      (query.uscc ? await pick('uscc', query.uscc) : undefined) ??
      (query.customerName?.trim() ? await pick('name_key', customerNameKey(query.customerName)) : undefined);
    if (!row) return null;
    return {
      customerName: row.customer_name,
      uscc: row.uscc,
      limit: row.credit_limit,
      termDays: row.term_days,
      validUntil: row.valid_until,
    };
  }

  private async hydrate(row: ApplicationRow): Promise<StoredApplication> {
    const decisions = (
      await this.db.selectFrom('credit_decisions').selectAll().where('application_id', '=', row.id).orderBy('step').execute()
    ).map(
      (d): Decision => ({
        step: d.step,
        role: d.role as Role,
        decision: d.decision,
        by: { platform: d.by_platform as Platform, userId: d.by_user_id },
        at: d.decided_at,
        reason: d.reason,
      }),
    );
    return {
      id: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      applicant: {
        platform: row.applicant_platform as Platform,
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

import { createHash, randomBytes } from 'node:crypto';
import type { ActionResult, Origin, Platform, PostTarget, Reply } from '../core/types.js';
import { hasId } from '../core/ids.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Db, Engine } from '../storage/database.js';
import type { OutboxHealth } from '../storage/outbox.js';
import { CreditDelivery, type CreditDeliveryOptions, type CreditMessenger, type CreditOutboxMessage } from './delivery.js';
import type { CreditApplication } from './application.js';
import type { ApprovedCreditLine, CreditLineLookup } from './lookup.js';
import type { CreditPolicy, Role } from './policy.js';
import {
  renderApplicantUpdate,
  renderApprovalRequest,
  renderDecidedCard,
  renderSubmitted,
} from './render.js';
import { assessApplication } from './score.js';
import { CreditStore, type Decision, type DecisionKind, type Person, type StoredApplication } from './store.js';
import { normalizeUscc } from './uscc.js';
import { PLATFORMS, type CreditRoles } from './settings.js';

/**
 * Submit → score → store → approval card for each step of the route → decisions recorded →
 * applicant told at every step → approved line stored per customer. Platform-neutral: the
 * only way out is the injected messenger.
 * Every message a step owes is queued with the step in one transaction (see delivery.ts).
 */

export { messengerFromChatPorts, type CreditDeliveryOptions, type CreditMessenger, type CreditOutboxMessage } from './delivery.js';

export type { CreditRoles } from './settings.js';

export interface CreditWorkflowDeps {
  db: Db;
  policy: CreditPolicy;
  roles: CreditRoles;
  /** Where approval cards go, at most one per platform; empty → cards go to approvers by DM. */
  approvalChannels: readonly PostTarget[];
  messenger: CreditMessenger;
  now?: () => Date;
  newId?: () => string;
  logger?: Logger;
  /** Calendar used for "valid one year" and displayed times. */
  timeZone?: string;
  /** The database engine (the outbox locks rows differently on PostgreSQL); default sqlite. */
  engine?: Engine;
  delivery?: CreditDeliveryOptions;
}

export type SubmitOutcome = { application: StoredApplication; reply: Reply; warnings: string[] };

export { creditRolesFromConfig, parseApprovalChannels, type CreditRoleSettings } from './settings.js';

/** Calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function calendarDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Last day of a one-year validity starting on `date`: 2025-03-10 → 2026-03-09. */
export function oneYearValidUntil(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // Day 0 of the month after a leap day still lands on the last day of February.
  const end = new Date(Date.UTC(y + 1, m - 1, d - 1));
  return end.toISOString().slice(0, 10);
}

type Refusal = 'not_found' | 'outsider' | 'closed' | 'stale_step' | 'self_approval' | 'not_current_approver' | 'already_signed';

const REFUSAL_TOASTS: Record<Refusal, string> = {
  not_found: '找不到该申请 / application not found',
  outsider: '你无权处理该申请 / you may not act on this application',
  closed: '该申请已处理完毕 / this application is already closed',
  stale_step: '该审批步骤已处理 / this step has already been decided',
  self_approval: '不能审批自己提交的申请 / you cannot decide your own application',
  not_current_approver: '当前步骤不由你审批 / this step awaits another approver',
  already_signed: '你已审批过该申请的前一步骤，需由其他人审批 / you already signed an earlier step',
};

export class CreditWorkflow implements CreditLineLookup {
  readonly policy: CreditPolicy;
  readonly timeZone: string;
  private readonly store: CreditStore;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly log: Logger;
  private readonly delivery: CreditDelivery;

  constructor(private readonly deps: CreditWorkflowDeps) {
    this.policy = deps.policy;
    this.store = new CreditStore(deps.db);
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => `CR-${randomBytes(4).toString('hex').toUpperCase()}`);
    this.log = deps.logger ?? silentLogger;
    this.timeZone = deps.timeZone ?? 'Asia/Shanghai';
    const now = () => this.now().getTime();
    this.delivery = new CreditDelivery(deps.db, deps.engine ?? 'sqlite', deps.messenger, this.log, now, deps.delivery);
  }

  /** Delivers what earlier runs (or other replicas) left undelivered, then keeps watching. */
  startDelivery(): void {
    this.delivery.start();
  }

  stopDelivery(): void {
    this.delivery.stop();
  }

  /** Undelivered and given-up messages, for `/healthz`; `since` bounds the given-up count. */
  deliveryHealth(since: number): Promise<OutboxHealth> {
    return this.delivery.health(since);
  }

  /** Resolves once the sends started by submissions and decisions so far have finished. */
  idle(): Promise<void> {
    return this.delivery.idle();
  }

  async submit(origin: Origin, application: CreditApplication): Promise<SubmitOutcome> {
    const assessment = assessApplication(application, this.policy);
    const at = this.now().toISOString();
    const id = this.newId();
    // The same person sending the same application again within the window is one submission
    // (a modal submitted three times, a card button clicked twice, a retried request), whatever
    // ids the platform gave each delivery: the key is who and what, not how it arrived.
    const key = submissionKey(origin, application);
    const nowMs = this.now().getTime();
    const stored: StoredApplication = {
      id,
      createdAt: at,
      updatedAt: at,
      applicant: {
        platform: origin.platform,
        userId: origin.userId,
        channelId: origin.channelId,
        conversationId: origin.conversationId,
      },
      application,
      assessment,
      route: assessment.result.approvalRoute,
      step: 0,
      status: 'pending',
      decisions: [],
    };
    const { messages: cards, warnings } = this.approvalRequests(stored);
    const reply = renderSubmitted(stored, this.policy, warnings);
    let cardIds: number[] = [];
    let confirmationIds: number[] = [];
    const window = { at: nowMs, since: nowMs - RESUBMIT_WINDOW_MS };
    const fresh = await this.store.insertOnce(stored, key, window, async (trx) => {
      cardIds = await this.delivery.owe(cards, trx);
      // The console has no direct messages: its reply is printed in the same process or not at all.
      if (origin.platform !== 'console') {
        const confirmation: CreditOutboxMessage = { ref: id, kind: 'submitted', person: personOf(origin), reply };
        confirmationIds = await this.delivery.holdConfirmation(confirmation, trx);
      }
    });
    if (!fresh) {
      const first = await this.store.findSubmission(key, window.since);
      const existing = first ? await this.store.get(first) : null;
      this.log.info({ event: 'credit.resubmitted', applicationId: first, platform: origin.platform }, 'credit application submitted again; not duplicated');
      if (!existing) throw new Error('credit submission in progress under the same key');
      // The answer to the repeat tells the submitter what the held-back confirmation would have.
      const again = { ...renderSubmitted(existing, this.policy, []), onDelivered: () => this.delivery.settleConfirmation(existing.id) };
      return { application: existing, reply: again, warnings: [] };
    }
    this.log.info(
      { event: 'credit.submitted', applicationId: stored.id, platform: origin.platform, userId: origin.userId },
      'credit application submitted',
    );
    this.delivery.sendSoon(cardIds);
    if (warnings.length) this.logNoApprover(stored);
    return { application: stored, reply: { ...reply, onDelivered: () => this.delivery.settle(confirmationIds) }, warnings };
  }

  /** The application, when `viewer` is its applicant or one of its approvers; otherwise null. */
  async statusFor(viewer: Person, id: string): Promise<StoredApplication | null> {
    const app = await this.store.get(id.trim());
    return app && this.canView(app, viewer) ? app : null;
  }

  /** The caller's own applications and the pending ones waiting on the caller. */
  async listFor(viewer: Person): Promise<{ mine: StoredApplication[]; awaiting: StoredApplication[] }> {
    const mine = await this.store.listByApplicant(viewer, 10);
    const awaiting = (await this.store.listPending(200))
      .filter((a) => this.refusalFor(a, viewer, a.step) === null)
      .slice(0, 20);
    return { mine, awaiting };
  }

  /**
   * Handles an Approve / Reject press. `value` is the button payload (`<id>:<step>`), so a
   * press on an old card cannot decide a later step.
   */
  async decide(actor: Origin, value: string, decision: DecisionKind, reason?: string): Promise<ActionResult> {
    const [id = '', stepText = ''] = value.split(':');
    const pressedStep = Number(stepText);
    const app = await this.store.get(id);
    const refusal = app ? this.refusalFor(app, actor, Number.isInteger(pressedStep) ? pressedStep : -1) : 'not_found';
    if (refusal) return this.refuse(refusal, id, actor, decision);
    const current = app!;

    const trimmedReason = reason?.trim() ?? '';
    if (decision === 'reject' && !trimmedReason) {
      return { toast: '驳回必须填写理由 / a reason is required to reject', toastKind: 'error' };
    }

    const at = this.now();
    const record: Decision = {
      step: current.step,
      role: current.route[current.step]!,
      decision,
      by: { platform: actor.platform, userId: actor.userId },
      at: at.toISOString(),
      reason: trimmedReason || null,
    };
    const last = current.step === current.route.length - 1;
    const next =
      decision === 'reject'
        ? { step: current.step, status: 'rejected' as const }
        : { step: current.step + 1, status: last ? ('approved' as const) : ('pending' as const) };
    let validUntil: string | undefined;
    let line: (ApprovedCreditLine & { approvedAt: string }) | undefined;
    if (decision === 'approve' && last) {
      validUntil = oneYearValidUntil(calendarDate(at, this.timeZone));
      line = {
        customerName: current.application.customerName,
        uscc: current.application.uscc,
        limit: current.assessment.result.recommendedLimit,
        termDays: current.assessment.result.termDays,
        validUntil,
        approvedAt: record.at,
      };
    }
    const updated: StoredApplication = {
      ...current,
      step: next.step,
      status: next.status,
      updatedAt: record.at,
      decisions: [...current.decisions, record],
    };
    const nextStep = updated.status === 'pending' ? this.approvalRequests(updated) : null;
    const owed: CreditOutboxMessage[] = [
      {
        ref: updated.id,
        kind: 'applicant_update',
        person: personOf(updated.applicant),
        reply: renderApplicantUpdate(updated, this.policy, record, this.timeZone, validUntil),
      },
      ...(nextStep?.messages ?? []),
    ];
    let owedIds: number[] = [];
    const recorded = await this.store.recordDecision(current.id, record, next, line, async (trx) => {
      owedIds = await this.delivery.owe(owed, trx);
    });
    if (!recorded) return this.refuse('stale_step', current.id, actor, decision);
    this.log.info(
      {
        event: 'credit.decided',
        applicationId: current.id,
        step: record.step,
        role: record.role,
        decision,
        platform: actor.platform,
        userId: actor.userId,
      },
      'credit decision recorded',
    );

    this.delivery.sendSoon(owedIds);
    if (nextStep?.warnings.length) this.logNoApprover(updated);

    const toast =
      decision === 'reject'
        ? `已驳回 ${updated.id} / rejected`
        : updated.status === 'approved'
          ? `已批准，授信已生效 ${updated.id} / approved, credit line stored`
          : `已批准 ${updated.id}，转${this.policy.approval.roleLabels[updated.route[updated.step]!]}审批 / approved, passed on`;
    return {
      toast,
      toastKind: 'success',
      replaceOriginal: renderDecidedCard(updated, this.policy, record, this.timeZone),
    };
  }

  findApprovedLine(query: { uscc?: string; customerName?: string }, at: Date = this.now()): Promise<ApprovedCreditLine | null> {
    return this.store.findLine(
      { uscc: query.uscc ? normalizeUscc(query.uscc) : undefined, customerName: query.customerName },
      calendarDate(at, this.timeZone),
    );
  }

  private isApproverOf(app: StoredApplication, person: Person): boolean {
    return app.route.some((role) => hasId(this.deps.roles[role], person.platform, person.userId));
  }

  private isApplicant(app: StoredApplication, person: Person): boolean {
    return app.applicant.platform === person.platform && app.applicant.userId === person.userId;
  }

  private canView(app: StoredApplication, person: Person): boolean {
    return (
      this.isApplicant(app, person) ||
      this.isApproverOf(app, person) ||
      // Someone who decided a step keeps sight of it even if later moved out of the role.
      app.decisions.some((d) => d.by.platform === person.platform && d.by.userId === person.userId)
    );
  }

  private refusalFor(app: StoredApplication, actor: Person, pressedStep: number): Refusal | null {
    if (!this.canView(app, actor)) return 'outsider';
    if (app.status !== 'pending') return 'closed';
    if (pressedStep !== app.step) return 'stale_step';
    if (this.isApplicant(app, actor)) return 'self_approval';
    if (!hasId(this.deps.roles[app.route[app.step]!], actor.platform, actor.userId)) return 'not_current_approver';
    if (
      this.policy.approval.distinctApprovers &&
      app.decisions.some((d) => d.by.platform === actor.platform && d.by.userId === actor.userId)
    ) {
      return 'already_signed';
    }
    return null;
  }

  private refuse(why: Refusal, applicationId: string, actor: Person, decision: DecisionKind): ActionResult {
    // Ids only: who pressed what on which application, never the figures.
    this.log.warn(
      { event: 'credit.action_refused', why, applicationId, decision, platform: actor.platform, userId: actor.userId },
      'credit action refused',
    );
    return { toast: REFUSAL_TOASTS[why], toastKind: why === 'closed' || why === 'stale_step' ? 'warning' : 'error' };
  }

  /** The approval card(s) the current step owes, and warnings for the submitter (logged once the step is saved). */
  private approvalRequests(app: StoredApplication): { messages: CreditOutboxMessage[]; warnings: string[] } {
    const role = app.route[app.step]!;
    const label = this.policy.approval.roleLabels[role];
    const warnings: string[] = [];
    const approvers = this.deps.roles[role].filter((entry) => !this.entryIs(entry, app.applicant));
    if (approvers.length === 0) {
      const envName = `CREDIT_ROLE_${role.toUpperCase()}`;
      warnings.push(`没有可审批的${label}（请配置 ${envName}）/ no eligible ${role} approver configured`);
    }
    const card = renderApprovalRequest(app, this.policy, this.timeZone);
    const channel =
      this.deps.approvalChannels.find((c) => c.platform === app.applicant.platform) ?? this.deps.approvalChannels[0];
    const messages: CreditOutboxMessage[] = channel
      ? [{ ref: app.id, kind: 'approval_card', channel, reply: card }]
      : // No approval channel: the card goes privately to each eligible approver instead.
        approvers.map((entry) => ({ ref: app.id, kind: 'approval_card' as const, person: this.personOf(entry, app.applicant.platform), reply: card }));
    return { messages, warnings };
  }

  private logNoApprover(app: StoredApplication): void {
    this.log.warn({ event: 'credit.no_approver', applicationId: app.id, role: app.route[app.step] }, 'no eligible approver for credit step');
  }

  private personOf(entry: string, fallback: Platform): Person {
    const colon = entry.indexOf(':');
    const prefix = colon > 0 ? entry.slice(0, colon) : '';
    return (PLATFORMS as readonly string[]).includes(prefix)
      ? { platform: prefix as Platform, userId: entry.slice(colon + 1) }
      : { platform: fallback, userId: entry };
  }

  private entryIs(entry: string, person: Person): boolean {
    return hasId([entry], person.platform, person.userId);
  }
}

function personOf(p: Person): Person {
  return { platform: p.platform, userId: p.userId };
}

/** How long an identical application from the same person counts as a repeat of the first. */
const RESUBMIT_WINDOW_MS = 10 * 60_000;

function submissionKey(origin: Origin, application: CreditApplication): string {
  const canonical = JSON.stringify(Object.keys(application).sort().map((k) => [k, (application as unknown as Record<string, unknown>)[k]]));
  return `${origin.platform}:${origin.userId}:${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

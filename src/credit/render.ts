import type { FormField, FormSpec, Reply, ReplyBlock } from '../core/types.js';
import {
  APPLICATION_FIELDS,
  BOOLEAN_FIELDS,
  ENUM_FIELDS,
  ENUM_LABELS,
  FIELD_LABELS,
  NUMERIC_FIELDS,
  type CreditApplication,
  type CreditField,
  type EnumField,
  type FieldError,
} from './application.js';
import { DIMENSIONS, type CreditPolicy, type Role } from './policy.js';
import type { CreditAssessment } from './score.js';
import type { Decision, StoredApplication } from './store.js';

/** Platform-neutral replies for the credit workflow; adapters turn them into Slack / Feishu UI. */

export const CREDIT_FORM_ID = 'credit.apply';
export const APPROVE_ACTION_ID = 'credit.approve';
export const REJECT_ACTION_ID = 'credit.reject';

const yuan = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
export const formatYuan = (n: number) => `${yuan.format(n)} 元`;

const STATUS_LABELS = { pending: '审批中 pending', approved: '已批准 approved', rejected: '已驳回 rejected' } as const;

export function formatDateTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function fieldLabel(field: CreditField): string {
  const l = FIELD_LABELS[field];
  return l.unit ? `${l.zh}（${l.unit}）` : l.zh;
}

/** The form every surface opens: Slack modal, Feishu card form, and the CLI JSON keys. */
export function creditFormSpec(): FormSpec {
  const fields: FormField[] = APPLICATION_FIELDS.map((name): FormField => {
    const label = `${fieldLabel(name)} / ${FIELD_LABELS[name].en}`;
    if ((BOOLEAN_FIELDS as readonly string[]).includes(name)) {
      return { name, label, kind: 'boolean', required: true, initial: 'false' };
    }
    if (name in ENUM_FIELDS) {
      const values = ENUM_FIELDS[name as EnumField];
      return {
        name,
        label,
        kind: 'select',
        required: true,
        options: values.map((value) => ({ value, label: `${ENUM_LABELS[name as EnumField][value]} (${value})` })),
        ...(name === 'guaranteeType' ? { initial: 'none' } : {}),
      };
    }
    if ((NUMERIC_FIELDS as readonly string[]).includes(name)) {
      return { name, label, kind: 'number', required: name !== 'guaranteeValue', ...(name === 'guaranteeValue' ? { initial: '0' } : {}) };
    }
    if (name === 'uscc') return { name, label, kind: 'text', required: true, placeholder: '18 位，如 91350100M000100Y43' };
    return { name, label, kind: name === 'reason' ? 'textarea' : 'text', required: true };
  });
  return { id: CREDIT_FORM_ID, title: '客户信用申请 Credit application', submitLabel: '提交 Submit', fields };
}

export function renderFieldErrors(errors: readonly FieldError[]): Reply {
  return {
    blocks: [
      { type: 'heading', text: '申请未通过校验 / The application has errors' },
      { type: 'text', text: errors.map((e) => `- \`${e.field}\`: ${e.message}`).join('\n') },
    ],
    fallbackText: `申请未通过校验 / invalid fields: ${errors.map((e) => e.field).join(', ')}`,
  };
}

const roleLabel = (policy: CreditPolicy, role: Role) => `${policy.approval.roleLabels[role]}（${role}）`;

/** Score, grade, breakdown, recommendation, measures and route: the heart of every credit reply. */
export function assessmentBlocks(app: CreditApplication, a: CreditAssessment, policy: CreditPolicy): ReplyBlock[] {
  const r = a.result;
  const blocks: ReplyBlock[] = [
    {
      type: 'fields',
      fields: [
        { label: '客户 Customer', value: app.customerName },
        { label: '统一社会信用代码 USCC', value: app.uscc },
        { label: '评分 Score', value: `${r.score} / 100` },
        { label: '等级 Grade', value: r.grade },
        { label: '申请额度 / 账期 Requested', value: `${formatYuan(app.requestedLimit)} / ${app.requestedTermDays} 天` },
        { label: '建议额度 Recommended limit', value: formatYuan(r.recommendedLimit) },
        { label: '建议账期 Term', value: `${r.termDays} 天` },
        { label: '付款方式 Payment', value: a.paymentMode },
      ],
    },
    {
      type: 'fields',
      fields: DIMENSIONS.map((d) => ({
        label: policy.dimensions[d].label,
        value: `${r.breakdown[d]} / ${policy.dimensions[d].weight}`,
      })),
    },
  ];
  const notes: string[] = [];
  for (const field of r.knockouts) {
    const k = policy.knockouts.find((x) => x.field === field);
    notes.push(`- **否决项 Knock-out**: ${k?.label ?? field}（${field}）→ C`);
  }
  for (const cap of a.caps) notes.push(`- **等级上限 Cap**: ${cap}`);
  if (notes.length) blocks.push({ type: 'text', text: notes.join('\n') });
  if (r.measures.length) {
    blocks.push({ type: 'text', text: `**风控措施 Measures**\n${r.measures.map((m) => `- ${m}`).join('\n')}` });
  }
  blocks.push({
    type: 'context',
    text: `审批路线 Approval route: ${r.approvalRoute.map((role) => roleLabel(policy, role)).join(' → ')}`,
  });
  return blocks;
}

function assessmentSummary(app: CreditApplication, a: CreditAssessment): string {
  const r = a.result;
  return `${app.customerName}: ${r.grade} 级 ${r.score} 分，建议额度 ${formatYuan(r.recommendedLimit)}，账期 ${r.termDays} 天`;
}

function progressText(s: StoredApplication, policy: CreditPolicy, timeZone: string): string {
  return s.route
    .map((role, i) => {
      const d = s.decisions.find((x) => x.step === i);
      const who = roleLabel(policy, role);
      if (d) {
        const verb = d.decision === 'approve' ? '✅ 已批准' : '❌ 已驳回';
        const reason = d.reason ? `，理由：${d.reason}` : '';
        return `- ${i + 1}. ${who} ${verb}（${d.by.userId}，${formatDateTime(d.at, timeZone)}${reason}）`;
      }
      if (s.status === 'pending' && i === s.step) return `- ${i + 1}. ${who} ⏳ 待审批`;
      return `- ${i + 1}. ${who} —`;
    })
    .join('\n');
}

/** What the applicant sees right after submitting. */
export function renderSubmitted(s: StoredApplication, policy: CreditPolicy, warnings: readonly string[]): Reply {
  const next = s.route[s.step]!;
  const blocks: ReplyBlock[] = [
    { type: 'heading', text: `信用申请已提交 ${s.id}` },
    ...assessmentBlocks(s.application, s.assessment, policy),
    { type: 'text', text: `等待 **${roleLabel(policy, next)}** 审批。查询：\`/credit status ${s.id}\`` },
  ];
  if (warnings.length) blocks.push({ type: 'text', text: warnings.map((w) => `- ⚠️ ${w}`).join('\n') });
  return {
    blocks,
    fallbackText: `信用申请 ${s.id} 已提交：${assessmentSummary(s.application, s.assessment)}`,
  };
}

/** The card posted for the approver of the current step, with Approve / Reject. */
export function renderApprovalRequest(s: StoredApplication, policy: CreditPolicy, timeZone: string): Reply {
  const role = s.route[s.step]!;
  const value = `${s.id}:${s.step}`;
  return {
    blocks: [
      { type: 'heading', text: `待审批 信用申请 ${s.id}（第 ${s.step + 1}/${s.route.length} 步：${roleLabel(policy, role)}）` },
      ...assessmentBlocks(s.application, s.assessment, policy),
      { type: 'text', text: `**申请理由 Reason**\n${s.application.reason}` },
      { type: 'text', text: progressText(s, policy, timeZone) },
      { type: 'context', text: `申请人 Applicant: ${s.applicant.userId}` },
    ],
    actions: [
      { id: APPROVE_ACTION_ID, label: '批准 Approve', value, style: 'primary' },
      { id: REJECT_ACTION_ID, label: '驳回 Reject', value, style: 'danger', requiresReason: true },
    ],
    fallbackText: `待${policy.approval.roleLabels[role]}审批：信用申请 ${s.id}，${assessmentSummary(s.application, s.assessment)}`,
    visibility: 'in_channel',
  };
}

/** Replaces an approval card once its step is decided, so the buttons disappear. */
export function renderDecidedCard(s: StoredApplication, policy: CreditPolicy, decision: Decision, timeZone: string): Reply {
  const verb = decision.decision === 'approve' ? '已批准' : '已驳回';
  return {
    blocks: [
      {
        type: 'heading',
        text: `信用申请 ${s.id}：${roleLabel(policy, decision.role)}${verb}`,
      },
      ...assessmentBlocks(s.application, s.assessment, policy),
      { type: 'text', text: progressText(s, policy, timeZone) },
      { type: 'context', text: `状态 Status: ${STATUS_LABELS[s.status]}` },
    ],
    fallbackText: `信用申请 ${s.id}：${policy.approval.roleLabels[decision.role]}${verb}`,
    visibility: 'in_channel',
  };
}

/** Direct message to the applicant after each decision. */
export function renderApplicantUpdate(
  s: StoredApplication,
  policy: CreditPolicy,
  decision: Decision,
  timeZone: string,
  validUntil?: string,
): Reply {
  const who = roleLabel(policy, decision.role);
  let headline: string;
  if (decision.decision === 'reject') headline = `❌ 信用申请 ${s.id}（${s.application.customerName}）被${who}驳回`;
  else if (s.status === 'approved') headline = `✅ 信用申请 ${s.id}（${s.application.customerName}）已全部审批通过`;
  else headline = `信用申请 ${s.id}（${s.application.customerName}）已由${who}批准，等待${roleLabel(policy, s.route[s.step]!)}审批`;
  const blocks: ReplyBlock[] = [{ type: 'heading', text: headline }];
  if (decision.decision === 'reject') blocks.push({ type: 'text', text: `**驳回理由 Reason**: ${decision.reason ?? ''}` });
  if (s.status === 'approved') {
    const r = s.assessment.result;
    blocks.push({
      type: 'fields',
      fields: [
        { label: '授信额度 Limit', value: formatYuan(r.recommendedLimit) },
        { label: '账期 Term', value: `${r.termDays} 天` },
        { label: '付款方式 Payment', value: s.assessment.paymentMode },
        { label: '有效期至 Valid until', value: validUntil ?? '' },
      ],
    });
  }
  blocks.push({ type: 'text', text: progressText(s, policy, timeZone) });
  return { blocks, fallbackText: headline };
}

/** `/credit status <id>` for someone allowed to see it. */
export function renderStatus(s: StoredApplication, policy: CreditPolicy, timeZone: string): Reply {
  return {
    blocks: [
      { type: 'heading', text: `信用申请 ${s.id} · ${STATUS_LABELS[s.status]}` },
      ...assessmentBlocks(s.application, s.assessment, policy),
      { type: 'text', text: progressText(s, policy, timeZone) },
      { type: 'context', text: `提交于 Submitted ${formatDateTime(s.createdAt, timeZone)} · 申请人 ${s.applicant.userId}` },
    ],
    fallbackText: `信用申请 ${s.id}：${STATUS_LABELS[s.status]}`,
  };
}

export function renderList(mine: StoredApplication[], awaiting: StoredApplication[], policy: CreditPolicy): Reply {
  const line = (s: StoredApplication) =>
    `- \`${s.id}\` ${s.application.customerName} · ${s.assessment.result.grade} · ${STATUS_LABELS[s.status]}` +
    (s.status === 'pending' ? ` · 待${policy.approval.roleLabels[s.route[s.step]!]}` : '');
  const blocks: ReplyBlock[] = [
    { type: 'heading', text: '信用申请 Credit applications' },
    { type: 'text', text: `**待我审批 Awaiting me**\n${awaiting.length ? awaiting.map(line).join('\n') : '（无）'}` },
    { type: 'text', text: `**我提交的 Mine**\n${mine.length ? mine.map(line).join('\n') : '（无）'}` },
  ];
  return { blocks, fallbackText: `待我审批 ${awaiting.length} 件，我提交的 ${mine.length} 件` };
}

export function renderText(heading: string, text?: string): Reply {
  const blocks: ReplyBlock[] = [{ type: 'heading', text: heading }];
  if (text) blocks.push({ type: 'text', text });
  return { blocks, fallbackText: text ? `${heading}\n${text}` : heading };
}

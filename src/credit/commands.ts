import type {
  ActionDefinition,
  CommandDefinition,
  FormDefinition,
  FormResult,
  Origin,
  Reply,
} from '../core/types.js';
import { validateApplication } from './application.js';
import {
  APPROVE_ACTION_ID,
  CREDIT_FORM_ID,
  REJECT_ACTION_ID,
  creditFormSpec,
  renderFieldErrors,
  renderList,
  renderStatus,
  renderText,
} from './render.js';
import type { CreditWorkflow } from './workflow.js';

/** `/credit`, the `credit.apply` form and the Approve / Reject buttons, for the core registry. */

export interface CreditBotDeps {
  workflow: CreditWorkflow;
  now?: () => Date;
}

const USAGE = [
  '`/credit` 打开信用申请表 / open the application form',
  '`/credit {"customerName": …}` 直接以 JSON 提交 / submit a JSON application',
  '`/credit status <编号>` 查询进度 / show an application',
  '`/credit list` 我的申请与待我审批 / mine and awaiting me',
].join('\n');

/** Same words whether the id does not exist or the caller may not see it: no existence leak. */
const NOT_VISIBLE = renderText('找不到该申请，或你无权查看 / Not found or not visible to you');

export function createCreditCommand(deps: CreditBotDeps): CommandDefinition {
  const { workflow } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    name: 'credit',
    summary: '客户信用申请（5C 评分、额度、账期、审批）/ customer credit application',
    usage: USAGE,
    async handle(args: string, ctx): Promise<Reply> {
      // A credit record (customer, 5C score, limit) is for the applicant and the approvers only:
      // wherever `/credit …` was typed, the answer goes to the caller privately.
      return { ...(await answer(args, ctx.origin)), private: true, visibility: 'ephemeral' };
    },
  };

  async function answer(args: string, origin: Origin): Promise<Reply> {
    {
      const text = args.trim();
      if (text === '') {
        return {
          blocks: [{ type: 'text', text: '请填写客户信用申请表 / Fill in the credit application form.' }],
          form: creditFormSpec(),
          fallbackText: '客户信用申请表 / credit application form',
        };
      }
      if (text.startsWith('{')) return submitJson(workflow, origin, text, now());

      const [sub = '', ...rest] = text.split(/\s+/);
      switch (sub.toLowerCase()) {
        case 'status': {
          const id = rest[0];
          if (!id) return renderText('用法 / Usage', '`/credit status <编号>`');
          const app = await workflow.statusFor(origin, id);
          return app ? renderStatus(app, workflow.policy, workflow.timeZone) : NOT_VISIBLE;
        }
        case 'list': {
          const { mine, awaiting } = await workflow.listFor(origin);
          return renderList(mine, awaiting, workflow.policy);
        }
        default:
          return renderText('客户信用申请 / Credit application', USAGE);
      }
    }
  }
}

/**
 * Chat clients (Slack on macOS/iOS especially) turn typed quotes into “smart” ones, which
 * breaks JSON. Straightening them is only tried after the text fails as typed, so quotes
 * inside values survive when the JSON was already valid.
 */
function parseChatJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const straightened = text.replace(/[“”„]/g, '"');
    if (straightened === text) throw err;
    return JSON.parse(straightened);
  }
}

async function submitJson(workflow: CreditWorkflow, origin: Origin, text: string, now: Date): Promise<Reply> {
  let input: unknown;
  try {
    input = parseChatJson(text);
  } catch (err) {
    return renderFieldErrors([{ field: '(json)', message: `不是有效的 JSON / not valid JSON: ${(err as Error).message}` }]);
  }
  const validated = validateApplication(input, now);
  if (!validated.ok) return renderFieldErrors(validated.errors);
  return (await workflow.submit(origin, validated.application)).reply;
}

/**
 * `credit.apply`: platform forms hand every value over as a string; validation coerces
 * numbers (with 万 / 亿 and separators) and yes/no answers, and names each bad field.
 */
export function createCreditFormHandler(deps: CreditBotDeps): FormDefinition {
  const now = deps.now ?? (() => new Date());
  return {
    id: CREDIT_FORM_ID,
    async handle(submission): Promise<FormResult> {
      const validated = validateApplication(submission.values, now());
      if (!validated.ok) return { ok: false, errors: validated.errors };
      const { reply } = await deps.workflow.submit(submission, validated.application);
      return { ok: true, reply: { ...reply, private: true, visibility: 'ephemeral' } };
    },
  };
}

export function createCreditActions(deps: CreditBotDeps): ActionDefinition[] {
  return [
    {
      id: APPROVE_ACTION_ID,
      handle: (action) => deps.workflow.decide(action, action.value, 'approve'),
    },
    {
      id: REJECT_ACTION_ID,
      handle: (action) => deps.workflow.decide(action, action.value, 'reject', action.reason),
    },
  ];
}

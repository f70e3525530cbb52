import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { countRows } from '../../helpers/storage.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/schedule/scheduler.js';
import type { Clock, TimerPort } from '../../../src/schedule/types.js';
import { createLogger } from '../../../src/log/logger.js';
import { interactionBody, FORM, type FakeCall } from '../../helpers/fake-slack.js';
import { APP_TOKEN, blocksText, buttonsOf, startSlackApp, viewState, type SlackAppHarness } from '../../helpers/slack-app-harness.js';

/**
 * Features end to end: the real app (createApp — real handbook index, answerer, /precheck,
 * /credit workflow, scheduling) behind the real Slack adapter (Bolt, HTTP mode, signed
 * requests), against the fake Slack Web API. Issues 6, 7 and 8, Slack surfaces.
 */

const fixture = (...p: string[]) => readFileSync(path.join('tests', 'fixtures', ...p), 'utf8');
const D2 = fixture('contracts', 'd2-amount-kickback.txt');

/** New posts since a mark, so assertions within one shared fake never see an earlier test's calls. */
function since(h: SlackAppHarness, mark: number, method: string): FakeCall[] {
  return h.fake.calls.slice(mark).filter((c) => c.method === method && c.status === 200);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------

describe('Slack × real app: /ask over the handbook', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp();
  });
  afterAll(async () => h?.close());

  it('answers a handbook question ephemerally with numbered citations, 👍/👎 and share', async () => {
    const { status, responses, responseUrl } = await h.command({ command: '/ask', text: '签合同之前必须做哪些风险控制？' });
    expect(status).toBe(200);
    const answer = responses[0]!.body;
    expect(answer.response_type).toBe('ephemeral');
    const text = blocksText(answer.blocks);
    expect(text).toMatch(/\[1\]/);
    // The cited passage comes from the real handbook: the sales department rules, chapter 9 (risk control).
    expect(text).toMatch(/銷售部管理規章制度|销售部管理规章制度/);
    expect(text).toMatch(/信用|審核|审核|評估|评估/);
    const buttons = buttonsOf(answer.blocks);
    const feedback = buttons.filter((b) => b.action_id.startsWith('feedback:'));
    expect(feedback.map((b) => b.value.split(':')[1]).sort()).toEqual(['down', 'up']);
    const share = buttons.find((b) => b.action_id.startsWith('share:'));
    expect(share).toBeTruthy();

    // 👍 is stored against that question; share posts the cited answer in the channel.
    const mark = h.fake.calls.length;
    const up = feedback.find((b) => b.value.endsWith(':up'))!;
    await h.press({ user: 'UREP', channel: 'C0001', actionId: up.action_id, value: up.value, ephemeral: true, responseUrl });
    await h.fake.waitFor(async () => (await h.app.analytics.stats()).feedback.up === 1);
    await h.press({ user: 'UREP', channel: 'C0001', actionId: share!.action_id, value: share!.value, ephemeral: true, responseUrl });
    const post = await h.fake.waitFor(() => since(h, mark, 'chat.postMessage')[0]);
    expect(post.params.channel).toBe('C0001');
    expect(blocksText(post.params.blocks)).toMatch(/\[1\]/);
    expect(buttonsOf(post.params.blocks).some((b) => b.action_id.startsWith('share:'))).toBe(false);
  });

  it('an off-topic question gets the not-covered reply, without citations', async () => {
    const { responses } = await h.command({ command: '/ask', text: '周末去哪里爬山比较好？' });
    const body = responses[0]!.body;
    expect(body.response_type).toBe('ephemeral');
    const text = blocksText(body.blocks);
    expect(text).toContain('手册里没有找到能回答这个问题的内容');
    expect(text).not.toMatch(/\[1\]/);
    expect((await h.app.analytics.stats())).toMatchObject({ feedback: { up: 1, down: 0 } });
  });
});

// ---------------------------------------------------------------------------------------------

describe('Slack × real app: /precheck and the "precheck_message" shortcut', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp();
  });
  afterAll(async () => h?.close());

  function expectD2Result(body: Record<string, any>) {
    expect(body.response_type).toBe('ephemeral');
    const text = blocksText(body.blocks);
    expect(body.blocks[0].type).toBe('header');
    expect(body.blocks[0].text.text).toContain('🔴');
    expect(body.blocks[0].text.text).toContain('不通过');
    expect(text).toContain('amount.mismatch');
    expect(text).toContain('kickback');
    // The quoted clause and its basis are in the result.
    expect(text).toContain('伍拾万伍仟元');
    expect(text).toContain('返点');
    expect(text).toMatch(/反不正当竞争法/);
    expect(text).not.toContain('deposit.over-cap');
    expect(body.text).toMatch(/amount\.mismatch/);
    // PRECHECK_STORE_TEXT is false by default: the report (which quotes the contract) is not kept, so no Share button.
    expect(buttonsOf(body.blocks).some((b) => b.action_id.startsWith('share:'))).toBe(false);
  }

  it('/precheck with pasted contract text → ephemeral result with verdict and the rule ids', async () => {
    const { status, responses } = await h.command({ command: '/precheck', text: D2 });
    expect(status).toBe(200);
    expectD2Result(responses[0]!.body);
    expect(await countRows(h.app.db, 'precheck_audit')).toBeGreaterThanOrEqual(1);
  });

  it('/precheck without text or file → usage, not a verdict', async () => {
    const { responses } = await h.command({ command: '/precheck', text: '' });
    const text = blocksText(responses[0]!.body.blocks);
    expect(text).toContain('/precheck');
    expect(text).not.toContain('不通过');
  });

  it('the message shortcut downloads the attached .txt with the bot token and pre-checks it', async () => {
    const fileUrl = h.fake.addFile('d2-contract.txt', D2);
    const responseUrl = h.fake.responseUrl();
    const id = responseUrl.split('/').pop()!;
    const res = await h.send(
      interactionBody({
        type: 'message_action',
        callback_id: 'precheck_message',
        trigger_id: 'trig-precheck-sc',
        response_url: responseUrl,
        message_ts: '1700005000.000100',
        message: {
          type: 'message',
          user: 'UOTHER',
          ts: '1700005000.000100',
          text: '',
          files: [{ id: 'F77', name: 'd2-contract.txt', mimetype: 'text/plain', size: Buffer.byteLength(D2), url_private_download: fileUrl }],
        },
        user: { id: 'UREP', name: 'rep' },
        channel: { id: 'C0001', name: 'sales' },
        team: { id: 'T0001', domain: 'fake' },
        token: 'legacy',
        action_ts: '1700005001.000',
      }),
      FORM,
    );
    expect(res.status).toBe(200);
    const [resp] = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null), 10_000);
    expect(h.fake.downloads).toContainEqual({ name: 'd2-contract.txt', authorization: `Bearer ${APP_TOKEN}` });
    expectD2Result(resp!.body);
    // The file name is shown in the result's context line.
    expect(blocksText(resp!.body.blocks)).toContain('d2-contract.txt');
  });
});

// ---------------------------------------------------------------------------------------------

/** A customer whose contract (below) pays 45 days after acceptance: it needs a credit line. */
const CUSTOMER = { customerName: '南京秦淮数字物流有限公司', uscc: '91320104MA1N2P3Q4W' };
const CREDIT_CONTRACT = fixture('contracts-extra', 'e6-clean-credit-simp.txt').replace(
  '100 台，单价人民币 2,400.00 元，合同总价人民币 240,000.00 元（大写：人民币贰拾肆万元整）',
  '80 台，单价人民币 2,400.00 元，合同总价人民币 192,000.00 元（大写：人民币壹拾玖万贰仟元整）',
);

function formValues(overrides: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  const base = JSON.parse(fixture('credit', 'valid-a.json')) as Record<string, string | number | boolean>;
  // ≤ 200,000 → route sales_manager → finance; grade A caps the term at 60 days.
  return { ...base, ...CUSTOMER, requestedLimit: 200000, requestedTermDays: 60, ...overrides };
}

describe('Slack × real app: /credit modal, approval routing and the approved line', () => {
  let h: SlackAppHarness;
  let formView: Record<string, any>;
  const logLines: string[] = [];
  beforeAll(async () => {
    const capture = pino({ level: 'info', base: undefined, timestamp: false }, { write: (line: string) => void logLines.push(line) });
    h = await startSlackApp({}, capture);
  });
  afterAll(async () => h?.close());

  /** Approval cards posted to the finance channel since `mark`. */
  const cardsSince = (mark: number) => since(h, mark, 'chat.postMessage').filter((c) => c.params.channel === 'CFIN');
  const ephemeralFor = (mark: number, user: string) =>
    h.fake.waitFor(() => since(h, mark, 'chat.postEphemeral').find((c) => c.params.user === user));

  async function precheckCreditMessage(): Promise<string> {
    const { responses } = await h.command({ command: '/precheck', text: CREDIT_CONTRACT });
    const text = blocksText(responses[0]!.body.blocks);
    expect(text).toContain('payment.credit-required');
    return text;
  }

  it('before any approval, /precheck says the customer has no approved credit line', async () => {
    const text = await precheckCreditMessage();
    expect(text).toContain('南京秦淮数字物流有限公司');
    expect(text).toContain('没有已批准的信用额度');
  });

  it('/credit with no args opens the credit form modal via views.open', async () => {
    const mark = h.fake.calls.length;
    const { responses } = await h.command({ command: '/credit', text: '', user: 'UREP', triggerId: 'trig-credit-open' });
    const open = await h.fake.waitFor(() => since(h, mark, 'views.open')[0]);
    expect(open.params.trigger_id).toBe('trig-credit-open');
    formView = open.params.view;
    expect(formView.type).toBe('modal');
    const ids = formView.blocks.map((b: any) => b.block_id);
    for (const f of ['customerName', 'uscc', 'requestedLimit', 'requestedTermDays', 'guaranteeType', 'badDebt2y', 'reason']) expect(ids).toContain(f);
    expect(JSON.parse(formView.private_metadata).f).toBe('credit.apply');
    // The form opened, so the ephemeral reply carries no extra "open form" button.
    expect(buttonsOf(responses[0]!.body.blocks)).toHaveLength(0);
  });

  it('an invalid submission is answered with response_action errors naming the field', async () => {
    const mark = h.fake.calls.length;
    const res = await h.submitView('UREP', formView, viewState(formView, formValues({ uscc: '91320104MA1N2P3Q4X', debtRatio: 'abc' })));
    expect(res.status).toBe(200);
    const ack = JSON.parse(res.body);
    expect(ack.response_action).toBe('errors');
    expect(Object.keys(ack.errors)).toEqual(expect.arrayContaining(['uscc', 'debtRatio']));
    expect(ack.errors.uscc).toMatch(/GB 32100|校验码/);
    await sleep(100);
    expect(cardsSince(mark)).toHaveLength(0);
  });

  it('full route: refusals for outsiders and the applicant, manager → finance, applicant notified, line stored and used by /precheck', async () => {
    let mark = h.fake.calls.length;
    const submitted = await h.submitView('UREP', formView, viewState(formView, formValues()));
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBe('');
    const card = await h.fake.waitFor(() => cardsSince(mark)[0]);
    const cardText = blocksText(card.params.blocks);
    const appId = /CR-[0-9A-F]+/.exec(cardText)![0];
    expect(cardText).toContain('南京秦淮数字物流有限公司');
    expect(cardText).toContain('销售经理');
    const [approve, reject] = buttonsOf(card.params.blocks);
    expect(approve!.action_id).toMatch(/^credit\.approve:\d+$/);
    expect(reject!.action_id).toMatch(/^credit\.reject:\d+:r$/);
    expect(approve!.value).toBe(`${appId}:0`);
    // The applicant gets the submission result through the command's response_url.
    const applicantView = await h.fake.waitFor(() =>
      h.fake.responses.find((r) => blocksText(r.body.blocks).includes(`信用申请已提交 ${appId}`)),
    );
    expect(applicantView.body.response_type).toBe('ephemeral');

    const press = (user: string, b: { action_id: string; value: string }, ts = '1700007000.000100') =>
      h.press({ user, channel: 'CFIN', actionId: b.action_id, value: b.value, messageTs: ts });

    // Someone who is neither applicant nor approver: refused, ephemeral, nothing decided.
    mark = h.fake.calls.length;
    await press('UOTHER', approve!);
    expect((await ephemeralFor(mark, 'UOTHER')).params.text).toContain('无权');
    // The applicant cannot approve their own application.
    await press('UREP', approve!);
    expect((await ephemeralFor(mark, 'UREP')).params.text).toContain('不能审批自己');
    // Finance is on the route, but this step awaits the sales manager.
    await press('UFIN', approve!);
    expect((await ephemeralFor(mark, 'UFIN')).params.text).toContain('当前步骤不由你审批');
    await sleep(100);
    expect(since(h, mark, 'chat.update')).toHaveLength(0);
    expect(cardsSince(mark)).toHaveLength(0);
    expect((await h.app.credit.workflow.statusFor({ platform: 'slack', userId: 'UREP' }, appId))!.decisions).toHaveLength(0);
    // Each refusal is logged with who and why — ids only.
    const refusals = logLines.map((l) => JSON.parse(l)).filter((l) => l.event === 'credit.action_refused' && l.applicationId === appId);
    expect(refusals.map((l) => [l.userId, l.why])).toEqual([
      ['UOTHER', 'outsider'],
      ['UREP', 'self_approval'],
      ['UFIN', 'not_current_approver'],
    ]);

    // The sales manager approves: card updated in place, applicant DM'd, next card for finance.
    mark = h.fake.calls.length;
    await press('UMGR', approve!, '1700007000.000100');
    const updated = await h.fake.waitFor(() => since(h, mark, 'chat.update')[0]);
    expect(updated.params.channel).toBe('CFIN');
    expect(updated.params.ts).toBe('1700007000.000100');
    expect(buttonsOf(updated.params.blocks)).toHaveLength(0);
    expect(blocksText(updated.params.blocks)).toContain('已批准');
    const financeCard = await h.fake.waitFor(() => cardsSince(mark)[0]);
    const financeButtons = buttonsOf(financeCard.params.blocks);
    expect(financeButtons[0]!.value).toBe(`${appId}:1`);
    expect(blocksText(financeCard.params.blocks)).toContain('财务');
    expect(since(h, mark, 'conversations.open').map((c) => c.params.users)).toContain('UREP');
    const dm1 = await h.fake.waitFor(() => since(h, mark, 'chat.postMessage').find((c) => c.params.channel === 'DUREP'));
    expect(String(dm1.params.text)).toContain('等待');
    expect((await ephemeralFor(mark, 'UMGR')).params.text).toContain('已批准');
    expect((await h.app.credit.workflow.findApprovedLine(CUSTOMER))).toBeNull();

    // The old card's button is stale now, even for the manager.
    const staleMark = h.fake.calls.length;
    await press('UMGR', approve!);
    expect((await ephemeralFor(staleMark, 'UMGR')).params.text).toMatch(/已处理/);

    // Finance approves the last step: the line is stored and the applicant told.
    mark = h.fake.calls.length;
    await press('UFIN', financeButtons[0]!, '1700007100.000100');
    await h.fake.waitFor(() => since(h, mark, 'chat.update')[0]);
    const dm2 = await h.fake.waitFor(() => since(h, mark, 'chat.postMessage').find((c) => c.params.channel === 'DUREP'));
    expect(String(dm2.params.text)).toContain('已全部审批通过');
    expect(blocksText(dm2.params.blocks)).toContain('有效期至');
    expect(cardsSince(mark)).toHaveLength(0);
    const line = (await h.app.credit.workflow.findApprovedLine(CUSTOMER));
    expect(line).toMatchObject({ customerName: CUSTOMER.customerName, uscc: CUSTOMER.uscc, limit: 200000, termDays: 60 });

    // /precheck now finds the approved line and says it covers this contract.
    const text = await precheckCreditMessage();
    expect(text).toContain('已批准额度');
    expect(text).toContain('覆盖本合同');
    expect(text).not.toContain('没有已批准的信用额度');
  });

  it('reject path: the reason modal is required, the card and the applicant get the reason, no line stored', async () => {
    const other = { customerName: '杭州西湖示例商贸有限公司', uscc: '91350100M000100Y43' };
    const json = JSON.stringify(formValues({ ...other, requestedLimit: 150000, requestedTermDays: 30 }));
    let mark = h.fake.calls.length;
    const { responses } = await h.command({ command: '/credit', text: json, user: 'UREP2' });
    const submittedText = blocksText(responses[0]!.body.blocks);
    const appId = /CR-[0-9A-F]+/.exec(submittedText)![0];
    const card = await h.fake.waitFor(() => cardsSince(mark).find((c) => blocksText(c.params.blocks).includes(appId)));
    const reject = buttonsOf(card.params.blocks).find((b) => b.action_id.startsWith('credit.reject'))!;

    mark = h.fake.calls.length;
    await h.press({ user: 'UMGR', channel: 'CFIN', actionId: reject.action_id, value: reject.value, messageTs: '1700008000.000100', triggerId: 'trig-reject' });
    const open = await h.fake.waitFor(() => since(h, mark, 'views.open')[0]);
    expect(open.params.trigger_id).toBe('trig-reject');
    const reasonView = open.params.view;
    expect(reasonView.blocks.map((b: any) => b.block_id)).toEqual(['reason']);
    // Nothing is decided by opening the modal.
    expect((await h.app.credit.workflow.statusFor({ platform: 'slack', userId: 'UREP2' }, appId))!.status).toBe('pending');

    const empty = await h.submitView('UMGR', reasonView, { reason: { value: { type: 'plain_text_input', value: '  ' } } });
    expect(JSON.parse(empty.body)).toMatchObject({ response_action: 'errors', errors: { reason: expect.any(String) } });

    const ok = await h.submitView('UMGR', reasonView, { reason: { value: { type: 'plain_text_input', value: '近期有逾期记录，请改为预付款' } } });
    expect(ok.status).toBe(200);
    const updated = await h.fake.waitFor(() => since(h, mark, 'chat.update')[0]);
    expect(updated.params.channel).toBe('CFIN');
    expect(updated.params.ts).toBe('1700008000.000100');
    expect(blocksText(updated.params.blocks)).toContain('近期有逾期记录');
    expect(buttonsOf(updated.params.blocks)).toHaveLength(0);
    const dm = await h.fake.waitFor(() => since(h, mark, 'chat.postMessage').find((c) => c.params.channel === 'DUREP2'));
    expect(String(dm.params.text)).toContain('驳回');
    expect(blocksText(dm.params.blocks)).toContain('近期有逾期记录，请改为预付款');
    // No next step, no line.
    expect(cardsSince(mark)).toHaveLength(0);
    const status = (await h.app.credit.workflow.statusFor({ platform: 'slack', userId: 'UREP2' }, appId))!;
    expect(status.status).toBe('rejected');
    expect(status.decisions[0]).toMatchObject({ decision: 'reject', reason: '近期有逾期记录，请改为预付款', by: { userId: 'UMGR' } });
    expect((await h.app.credit.workflow.findApprovedLine(other))).toBeNull();
  });

  it("the customers' financial figures never reach the logs", () => {
    const all = logLines.join('\n');
    expect(all).toContain('credit.decided');
    for (const figure of ['30000000', '5000000', '300000', 'annualRevenue', 'avgMonthlySales', 'debtRatio']) expect(all).not.toContain(figure);
  });
});

// ---------------------------------------------------------------------------------------------

/** A clock and timer moved by hand (as in tests/schedule/scheduler.test.ts). */
class FakeTime implements Clock, TimerPort {
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private seq = 0;
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  async advanceTo(iso: string, scheduler: Scheduler): Promise<void> {
    const target = Date.parse(iso);
    for (let guard = 0; guard < 10_000; guard++) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      await scheduler.idle();
    }
    this.t = target;
  }
}

describe('Slack × real app: scheduled reminders, /digest now and /remind', () => {
  let h: SlackAppHarness;
  let time: FakeTime;
  let scheduler: Scheduler;
  // The real reminders.yaml targets these placeholder channels.
  const SALES = 'C0SALES00PLACEHOLDER';

  beforeAll(async () => {
    h = await startSlackApp();
    // Monday 2030-01-07 08:59 in Asia/Shanghai.
    time = new FakeTime(Date.parse('2030-01-07T00:59:00Z'));
    const { registry, store, digests } = h.app.scheduling;
    scheduler = new Scheduler({
      registry,
      store,
      digests,
      post: (target, reply) => h.app.core.post(target, reply),
      citer: (topic) => h.app.knowledge.cite(topic),
      clock: time,
      timer: time,
      // Feishu has no adapter here: its entries fail once and are recorded, never blocking Slack.
      retry: { maxAttempts: 1 },
      logger: createLogger('silent'),
    });
    await scheduler.start();
  });
  afterAll(async () => {
    scheduler?.stop();
    await h?.close();
  });

  it('a YAML reminder with a slack target is posted with chat.postMessage at its fire time (Asia/Shanghai)', async () => {
    const mark = h.fake.calls.length;
    await time.advanceTo('2030-01-07T00:59:59Z', scheduler);
    expect(since(h, mark, 'chat.postMessage')).toHaveLength(0);
    await time.advanceTo('2030-01-07T01:00:30Z', scheduler);
    const posts = since(h, mark, 'chat.postMessage');
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.params.channel).toBe(SALES);
    const text = blocksText(post.params.blocks);
    expect(post.params.blocks[0]).toMatchObject({ type: 'header', text: { text: '本周合规提醒' } });
    expect(text).toContain('拜访客户请随身携带合规手册');
    expect(text).toMatch(/\[1\]/);
    const run = await h.app.db.selectFrom('schedule_runs').select('status').where('schedule_id', '=', 'weekly-handbook-on-visits').executeTakeFirst();
    expect(run?.status).toBe('posted');
  });

  it('the weekly case digest is posted on Wednesday 16:00 with cases, lessons and citations', async () => {
    const mark = h.fake.calls.length;
    await time.advanceTo('2030-01-09T08:00:30Z', scheduler);
    const posts = since(h, mark, 'chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.params.channel).toBe(SALES);
    const text = blocksText(posts[0]!.params.blocks);
    expect(posts[0]!.params.blocks[0]).toMatchObject({ type: 'header', text: { text: '每周合规案例分享' } });
    expect(text).toContain('本期 3 个案例');
    expect(text.match(/教训：/g)).toHaveLength(3);
    expect(text).toContain('依据：');
  });

  it('/digest now posts the next digest in the channel where it was run, with no repeats', async () => {
    const before = since(h, 0, 'chat.postMessage').filter((c) => c.params.channel === SALES);
    const mark = h.fake.calls.length;
    const { responses } = await h.command({ command: '/digest', text: 'now', user: 'UADMIN', channel: SALES });
    expect(responses[0]!.body.response_type).toBe('ephemeral');
    expect(blocksText(responses[0]!.body.blocks)).toContain('已在本频道发布案例分享');
    const post = since(h, mark, 'chat.postMessage')[0]!;
    expect(post.params.channel).toBe(SALES);
    const titles = (blocks: any[]) =>
      blocks.filter((b) => b.type === 'section' && /^\*?\u200B?\*?\d\./.test(b.text?.text ?? '')).map((b) => b.text.text.split('\n')[0]);
    const earlier = titles(before.at(-1)!.params.blocks);
    const now = titles(post.params.blocks);
    expect(now.length).toBe(3);
    expect(earlier.length).toBe(3);
    for (const t of now) expect(earlier.map((e: string) => e.replace(/^\S*?\d\./, ''))).not.toContain(t.replace(/^\S*?\d\./, ''));

    // In a channel with no YAML digest, the default digest is posted there.
    const mark2 = h.fake.calls.length;
    await h.command({ command: '/digest', text: 'now', user: 'UADMIN', channel: 'C0TEAM' });
    const other = since(h, mark2, 'chat.postMessage')[0]!;
    expect(other.params.channel).toBe('C0TEAM');
    expect(blocksText(other.params.blocks)).toContain('教训：');
  });

  it('/remind add by a channel admin is listed by /remind list; a non-admin is refused; the reminder then fires there', async () => {
    const added = await h.command({ command: '/remind', text: 'add "0 9 * * 1" 带好合规手册', user: 'UADMIN', channel: 'C0001' });
    expect(added.responses[0]!.body.response_type).toBe('in_channel');
    const addedText = blocksText(added.responses[0]!.body.blocks);
    const id = /chat-[A-Za-z0-9-]+/.exec(addedText)?.[0];
    expect(id).toBeTruthy();

    const refused = await h.command({ command: '/remind', text: 'add "0 10 * * 2" 非管理员的提醒', user: 'UREP', channel: 'C0001' });
    expect(refused.responses[0]!.body.response_type).toBe('ephemeral');
    expect(blocksText(refused.responses[0]!.body.blocks)).toContain('只有频道管理员可以添加提醒');

    const list = await h.command({ command: '/remind', text: 'list', user: 'UREP', channel: 'C0001' });
    const listText = blocksText(list.responses[0]!.body.blocks);
    expect(listText).toContain(id!);
    expect(listText).toContain('0 9 * * 1');
    expect(listText).toContain('带好合规手册');
    expect(listText).not.toContain('非管理员的提醒');
    // Another channel's list does not show it.
    const elsewhere = await h.command({ command: '/remind', text: 'list', user: 'UREP', channel: 'C0TEAM' });
    expect(blocksText(elsewhere.responses[0]!.body.blocks)).not.toContain(id!);

    // Next Monday 09:00 Asia/Shanghai: the chat reminder is posted to C0001.
    const mark = h.fake.calls.length;
    await time.advanceTo('2030-01-14T01:00:30Z', scheduler);
    const posts = since(h, mark, 'chat.postMessage');
    const mine = posts.filter((p) => p.params.channel === 'C0001');
    expect(mine).toHaveLength(1);
    expect(blocksText(mine[0]!.params.blocks)).toContain('带好合规手册');
    // The YAML Monday reminder fired again in its own channel, once.
    expect(posts.filter((p) => p.params.channel === SALES)).toHaveLength(1);
  });
});

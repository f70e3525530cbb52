import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textMessageEvent } from '../../helpers/fake-feishu.js';
import { BOT_MENTION, buttonValues, cardText, hasForm, startFeishuApp, type FeishuAppHarness } from '../../helpers/feishu-app-harness.js';
import { asFormValues, strongApplication, VALID_USCC, VALID_USCC_ZERO_CHECK } from '../../fixtures/credit/applications.js';

/**
 * The features end to end: encrypted, signed Feishu webhook events → the real Feishu adapter →
 * the real application from createApp (knowledge base, answerer, /precheck, /credit workflow,
 * scheduling) → cards sent through the SDK to the fake open API.
 */

const contract = (name: string) => readFileSync(new URL(`../../fixtures/contracts/${name}`, import.meta.url), 'utf8');

describe('Feishu × handbook Q&A (real answerer)', () => {
  let h: FeishuAppHarness;
  beforeAll(async () => {
    h = await startFeishuApp();
  });
  afterAll(async () => h?.close());

  it('answers a Traditional-script handbook question in a DM with a cited card and feedback buttons', async () => {
    const ev = textMessageEvent({ text: '客戶信息應該如何錄入和管理？', chatType: 'p2p', chatId: 'oc_dm_qa', userId: 'ou_rep' });
    const res = await h.send(ev);
    expect(res.status).toBe(200);
    const replies = h.replies();
    expect(replies).toHaveLength(1);
    const r = replies[0]!;
    expect(r.target).toBe(ev.message.message_id);
    expect(r.msgType).toBe('interactive');
    expect(r.replyInThread).toBe(false);
    const text = cardText(r.content);
    // The answer quotes the customer-information section and cites it by number.
    expect(text).toMatch(/錄入.*\[1\]/);
    expect(text).toContain('**[1]**');
    expect(text).toMatch(/\*\*\[1\]\*\* [^\n]*客戶/);
    // Traditional script throughout: the answer, the citations and the button labels.
    expect(text).toContain('客戶');
    expect(text).not.toMatch(/客户|录入|信息录|关系管理系统/);
    const values = buttonValues(r.content);
    const feedback = values.filter((v) => v.action === 'feedback');
    expect(feedback.map((v) => v.value.split(':')[1])).toEqual(['up', 'down']);
    expect(JSON.stringify(r.content)).toContain('有幫助');
    expect(values.some((v) => v.action === 'share')).toBe(true);

    // The 👍 button records feedback in the app's analytics.
    const up = await h.cardAction({ operator: 'ou_rep', value: feedback[0], chatId: 'oc_dm_qa', messageId: r.messageId });
    expect(up.status).toBe(200);
    expect(up.json.toast.type).toBe('success');
    expect((await h.app.analytics.stats()).feedback).toEqual({ up: 1, down: 0 });
  });

  it('answers an off-topic question with the not-covered card (no citations)', async () => {
    const before = h.replies().length;
    await h.send(textMessageEvent({ text: '明天上海会下雨吗？', chatType: 'p2p', chatId: 'oc_dm_qa2', userId: 'ou_rep' }));
    const replies = h.replies();
    expect(replies).toHaveLength(before + 1);
    const card = replies.at(-1)!.content;
    expect(card.config.summary.content).toBe('手册没有涵盖这个问题');
    const text = cardText(card);
    expect(text).toContain('手册里没有找到');
    expect(text).not.toContain('**[1]**');
    expect(text).not.toContain('📚');
  });
});

describe('Feishu × /precheck (real pre-check engine)', () => {
  let h: FeishuAppHarness;
  beforeAll(async () => {
    h = await startFeishuApp();
  });
  afterAll(async () => h?.close());

  const auditRows = () =>
    h.app.db.selectFrom('precheck_audit').select(['platform', 'source', 'verdict', 'rule_ids']).orderBy('id').execute();

  it('checks a pasted contract: result card with deposit.over-cap and dispute.ambiguous, verdict block', async () => {
    const ev = textMessageEvent({ text: `/precheck ${contract('d3-deposit-ambiguous.txt')}`, chatType: 'p2p', chatId: 'oc_dm_pc', userId: 'ou_rep' });
    await h.send(ev);
    const replies = h.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.target).toBe(ev.message.message_id);
    const card = replies[0]!.content;
    // The verdict is the card header.
    expect(card.header.title.content).toContain('🔴');
    expect(card.header.title.content).toContain('不通过');
    const text = cardText(card);
    expect(text).toContain('`deposit.over-cap`');
    expect(text).toContain('`dispute.ambiguous`');
    expect(text).not.toContain('`kickback`');
    expect(text).not.toContain('`amount.mismatch`');
    // The offending clause is quoted, with its basis.
    expect(text).toContain('240,000');
    expect(text).toMatch(/第五百八十六/);
    expect((await auditRows()).at(-1)).toMatchObject({ platform: 'feishu', source: 'text', verdict: 'block' });
    expect((await auditRows()).at(-1)!.rule_ids).toContain('deposit.over-cap');
  });

  it('checks a .txt contract sent as a file message (downloaded through messageResource)', async () => {
    const ev = textMessageEvent({
      text: '',
      chatType: 'p2p',
      chatId: 'oc_dm_pc',
      userId: 'ou_rep',
      messageType: 'file',
      content: { file_key: 'file_v2_contract', file_name: '回扣合同.txt' },
    });
    h.fake.addResource(ev.message.message_id, 'file_v2_contract', Buffer.from(contract('d2-amount-kickback.txt')), 'text/plain');
    await h.send(ev);
    expect(h.fake.callsTo(/resources\/file_v2_contract$/)).toHaveLength(1);
    const card = h.replies().at(-1)!.content;
    expect(h.replies().at(-1)!.target).toBe(ev.message.message_id);
    expect(card.header.title.content).toContain('不通过');
    const text = cardText(card);
    expect(text).toContain('回扣合同.txt');
    expect(text).toContain('`kickback`');
    expect(text).toContain('`amount.mismatch`');
    expect(text).not.toContain('`deposit.over-cap`');
    expect((await auditRows()).at(-1)).toMatchObject({ platform: 'feishu', source: 'file', verdict: 'block' });
  });

  it('refuses an unsupported file type with a reply naming the supported ones', async () => {
    const before = (await auditRows()).length;
    const ev = textMessageEvent({
      text: '',
      chatType: 'p2p',
      chatId: 'oc_dm_pc',
      userId: 'ou_rep',
      messageType: 'file',
      content: { file_key: 'file_v2_exe', file_name: 'setup.exe' },
    });
    h.fake.addResource(ev.message.message_id, 'file_v2_exe', Buffer.from('MZ\x90\x00 not a contract'), 'application/octet-stream');
    await h.send(ev);
    const reply = h.replies().at(-1)!;
    expect(reply.target).toBe(ev.message.message_id);
    const text = cardText(reply.content);
    expect(text).toContain('.exe');
    for (const ext of ['.docx', '.pdf', '.txt']) expect(text).toContain(ext);
    expect(text).toMatch(/不支持/);
    expect(text).not.toContain('合同预审');
    expect(await auditRows()).toHaveLength(before);
  });
});

describe('Feishu × /credit (form, approval chat, roles)', () => {
  let h: FeishuAppHarness;
  let submit: any;
  const logLines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    h = await startFeishuApp({ log: pino({ level: 'info' }, sink) });
  });
  afterAll(async () => h?.close());

  const approvalCards = () => h.created('oc_fin');
  const dmsTo = (openId: string) => h.created(openId);
  const pressOn = (card: { content: any; messageId: string }, actionId: string) => {
    const v = buttonValues(card.content).find((x) => x.action === actionId);
    expect(v).toBeTruthy();
    return v;
  };

  it('/credit opens the card form; an invalid field gets a toast naming it and the form is kept', async () => {
    await h.send(textMessageEvent({ text: '/credit', chatType: 'p2p', chatId: 'oc_dm_rep', userId: 'ou_rep' }));
    const formCard = h.replies().map((r) => r.content).find(hasForm);
    expect(formCard).toBeTruthy();
    const text = JSON.stringify(formCard);
    for (const field of ['customerName', 'uscc', 'requestedLimit', 'requestedTermDays', 'guaranteeType', 'badDebt2y', 'reason']) {
      expect(text).toContain(`"name":"${field}"`);
    }
    submit = buttonValues(formCard).find((v) => v.form === 'credit.apply');
    expect(submit).toBeTruthy();

    // Wrong USCC check character (…Y43 → …Y44) and a limit that is not a number.
    const values = { ...asFormValues(strongApplication({ requestedLimit: 150_000, requestedTermDays: 30 })), uscc: '91350100M000100Y44', requestedLimit: '很多' };
    const bad = await h.cardAction({ operator: 'ou_rep', value: submit, formValue: values, chatId: 'oc_dm_rep' });
    expect(bad.status).toBe(200);
    expect(bad.json.toast.type).toBe('error');
    expect(bad.json.toast.content).toContain('统一社会信用代码');
    expect(bad.json.toast.content).toContain('申请额度');
    expect(bad.json.toast.content).not.toContain('客户名称');
    // The form stays as typed: no replacement card; nothing reaches the approvers.
    expect(bad.json.card).toBeUndefined();
    expect(approvalCards()).toHaveLength(0);
  });

  it('a valid submission goes to the approval chat; outsiders are refused; manager then finance approve; the line is stored', async () => {
    expect(submit).toBeTruthy();
    const values = asFormValues(strongApplication({ requestedLimit: 150_000, requestedTermDays: 30, reason: '常规补货' }));
    const ok = await h.cardAction({ operator: 'ou_rep', value: submit, formValue: values, chatId: 'oc_dm_rep', messageId: 'om_form_1' });
    // Cards and notices are sent from the outbox, after the callback's answer.
    await h.app.credit.workflow.idle();
    expect(ok.json.toast.type).toBe('success');
    const submitted = cardText(ok.json.card.data);
    expect(submitted).toContain('信用申请已提交');
    const id = /CR-[0-9A-F]{8}/.exec(submitted)?.[0];
    expect(id).toBeTruthy();

    // One approval card in the configured Feishu chat, for the sales manager, with Approve / Reject.
    expect(h.createCalls()).toContainEqual({ type: 'chat_id', id: 'oc_fin' });
    expect(approvalCards()).toHaveLength(1);
    const step0 = approvalCards()[0]!;
    expect(cardText(step0.content)).toContain(`待审批 信用申请 ${id}（第 1/2 步：销售经理`);
    const approve0 = pressOn(step0, 'credit.approve');
    const reject0 = pressOn(step0, 'credit.reject');
    expect(approve0.value).toBe(`${id}:0`);
    expect(reject0.needsReason).toBe(true);

    // Refused: someone outside the application, the finance approver before their step, the applicant.
    const outsider = await h.cardAction({ operator: 'ou_stranger', value: approve0, chatId: 'oc_fin', messageId: step0.messageId });
    expect(outsider.json.toast.type).toBe('error');
    expect(outsider.json.toast.content).toContain('无权');
    expect(outsider.json.card).toBeUndefined();
    const early = await h.cardAction({ operator: 'ou_fin', value: approve0, chatId: 'oc_fin', messageId: step0.messageId });
    expect(early.json.toast.content).toContain('当前步骤不由你审批');
    const self = await h.cardAction({ operator: 'ou_rep', value: approve0, chatId: 'oc_fin', messageId: step0.messageId });
    expect(self.json.toast.content).toContain('不能审批自己');
    expect((await h.app.credit.workflow.statusFor({ platform: 'feishu', userId: 'ou_rep' }, id!))!.decisions).toHaveLength(0);
    expect(approvalCards()).toHaveLength(1);
    expect(dmsTo('ou_rep')).toHaveLength(0);

    // The sales manager approves: the card loses its buttons, the applicant hears, finance gets a card.
    const mgr = await h.cardAction({ operator: 'ou_mgr', value: approve0, chatId: 'oc_fin', messageId: step0.messageId });
    await h.app.credit.workflow.idle();
    expect(mgr.json.toast.type).toBe('success');
    expect(mgr.json.toast.content).toContain(id);
    expect(buttonValues(mgr.json.card.data)).toHaveLength(0);
    expect(cardText(mgr.json.card.data)).toContain('已批准');
    expect(dmsTo('ou_rep')).toHaveLength(1);
    expect(cardText(dmsTo('ou_rep')[0]!.content)).toContain('等待财务');
    expect(approvalCards()).toHaveLength(2);
    const step1 = approvalCards()[1]!;
    expect(cardText(step1.content)).toContain('第 2/2 步：财务');
    const approve1 = pressOn(step1, 'credit.approve');
    expect(approve1.value).toBe(`${id}:1`);
    expect((await h.app.credit.workflow.findApprovedLine({ uscc: VALID_USCC }))).toBeNull();

    // The manager cannot sign the finance step too.
    const twice = await h.cardAction({ operator: 'ou_mgr', value: approve1, chatId: 'oc_fin', messageId: step1.messageId });
    expect(twice.json.toast.type).toBe('error');

    // Finance approves (≤ 200,000: last step): applicant notified by open_id, line stored.
    const fin = await h.cardAction({ operator: 'ou_fin', value: approve1, chatId: 'oc_fin', messageId: step1.messageId });
    await h.app.credit.workflow.idle();
    expect(fin.json.toast.content).toContain('授信已生效');
    const dms = dmsTo('ou_rep');
    expect(dms).toHaveLength(2);
    expect(h.createCalls().filter((c) => c.id === 'ou_rep').every((c) => c.type === 'open_id')).toBe(true);
    const final = cardText(dms[1]!.content);
    expect(final).toContain('已全部审批通过');
    expect(final).toContain('150,000 元');
    expect(approvalCards()).toHaveLength(2);
    const line = (await h.app.credit.workflow.findApprovedLine({ uscc: VALID_USCC }));
    expect(line).toMatchObject({ customerName: '福建示例贸易有限公司', limit: 150_000, termDays: 30 });
    expect(line!.validUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await h.app.credit.workflow.findApprovedLine({ customerName: '福建示例贸易有限公司' }))).toMatchObject({ limit: 150_000 });

    // A press on the old card after the fact changes nothing.
    const late = await h.cardAction({ operator: 'ou_mgr', value: approve0, chatId: 'oc_fin', messageId: step0.messageId });
    expect(late.json.toast.type).toBe('warning');
    expect(dmsTo('ou_rep')).toHaveLength(2);

    // Refused presses are logged by who and which application, never with the customer's figures.
    const refused = logLines.map((l) => JSON.parse(l)).filter((l) => l.event === 'credit.action_refused');
    expect(refused.map((l) => [l.why, l.userId, l.applicationId])).toEqual([
      ['outsider', 'ou_stranger', id],
      ['not_current_approver', 'ou_fin', id],
      ['self_approval', 'ou_rep', id],
      ['not_current_approver', 'ou_mgr', id],
      ['closed', 'ou_mgr', id],
    ]);
    const all = logLines.join('');
    for (const figure of ['30000000', '5000000', '300000', '福建示例贸易']) expect(all).not.toContain(figure);
  });

  it('rejecting needs a reason (card form input); the applicant is told why and nothing is stored', async () => {
    const values = asFormValues(
      strongApplication({ customerName: '深圳示例电子有限公司', uscc: VALID_USCC_ZERO_CHECK, requestedLimit: 180_000, requestedTermDays: 30 }),
    );
    const ok = await h.cardAction({ operator: 'ou_rep2', value: submit, formValue: values, chatId: 'oc_dm_rep2' });
    await h.app.credit.workflow.idle();
    expect(ok.json.toast.type).toBe('success');
    const id = /CR-[0-9A-F]{8}/.exec(cardText(ok.json.card.data))![0];
    const card = approvalCards().find((c) => cardText(c.content).includes(id))!;
    expect(card).toBeTruthy();
    const reject = pressOn(card, 'credit.reject');
    const cardsBefore = approvalCards().length;

    const empty = await h.cardAction({ operator: 'ou_mgr', value: reject, formValue: { reason: '   ' }, chatId: 'oc_fin', messageId: card.messageId });
    expect(empty.json.toast.type).toBe('error');
    expect(empty.json.toast.content).toContain('原因');
    expect((await h.app.credit.workflow.statusFor({ platform: 'feishu', userId: 'ou_rep2' }, id))!.status).toBe('pending');

    const rejected = await h.cardAction({
      operator: 'ou_mgr',
      value: reject,
      formValue: { reason: '额度过高，需补充担保' },
      chatId: 'oc_fin',
      messageId: card.messageId,
    });
    await h.app.credit.workflow.idle();
    expect(rejected.json.toast.type).toBe('success');
    expect(rejected.json.toast.content).toContain('已驳回');
    expect(buttonValues(rejected.json.card.data)).toHaveLength(0);
    const status = (await h.app.credit.workflow.statusFor({ platform: 'feishu', userId: 'ou_rep2' }, id))!;
    expect(status.status).toBe('rejected');
    expect(status.decisions).toMatchObject([{ decision: 'reject', reason: '额度过高，需补充担保', by: { platform: 'feishu', userId: 'ou_mgr' } }]);
    const dm = dmsTo('ou_rep2');
    expect(dm).toHaveLength(1);
    expect(cardText(dm[0]!.content)).toContain('驳回');
    expect(cardText(dm[0]!.content)).toContain('额度过高，需补充担保');
    // No card for finance after a rejection, and no credit line.
    expect(approvalCards()).toHaveLength(cardsBefore);
    expect((await h.app.credit.workflow.findApprovedLine({ uscc: VALID_USCC_ZERO_CHECK }))).toBeNull();
  });
});

describe('Feishu × scheduler, /remind and /digest (controllable clock)', () => {
  let h: FeishuAppHarness;
  // Sunday 2026-03-01 12:00 in Asia/Shanghai.
  let nowMs = Date.parse('2026-03-01T04:00:00Z');
  beforeAll(async () => {
    h = await startFeishuApp({ now: () => nowMs });
    await h.app.scheduling.scheduler.start();
  });
  afterAll(async () => h?.close());

  const inGroup = (text: string, userId: string) =>
    textMessageEvent({ text: `@_user_1 ${text}`, chatType: 'group', chatId: 'oc_team', userId, mentions: [BOT_MENTION] });

  it('/remind add by a channel admin is stored and listed; refused for anyone else', async () => {
    await h.send(inGroup('/remind add "0 9 * * 1" 带好合规手册', 'ou_admin'));
    const added = cardText(h.replies().at(-1)!.content);
    expect(added).toContain('已添加提醒');
    const id = /chat-[\w-]+/.exec(added)?.[0];
    expect(id).toBeTruthy();
    expect(h.replies().at(-1)!.replyInThread).toBe(true);

    await h.send(inGroup('/remind add "0 10 * * 2" 非管理员的提醒', 'ou_user'));
    expect(cardText(h.replies().at(-1)!.content)).toContain('只有频道管理员可以添加提醒');

    await h.send(inGroup('/remind list', 'ou_user'));
    const list = cardText(h.replies().at(-1)!.content);
    expect(list).toContain(id!);
    expect(list).toContain('0 9 * * 1');
    expect(list).toContain('带好合规手册');
    expect(list).not.toContain('非管理员的提醒');
    const chatReminders = (await h.app.scheduling.store.listReminders());
    expect(chatReminders).toHaveLength(1);
    expect(chatReminders[0]).toMatchObject({ platform: 'feishu', channelId: 'oc_team', cron: '0 9 * * 1', text: '带好合规手册', createdBy: 'feishu:ou_admin' });
    // Nothing has been posted to the group yet.
    expect(h.created('oc_team')).toHaveLength(0);
  });

  it('at Monday 09:00 Shanghai the scheduler posts the reminder and the YAML handbook topic as cards, once', async () => {
    nowMs = Date.parse('2026-03-02T01:00:05Z');
    await h.app.scheduling.scheduler.tick();
    await h.app.scheduling.scheduler.idle();
    const team = h.created('oc_team');
    expect(team).toHaveLength(1);
    expect(team[0]!.msgType).toBe('interactive');
    expect(cardText(team[0]!.content)).toContain('带好合规手册');
    expect(h.createCalls()).toContainEqual({ type: 'chat_id', id: 'oc_team' });
    // The YAML reminder for the Feishu sales group quotes the handbook with its citation.
    const sales = h.created('oc_sales_group_placeholder');
    expect(sales).toHaveLength(1);
    const topic = cardText(sales[0]!.content);
    expect(topic).toContain('本周合规提醒');
    // The quote is the handbook's own sentence about the topic, in Simplified, with its citation marker.
    expect(topic).toMatch(/「[^」]*必须携带合规手册[^」]*」\[1\]/);
    // Runs recorded as posted with the Feishu message id.
    const run = (await h.app.scheduling.store.getRun('weekly-handbook-on-visits-feishu', new Date('2026-03-02T01:00:00Z')));
    expect(run).toMatchObject({ status: 'posted', messageId: sales[0]!.messageId });

    // Exactly once per fire time: a second tick (or a restart-style reload) posts nothing more.
    nowMs += 30_000;
    await h.app.scheduling.scheduler.tick();
    await h.app.scheduling.scheduler.idle();
    expect(h.created('oc_team')).toHaveLength(1);
    expect(h.created('oc_sales_group_placeholder')).toHaveLength(1);
  });

  it('/digest now posts the next case digest card to the group; the Wednesday YAML digest posts on time', async () => {
    await h.send(inGroup('/digest now', 'ou_admin'));
    expect(cardText(h.replies().at(-1)!.content)).toContain('已在本频道发布案例分享');
    const posts = h.created('oc_team');
    expect(posts).toHaveLength(2);
    const digest = cardText(posts[1]!.content);
    expect(digest).toContain('合规案例分享');
    expect(digest.match(/\*\*教训：\*\*/g)?.length).toBe(3);

    nowMs = Date.parse('2026-03-04T08:00:05Z'); // Wednesday 16:00 Shanghai
    await h.app.scheduling.scheduler.tick();
    await h.app.scheduling.scheduler.idle();
    const weekly = h.created('oc_sales_group_placeholder');
    expect(weekly).toHaveLength(2);
    const text = cardText(weekly[1]!.content);
    expect(text).toContain('每周合规案例分享');
    expect(text.match(/\*\*教训：\*\*/g)?.length).toBe(3);
    const run = (await h.app.scheduling.store.getRun('weekly-case-digest-feishu', new Date('2026-03-04T08:00:00Z')));
    expect(run?.status).toBe('posted');
    expect(run?.caseIds).toHaveLength(3);
  });
});

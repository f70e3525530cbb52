import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_NOT_STORED, redactPersonalData } from '../../src/analytics/redact.js';
import { eventBody, FAKE_BOT_USER, JSON_TYPE } from '../helpers/fake-slack.js';
import { BOT_MENTION, cardText, startFeishuApp, type FeishuAppHarness } from '../helpers/feishu-app-harness.js';
import { textMessageEvent } from '../helpers/fake-feishu.js';
import { blocksText, startSlackApp, type SlackAppHarness } from '../helpers/slack-app-harness.js';

/**
 * Issue 15, privacy: a credit record (customer, 5C score, limit) reaches only the applicant and
 * the approvers, privately, wherever `/credit …` was typed; contract text is not kept when
 * PRECHECK_STORE_TEXT is false; the questions table keeps no account numbers.
 */

const fixture = (...p: string[]) => readFileSync(path.join('tests', 'fixtures', ...p), 'utf8');
const CUSTOMER = '上海浦江示范仪器有限公司';
const application = (customerName: string) =>
  JSON.stringify({ ...JSON.parse(fixture('credit', 'valid-a.json')), customerName, requestedLimit: 120000 });

let eventSeq = 0;
const mention = (text: string, user = 'UREP', channel = 'C0SALES') => ({
  type: 'app_mention',
  user,
  text: `<@${FAKE_BOT_USER}> ${text}`,
  ts: `1700001${String(++eventSeq).padStart(3, '0')}.000100`,
  channel,
  channel_type: 'channel',
});

describe('Slack: credit records typed in a channel stay private', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp();
  });
  afterAll(async () => h?.close());

  it('a /credit {json} mention and a /credit status mention answer ephemerally; nothing public names the customer', async () => {
    const mark = h.fake.calls.length;
    await h.send(eventBody(mention(`/credit ${application(CUSTOMER)}`), `EvP${++eventSeq}`), JSON_TYPE);
    const submitted = await h.fake.waitFor(() => h.fake.calls.slice(mark).find((c) => c.method === 'chat.postEphemeral' && blocksText(c.params.blocks).includes('CR-')));
    expect(submitted.params.user).toBe('UREP');
    const appId = /CR-[0-9A-F]+/.exec(blocksText(submitted.params.blocks))![0];

    await h.send(eventBody(mention(`/credit status ${appId}`), `EvP${++eventSeq}`), JSON_TYPE);
    const status = await h.fake.waitFor(() =>
      h.fake.calls.slice(mark).find((c) => c.method === 'chat.postEphemeral' && c !== submitted && blocksText(c.params.blocks).includes(appId)),
    );
    expect(status.params.channel).toBe('C0SALES');
    expect(status.params.user).toBe('UREP');
    // Public posts in the sales channel (placeholders, updates) never carry the record.
    const publicInSales = h.fake.calls
      .slice(mark)
      .filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.params.channel === 'C0SALES');
    for (const c of publicInSales) expect(JSON.stringify(c.params)).not.toContain(CUSTOMER);
  });

  it('the slash command /credit status is ephemeral too (the response_url, never in_channel)', async () => {
    const { responses } = await h.command({ command: '/credit', text: application('苏州示例电子有限公司'), user: 'UREP3' });
    const appId = /CR-[0-9A-F]+/.exec(blocksText(responses[0]!.body.blocks))![0];
    expect(responses[0]!.body.response_type).toBe('ephemeral');
    const status = await h.command({ command: '/credit', text: `status ${appId}`, user: 'UREP3' });
    expect(status.responses[0]!.body.response_type).toBe('ephemeral');
  });

  it('a handbook question in the channel is still answered in the thread (public), not privately', async () => {
    const mark = h.fake.calls.length;
    await h.send(eventBody(mention('可以收客户回扣吗？'), `EvP${++eventSeq}`), JSON_TYPE);
    const update = await h.fake.waitFor(() => h.fake.calls.slice(mark).find((c) => c.method === 'chat.update'), 30_000); // the first answer opens the index
    expect(update.params.channel).toBe('C0SALES');
    expect(h.fake.calls.slice(mark).some((c) => c.method === 'chat.postEphemeral')).toBe(false);
  });
});

describe('Feishu: /credit in a group goes to the applicant by direct message', () => {
  let h: FeishuAppHarness;
  beforeAll(async () => {
    h = await startFeishuApp();
  });
  afterAll(async () => h?.close());

  it('the group thread only says where the answer went; the record is a DM', async () => {
    await h.send(textMessageEvent({ text: `@_user_1 /credit ${application(CUSTOMER)}`, chatType: 'group', userId: 'ou_rep', mentions: [BOT_MENTION] }));
    const dm = h.created('ou_rep');
    expect(dm.length).toBeGreaterThan(0);
    expect(dm.map((m) => JSON.stringify(m.content)).join('')).toContain(CUSTOMER);
    for (const r of h.replies()) expect(JSON.stringify(r.content)).not.toContain(CUSTOMER);
    const appId = /CR-[0-9A-F]+/.exec(dm.map((m) => JSON.stringify(m.content)).join(''))![0];
    const before = h.replies().length;
    await h.send(textMessageEvent({ text: `@_user_1 /credit status ${appId}`, chatType: 'group', userId: 'ou_rep', mentions: [BOT_MENTION] }));
    const newReplies = h.replies().slice(before);
    expect(newReplies.length).toBe(1);
    expect(JSON.stringify(newReplies[0]!.content)).not.toContain(CUSTOMER);
    expect(cardText(newReplies[0]!.content)).not.toContain(appId.slice(3));
  });
});

describe('PRECHECK_STORE_TEXT=false is honoured for shared replies and questions', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp({ PRECHECK_STORE_TEXT: 'false' });
  });
  afterAll(async () => h?.close());

  it('a pre-check report is not kept for the Share button, and a contract pasted as a question is not stored', async () => {
    const contract = fixture('contracts', 'd2-amount-kickback.txt');
    const { responses } = await h.command({ command: '/precheck', text: contract });
    expect(blocksText(responses[0]!.body.blocks)).not.toContain('share:');
    const kept = await h.app.db.selectFrom('shared_replies').select('reply_json').execute();
    for (const row of kept) expect(row.reply_json).not.toContain(contract.slice(0, 40));

    await h.command({ command: '/ask', text: contract.slice(0, 1500) });
    const questions = await h.app.db.selectFrom('questions').select('question').execute();
    expect(questions.map((q) => q.question)).toContain(CONTRACT_NOT_STORED);
    expect(questions.map((q) => q.question).join('\n')).not.toContain(contract.slice(0, 40));
  });

  it('a short question keeps its wording, minus account and phone numbers', async () => {
    await h.command({ command: '/ask', text: '客户让我把货款打到 6222 0212 3456 7890 这个账户可以吗' });
    const questions = (await h.app.db.selectFrom('questions').select('question').execute()).map((q) => q.question);
    const kept = questions.find((q) => q.startsWith('客户让我把货款'));
    expect(kept).toBe('客户让我把货款打到 [number] 这个账户可以吗');
  });
});

describe('redactPersonalData', () => {
  it('replaces long numbers, codes, e-mails and mentions but keeps amounts and years', () => {
    expect(redactPersonalData('账号 6217-0000-1111-2222，电话13812345678，邮箱 a.b@example.cn')).toBe('账号 [number]，电话[number]，邮箱 [email]');
    expect(redactPersonalData('<@U123ABC> 统一代码 91350100M000100Y43')).toBe('[@] 统一代码 [number]');
    expect(redactPersonalData('2024 年定金不超过 30% 即 150,000 元吗')).toBe('2024 年定金不超过 30% 即 150,000 元吗');
  });
});

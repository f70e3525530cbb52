import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { textReply } from '../../../src/core/replies.js';
import type { IncomingAction, IncomingCommand, Reply } from '../../../src/core/types.js';
import pino from 'pino';
import { silentLogger as log, type Logger } from '../../../src/log/logger.js';
import { APOLOGY_TEXT, createSlackAdapter, SEARCHING_TEXT, type SlackAdapter } from '../../../src/platforms/slack/adapter.js';
import { HttpServer } from '../../../src/server/http.js';
import { openDatabase, type Db } from '../../../src/storage/db.js';
import { createTestCore, ScriptedAnswerer } from '../../helpers/core.js';
import {
  commandBody,
  eventBody,
  FAKE_BOT_ID,
  FAKE_BOT_USER,
  FakeSlack,
  FORM,
  interactionBody,
  JSON_TYPE,
  sendSigned,
  type FakeCall,
} from '../../helpers/fake-slack.js';

const SECRET = 'test-signing-secret-0123456789';
const TOKEN = 'xoxb-test-token';

interface Harness {
  fake: FakeSlack;
  server: HttpServer;
  adapter: SlackAdapter;
  url: string;
  core: ReturnType<typeof createTestCore>['core'];
  analytics: ReturnType<typeof createTestCore>['analytics'];
  answerer: ScriptedAnswerer;
  db: Db;
  send(body: string, type: string, extra?: Partial<Parameters<typeof sendSigned>[3]>): ReturnType<typeof sendSigned>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: { db?: Db; fake?: FakeSlack; log?: Logger; answerer?: ScriptedAnswerer } = {}): Promise<Harness> {
  const fake = opts.fake ?? (await new FakeSlack(TOKEN).start());
  if (!opts.fake) cleanups.push(() => fake.stop());
  const answerer = opts.answerer ?? new ScriptedAnswerer();
  const { core, analytics, db } = createTestCore(opts.db ?? openDatabase(':memory:'), answerer);
  const server = new HttpServer();
  const adapter = createSlackAdapter({
    config: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: 0 },
    core,
    server,
    log: opts.log ?? log,
    retry: { retries: 2, minTimeoutMs: 20, maxTimeoutMs: 100 },
    formAckBudgetMs: 1500,
  });
  await adapter.start();
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(async () => {
    await adapter.stop();
    await server.close();
  });
  const url = `http://127.0.0.1:${port}/slack/events`;
  return {
    fake,
    server,
    adapter,
    url,
    core,
    analytics,
    answerer,
    db,
    send: (body, type, extra = {}) => sendSigned(url, body, type, { secret: SECRET, ...extra }),
  };
}

function blocksText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

function buttons(blocks: any[]): { action_id: string; value: string }[] {
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
}

function mention(text: string, ts: string, extra: Record<string, unknown> = {}) {
  return { type: 'app_mention', user: 'U0001', text, ts, channel: 'C0001', event_ts: ts, ...extra };
}

function blockAction(h: Harness, p: { actionId: string; value: string; responseUrl: string; ephemeral?: boolean; messageTs?: string; threadTs?: string }) {
  return interactionBody({
    type: 'block_actions',
    user: { id: 'U0001', username: 'alice', team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy',
    container: { type: 'message', message_ts: p.messageTs ?? '1700000000.000001', channel_id: 'C0001', is_ephemeral: p.ephemeral ?? true, ...(p.threadTs ? { thread_ts: p.threadTs } : {}) },
    trigger_id: `trig-${Math.random()}`,
    team: { id: 'T0001', domain: 'fake' },
    channel: { id: 'C0001', name: 'sales' },
    ...(p.ephemeral === false ? { message: { ts: p.messageTs, thread_ts: p.threadTs, type: 'message' } } : {}),
    response_url: p.responseUrl,
    actions: [{ action_id: p.actionId, block_id: 'b1', value: p.value, type: 'button', action_ts: `${Date.now() / 1000}${Math.random()}` }],
  });
}

async function askViaCommand(h: Harness, question = '可以给客户回扣吗？') {
  const responseUrl = h.fake.responseUrl();
  const res = await h.send(commandBody({ command: '/ask', text: question, response_url: responseUrl }), FORM);
  const id = responseUrl.split('/').pop()!;
  const [answer] = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null));
  return { res, answer: answer!, responseUrl, id };
}

describe('Slack adapter over signed HTTP (Bolt HTTPReceiver on the shared server)', () => {
  it('acks a slash command at once and answers ephemerally via response_url with citations and a share button', async () => {
    const h = await setup();
    const { res, answer } = await askViaCommand(h);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1000);
    expect(answer.body.response_type).toBe('ephemeral');
    const blocks = blocksText(answer.body.blocks);
    expect(blocks).toContain('[1]');
    expect(blocks).toContain('銷售部管理規章制度修訂版');
    expect(blocks).toContain('不得收受客戶賄賂、回扣');
    expect(answer.body.text).toBeTruthy();
    const ids = buttons(answer.body.blocks).map((b) => b.action_id);
    expect(ids.some((id) => id.startsWith('share:'))).toBe(true);
    expect(ids.filter((id) => id.startsWith('feedback:'))).toHaveLength(2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(h.answerer.calls).toHaveLength(1);
    // /healthz still served by the same server.
    const health = await fetch(h.url.replace('/slack/events', '/healthz'));
    expect(health.status).toBe(200);
  });

  it('answers an app_mention in its thread: "Searching…" first, then chat.update in place', async () => {
    const h = await setup();
    const res = await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 可以收回扣吗？`, '1700000100.000100'), 'Ev001'), JSON_TYPE);
    expect(res.status).toBe(200);
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update')[0]);
    const [placeholder] = h.fake.callsTo('chat.postMessage');
    expect(placeholder!.params.thread_ts).toBe('1700000100.000100');
    expect(placeholder!.params.text).toBe(SEARCHING_TEXT);
    expect(placeholder!.params.channel).toBe('C0001');
    expect(update.params.channel).toBe('C0001');
    expect(blocksText(update.params.blocks)).toContain('[1]');
    expect(h.answerer.calls[0]!.question).toBe('可以收回扣吗？');
    // An answer already visible to the channel gets no share button.
    expect(buttons(update.params.blocks).some((b) => b.action_id.startsWith('share:'))).toBe(false);
  });

  it('stop() waits for an answer already acknowledged before it returns', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class GatedAnswerer extends ScriptedAnswerer {
      override async ask(question: string, conversationId?: string) {
        const answer = super.ask(question, conversationId);
        await gate;
        return answer;
      }
    }
    const h = await setup({ answerer: new GatedAnswerer() });
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 可以收回扣吗？`, '1700000150.000100'), 'Ev050'), JSON_TYPE);
    await h.fake.waitFor(() => h.answerer.calls.length === 1);
    let stopped = false;
    const stopping = h.adapter.stop().then(() => (stopped = true));
    // The answer is still held at the gate: stop() must not have returned.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    release();
    await stopping;
    expect(blocksText(h.fake.callsTo('chat.update')[0]?.params.blocks)).toContain('[1]');
  });

  it('a follow-up mention in the same thread continues the same conversation', async () => {
    const h = await setup();
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 可以收回扣吗？`, '1700000200.000100'), 'Ev101'), JSON_TYPE);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === 1);
    await h.send(
      eventBody(mention(`<@${FAKE_BOT_USER}> 那金额小的呢？`, '1700000300.000100', { thread_ts: '1700000200.000100' }), 'Ev102'),
      JSON_TYPE,
    );
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === 2);
    expect(h.answerer.calls).toHaveLength(2);
    expect(h.answerer.calls[1]!.conversationId).toBe(h.answerer.calls[0]!.conversationId);
    expect(h.answerer.calls[1]!.previous).toBe('可以收回扣吗？');
    const posts = h.fake.callsTo('chat.postMessage');
    expect(posts[1]!.params.thread_ts).toBe('1700000200.000100');
    // The follow-up is on-topic only through the history, so it is answered with the citation.
    expect(blocksText(h.fake.callsTo('chat.update')[1]!.params.blocks)).toContain('[1]');
  });

  it('answers a DM in the DM and ignores edits, deletions, bots and itself', async () => {
    const h = await setup();
    const dm = (extra: Record<string, unknown>, id: string) =>
      h.send(eventBody({ type: 'message', channel: 'D0001', channel_type: 'im', user: 'U0001', ts: `17000004${id.slice(-2)}.000100`, text: '回扣可以吗', ...extra }, id), JSON_TYPE);
    await dm({ subtype: 'message_changed', message: { text: 'edited 回扣' } }, 'EvD01');
    await dm({ subtype: 'message_deleted' }, 'EvD02');
    await dm({ bot_id: 'BOTHER', subtype: 'bot_message' }, 'EvD03');
    await dm({ user: FAKE_BOT_USER, bot_id: FAKE_BOT_ID }, 'EvD04');
    await dm({ subtype: 'channel_join' }, 'EvD05');
    await dm({ channel_type: 'channel', channel: 'C0002' }, 'EvD06');
    await dm({}, 'EvD07');
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.answerer.calls).toHaveLength(1);
    const [post] = h.fake.callsTo('chat.postMessage');
    expect(post!.params.channel).toBe('D0001');
    expect(post!.params.thread_ts).toBeUndefined();
  });

  it('the same event redelivered with x-slack-retry-num produces one answer, acked quickly', async () => {
    const h = await setup();
    const body = eventBody(mention(`<@${FAKE_BOT_USER}> 回扣？`, '1700000500.000100'), 'EvRetry1');
    const first = await h.send(body, JSON_TYPE);
    const second = await h.send(body, JSON_TYPE, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    const third = await h.send(body, JSON_TYPE, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(second.ms).toBeLessThan(1000);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(h.answerer.calls).toHaveLength(1);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.fake.callsTo('chat.update')).toHaveLength(1);
  });

  it('a redelivery after a restart is still recognised (event ids persist in SQLite)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slack-dedupe-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const fake = await new FakeSlack(TOKEN).start();
    cleanups.push(() => fake.stop());
    const file = path.join(dir, 'bot.db');
    const body = eventBody(mention(`<@${FAKE_BOT_USER}> 回扣？`, '1700000600.000100'), 'EvRestart1');

    const db1 = openDatabase(file);
    const h1 = await setup({ db: db1, fake });
    await h1.send(body, JSON_TYPE);
    await fake.waitFor(() => fake.callsTo('chat.update').length === 1);
    await h1.adapter.stop();
    db1.close();

    const db2 = openDatabase(file);
    cleanups.push(() => {
      db2.close();
    });
    const h2 = await setup({ db: db2, fake });
    const again = await h2.send(body, JSON_TYPE, { headers: { 'x-slack-retry-num': '1' } });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(h2.answerer.calls).toHaveLength(0);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('rejects a bad signature, a missing signature and a stale timestamp with 401', async () => {
    const h = await setup();
    const body = commandBody({ command: '/ask', text: '回扣？', response_url: h.fake.responseUrl() });
    const bad = await h.send(body, FORM, { signature: 'v0=' + '0'.repeat(64) });
    const missing = await h.send(body, FORM, { signature: null });
    const stale = await h.send(body, FORM, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const otherSecret = await sendSigned(h.url, body, FORM, { secret: 'not-the-secret' });
    expect([bad.status, missing.status, stale.status, otherSecret.status]).toEqual([401, 401, 401, 401]);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.answerer.calls).toHaveLength(0);
    expect(h.fake.responses).toHaveLength(0);
    // A fresh, correctly signed request still works.
    const ok = await h.send(body, FORM);
    expect(ok.status).toBe(200);
  });

  it('👍 stores feedback and tells only the clicker', async () => {
    const h = await setup();
    const { answer, responseUrl, id } = await askViaCommand(h);
    const up = buttons(answer.body.blocks).find((b) => b.action_id.startsWith('feedback:') && b.value.endsWith(':up'))!;
    const res = await h.send(blockAction(h, { actionId: up.action_id, value: up.value, responseUrl }), FORM);
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.fake.responsesTo(id).length === 2);
    expect(h.analytics.stats().feedback).toEqual({ up: 1, down: 0 });
    const toast = h.fake.responsesTo(id)[1]!;
    expect(toast.body.response_type).toBe('ephemeral');
    expect(toast.body.replace_original).toBe(false);
  });

  it('👍 on a threaded (visible) answer answers with chat.postEphemeral in the thread', async () => {
    const h = await setup();
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 回扣？`, '1700000700.000100'), 'EvFb1'), JSON_TYPE);
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update')[0]);
    const down = buttons(update.params.blocks).find((b) => b.value.endsWith(':down'))!;
    await h.send(
      blockAction(h, { actionId: down.action_id, value: down.value, responseUrl: h.fake.responseUrl(), ephemeral: false, messageTs: update.params.ts, threadTs: '1700000700.000100' }),
      FORM,
    );
    const eph = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0]);
    expect(eph.params.user).toBe('U0001');
    expect(eph.params.thread_ts).toBe('1700000700.000100');
    expect(h.analytics.stats().feedback.down).toBe(1);
  });

  it('the share button posts the answer in the channel', async () => {
    const h = await setup();
    const { answer, responseUrl } = await askViaCommand(h);
    const share = buttons(answer.body.blocks).find((b) => b.action_id.startsWith('share:'))!;
    await h.send(blockAction(h, { actionId: share.action_id, value: share.value, responseUrl }), FORM);
    const post = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage')[0]);
    expect(post.params.channel).toBe('C0001');
    expect(blocksText(post.params.blocks)).toContain('[1]');
    expect(buttons(post.params.blocks).some((b) => b.action_id.startsWith('share:'))).toBe(false);
  });

  it('routes every core command generically, including ones registered later', async () => {
    const h = await setup();
    const seen: IncomingCommand[] = [];
    h.core.registerCommand({
      name: 'credit',
      summary: 'credit test',
      usage: '/credit ACME',
      handle: async (args, ctx) => {
        seen.push({ ...ctx.origin, name: 'credit', args });
        return { ...textReply(`credit for ${args}`), visibility: 'in_channel' };
      },
    });
    const rid = h.fake.responseUrl();
    await h.send(commandBody({ command: '/credit', text: 'ACME  Ltd', response_url: rid }), FORM);
    const [resp] = await h.fake.waitFor(() => (h.fake.responsesTo(rid.split('/').pop()!).length ? h.fake.responsesTo(rid.split('/').pop()!) : null));
    expect(seen[0]!.args).toBe('ACME  Ltd');
    expect(seen[0]!.userId).toBe('U0001');
    expect(resp!.body.response_type).toBe('in_channel');
    const helpUrl = h.fake.responseUrl();
    await h.send(commandBody({ command: '/help', response_url: helpUrl }), FORM);
    const [help] = await h.fake.waitFor(() => (h.fake.responsesTo(helpUrl.split('/').pop()!).length ? h.fake.responsesTo(helpUrl.split('/').pop()!) : null));
    expect(blocksText(help!.body.blocks)).toContain('/credit');
    expect(blocksText(help!.body.blocks)).toContain('/ask');
  });

  it('opens a form as a modal, maps field errors to blocks, and posts the result on success', async () => {
    const h = await setup();
    const form: Reply['form'] = {
      id: 'test.form',
      title: 'Test form',
      submitLabel: 'Send',
      fields: [
        { name: 'amount', label: 'Amount', kind: 'number', required: true },
        { name: 'kind', label: 'Kind', kind: 'select', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
      ],
    };
    h.core.registerCommand({ name: 'testform', summary: 't', usage: '/testform', handle: async () => ({ blocks: [], fallbackText: 'form', form }) });
    h.core.registerForm({
      id: 'test.form',
      handle: async (sub) =>
        Number(sub.values.amount) > 0
          ? { ok: true, reply: textReply(`Got ${sub.values.amount} ${sub.values.kind}`) }
          : { ok: false, errors: [{ field: 'amount', message: 'must be positive' }, { field: '_form', message: 'check the form' }] },
    });
    const responseUrl = h.fake.responseUrl();
    await h.send(commandBody({ command: '/testform', response_url: responseUrl, trigger_id: 'trig-form-1' }), FORM);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[0]);
    expect(open.params.trigger_id).toBe('trig-form-1');
    const view = open.params.view;
    expect(view.blocks.map((b: any) => b.block_id)).toEqual(['amount', 'kind']);

    const submission = (amount: string) =>
      interactionBody({
        type: 'view_submission',
        team: { id: 'T0001', domain: 'fake' },
        user: { id: 'U0001', username: 'alice', team_id: 'T0001' },
        api_app_id: 'A0001',
        token: 'legacy',
        trigger_id: 'trig-sub',
        view: {
          ...view,
          id: 'V123',
          team_id: 'T0001',
          hash: 'h',
          state: { values: { amount: { value: { type: 'number_input', value: amount } }, kind: { value: { type: 'static_select', selected_option: { value: 'b' } } } } },
        },
      });
    const bad = await h.send(submission('-1'), FORM);
    expect(bad.status).toBe(200);
    const ackBody = JSON.parse(bad.body);
    expect(ackBody.response_action).toBe('errors');
    expect(ackBody.errors.amount).toContain('must be positive');
    expect(ackBody.errors.amount).toContain('check the form');

    const good = await h.send(submission('5'), FORM);
    expect(good.status).toBe(200);
    expect(good.body).toBe('');
    const id = responseUrl.split('/').pop()!;
    const [resp] = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null));
    expect(blocksText(resp!.body.blocks)).toContain('Got 5 b');
    expect(resp!.body.response_type).toBe('ephemeral');
  });

  it('a button that requires a reason opens a modal and passes the reason to the core', async () => {
    const h = await setup();
    const got: IncomingAction[] = [];
    h.core.registerCommand({
      name: 'testreject',
      summary: 't',
      usage: '/testreject',
      handle: async () => ({ ...textReply('Request #7'), actions: [{ id: 'test.reject', label: 'Reject', value: 'req-7', style: 'danger', requiresReason: true }] }),
    });
    h.core.registerAction({
      id: 'test.reject',
      handle: async (a) => {
        got.push(a);
        return { replaceOriginal: textReply(`Rejected: ${a.reason}`), toast: 'done', toastKind: 'success' };
      },
    });
    const responseUrl = h.fake.responseUrl();
    const id = responseUrl.split('/').pop()!;
    await h.send(commandBody({ command: '/testreject', response_url: responseUrl }), FORM);
    const [msg] = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null));
    const btn = buttons(msg!.body.blocks)[0]!;
    expect(btn.action_id).toMatch(/:r$/);
    await h.send(blockAction(h, { actionId: btn.action_id, value: btn.value, responseUrl }), FORM);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[0]);
    expect(got).toHaveLength(0);
    const view = open.params.view;
    const submit = await h.send(
      interactionBody({
        type: 'view_submission',
        team: { id: 'T0001', domain: 'fake' },
        user: { id: 'U0001', username: 'alice', team_id: 'T0001' },
        api_app_id: 'A0001',
        token: 'legacy',
        view: { ...view, id: 'V9', team_id: 'T0001', hash: 'h', state: { values: { reason: { value: { type: 'plain_text_input', value: '金额超限' } } } } },
      }),
      FORM,
    );
    expect(submit.status).toBe(200);
    await h.fake.waitFor(() => got.length === 1);
    expect(got[0]!.reason).toBe('金额超限');
    expect(got[0]!.value).toBe('req-7');
    const replaced = await h.fake.waitFor(() => h.fake.responsesTo(id).find((r) => r.body.replace_original === true));
    expect(blocksText(replaced.body.blocks)).toContain('Rejected: 金额超限');
  });

  it('waits for Retry-After on a 429 and then succeeds', async () => {
    const h = await setup();
    h.fake.failNext('chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    const started = Date.now();
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 回扣？`, '1700000800.000100'), 'Ev429'), JSON_TYPE);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update')[0], 8000);
    const posts = h.fake.calls.filter((c: FakeCall) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a Web API failure while answering is followed by a short apology, not silence', async () => {
    const h = await setup();
    h.fake.failNext('chat.update', { status: 200, body: { ok: false, error: 'invalid_blocks' } });
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 回扣？`, '1700000900.000100'), 'EvFail'), JSON_TYPE);
    const apology = await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => String(c.params.text).includes(APOLOGY_TEXT.slice(0, 6))));
    expect(apology.params.channel).toBe('C0001');
  });

  it('a failing response_url still gets the asker an apology', async () => {
    const h = await setup();
    const bogus = `${h.fake.origin}/nowhere/1`;
    await h.send(commandBody({ command: '/ask', text: '回扣？', response_url: bogus }), FORM);
    const eph = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0]);
    expect(eph.params.text).toBe(APOLOGY_TEXT);
    expect(eph.params.user).toBe('U0001');
  });

  it('survives malformed payloads and wrong methods', async () => {
    const h = await setup();
    const results = await Promise.all([
      h.send('{"type":"event_callback"}', JSON_TYPE),
      h.send('{"type":"event_callback","event":{"type":"app_mention"}}', JSON_TYPE),
      h.send('{"type":"event_callback","event":{"type":"message","channel_type":"im"}}', JSON_TYPE),
      h.send('payload=%7Bnot-json', FORM),
      h.send(interactionBody({ type: 'block_actions', actions: [] }), FORM),
      h.send('{not json', JSON_TYPE),
    ]);
    for (const r of results) expect(r.status).toBeLessThan(500);
    const get = await fetch(h.url);
    expect(get.status).toBe(405);
    const { answer } = await askViaCommand(h);
    expect(answer.body.response_type).toBe('ephemeral');
  });

  it('answers url_verification challenges', async () => {
    const h = await setup();
    const res = await h.send(JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' }), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(res.body).toContain('abc123');
  });

  it('the precheck message shortcut downloads the message files with the bot token and runs /precheck', async () => {
    const h = await setup();
    const got: { args: string; files: { name: string; text: string }[] }[] = [];
    h.core.registerCommand({
      name: 'precheck',
      summary: 'precheck',
      usage: '/precheck',
      handle: async (args, ctx) => {
        got.push({ args, files: (ctx.files ?? []).map((f) => ({ name: f.name, text: new TextDecoder().decode(f.data) })) });
        return textReply('precheck done');
      },
    });
    const fileUrl = h.fake.addFile('contract.txt', '合同金额 10 万元');
    const responseUrl = h.fake.responseUrl();
    await h.send(
      interactionBody({
        type: 'message_action',
        callback_id: 'precheck_message',
        trigger_id: 'trig-sc',
        response_url: responseUrl,
        message_ts: '1700001000.000100',
        message: {
          type: 'message',
          user: 'U0002',
          ts: '1700001000.000100',
          text: '请看这份合同',
          files: [
            { id: 'F1', name: 'contract.txt', mimetype: 'text/plain', size: 20, url_private_download: fileUrl },
            { id: 'F2', name: 'evil.txt', size: 10, url_private_download: 'https://evil.example.com/steal' },
            { id: 'F3', name: 'huge.pdf', size: 50 * 1024 * 1024, url_private_download: fileUrl },
          ],
        },
        user: { id: 'U0001', name: 'alice' },
        channel: { id: 'C0001', name: 'sales' },
        team: { id: 'T0001', domain: 'fake' },
        token: 'legacy',
        action_ts: '1700001001.000',
      }),
      FORM,
    );
    const id = responseUrl.split('/').pop()!;
    await h.fake.waitFor(() => h.fake.responsesTo(id).length === 1);
    expect(got).toEqual([{ args: '请看这份合同', files: [{ name: 'contract.txt', text: '合同金额 10 万元' }] }]);
    expect(h.fake.downloads).toEqual([{ name: 'contract.txt', authorization: `Bearer ${TOKEN}` }]);
    const note = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0]);
    expect(note.params.text).toContain('huge.pdf');
    expect(note.params.text).toContain('evil.txt');
  });

  it('a file sent in a DM reaches the core as a file (bare file → precheck)', async () => {
    const h = await setup();
    const got: string[] = [];
    h.core.registerCommand({
      name: 'precheck',
      summary: 'precheck',
      usage: '/precheck',
      handle: async (_args, ctx) => {
        got.push(...(ctx.files ?? []).map((f) => `${f.name}:${f.size}`));
        return textReply('ok');
      },
    });
    const fileUrl = h.fake.addFile('c.txt', 'abc');
    await h.send(
      eventBody(
        { type: 'message', subtype: 'file_share', channel: 'D0009', channel_type: 'im', user: 'U0001', ts: '1700001100.000100', text: '', files: [{ id: 'F9', name: 'c.txt', size: 3, url_private_download: fileUrl }] },
        'EvFile1',
      ),
      JSON_TYPE,
    );
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === 1);
    expect(got).toEqual(['c.txt:3']);
  });

  it('the ChatPort posts to channels and DMs users', async () => {
    const h = await setup();
    const ts = await h.core.post({ platform: 'slack', channelId: 'C0042', threadId: '1700001200.000100' }, textReply('Reminder: 月底对账'));
    expect(ts).toBeTruthy();
    const [post] = h.fake.callsTo('chat.postMessage');
    expect(post!.params.channel).toBe('C0042');
    expect(post!.params.thread_ts).toBe('1700001200.000100');
    await h.core.notifyUser('slack', 'U0077', textReply('Approved'));
    expect(h.fake.callsTo('conversations.open')[0]!.params.users).toBe('U0077');
    expect(h.fake.callsTo('chat.postMessage')[1]!.params.channel).toBe('DU0077');
  });

  it('keeps tokens, secrets and message text out of logs above debug, and tokens out of debug too', async () => {
    const lines: { level: number; line: string }[] = [];
    const capture = (level: string) =>
      pino({ level }, { write: (line: string) => void lines.push({ level: JSON.parse(line).level, line }) });
    for (const level of ['info', 'debug']) {
      lines.length = 0;
      const h = await setup({ log: capture(level) });
      await askViaCommand(h, '客户王五要 8 万回扣');
      h.fake.failNext('chat.update', { status: 200, body: { ok: false, error: 'invalid_blocks' } });
      await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 客户王五要 8 万回扣`, `17000013${level.length}0.000100`), `EvLog${level}`), JSON_TYPE);
      await h.fake.waitFor(() => h.fake.callsTo('chat.update').length >= 1);
      await h.send('x=1', FORM, { signature: 'v0=bad' });
      await new Promise((r) => setTimeout(r, 100));
      const all = lines.map((l) => l.line).join('\n');
      expect(lines.length).toBeGreaterThan(0);
      expect(all).not.toContain(TOKEN);
      expect(all).not.toContain(SECRET);
      const aboveDebug = lines.filter((l) => l.level > 20).map((l) => l.line).join('\n');
      expect(aboveDebug).not.toContain('王五');
      expect(aboveDebug).toContain('slack answer failed');
    }
  });

  it('long replies are split: several response_url posts for a command, update + thread posts for a mention', async () => {
    const h = await setup();
    const long: Reply = {
      blocks: Array.from({ length: 70 }, (_, i) => ({ type: 'text' as const, text: `第 ${i} 段。`.padEnd(3500, '长') })),
      actions: [{ id: 'feedback', label: '👍', value: 'nope:up' }],
      fallbackText: 'long reply',
    };
    h.core.registerCommand({ name: 'long', summary: 'l', usage: '/long', handle: async () => long });
    const responseUrl = h.fake.responseUrl();
    const id = responseUrl.split('/').pop()!;
    await h.send(commandBody({ command: '/long', response_url: responseUrl }), FORM);
    const posts = await h.fake.waitFor(() => (h.fake.responsesTo(id).length >= 3 ? h.fake.responsesTo(id) : null));
    for (const p of posts) {
      expect(p.body.blocks.length).toBeLessThanOrEqual(50);
      for (const b of p.body.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000);
      expect(p.body.text).toContain('long reply');
    }
    expect(posts.flatMap((p) => p.body.blocks).filter((b: any) => b.type === 'section')).toHaveLength(140);
    expect(posts.at(-1)!.body.blocks.at(-1).type).toBe('actions');

    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> long`, '1700001400.000100'), 'EvLong'), JSON_TYPE);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length === 1 && h.fake.callsTo('chat.postMessage').length >= 3);
    const threadPosts = h.fake.callsTo('chat.postMessage');
    expect(threadPosts.every((c) => c.params.thread_ts === '1700001400.000100')).toBe(true);
    expect(h.fake.callsTo('chat.update')[0]!.params.blocks.length).toBe(50);
  });
});

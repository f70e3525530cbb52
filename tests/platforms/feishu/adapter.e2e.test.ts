import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Answerer, AskResult } from '../../../src/answer/types.js';
import { EventDeduper } from '../../../src/core/dedupe.js';
import { textReply } from '../../../src/core/replies.js';
import type { Reply } from '../../../src/core/types.js';
import { silentLogger as silentLog } from '../../../src/log/logger.js';
import { createFeishuAdapter, type FeishuAdapter, type FeishuConfig, type FeishuTuning } from '../../../src/platforms/feishu/index.js';
import { cardRequestBytes, CARD_BYTE_LIMIT } from '../../../src/platforms/feishu/render.js';
import { HttpServer } from '../../../src/server/http.js';
import { openDatabase } from '../../../src/storage/db.js';
import { createTestCore, ScriptedAnswerer } from '../../helpers/core.js';
import {
  eventEnvelope,
  FAKE_APP_ID,
  FAKE_APP_SECRET,
  FAKE_BOT_OPEN_ID,
  FakeFeishu,
  postWebhook,
  textMessageEvent,
  waitFor,
  type SentMessage,
} from '../../helpers/fake-feishu.js';

const ENCRYPT_KEY = 'enc-key-for-tests-0001';
const VERIFY_TOKEN = 'verify-token-0001';
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/platform-vectors.json', import.meta.url), 'utf8'));

const botMention = { key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: '合规助手' };

function cardText(card: any): string {
  return JSON.stringify(card);
}

/** Every button value in a card (plain buttons and form submits). */
function buttonValues(card: any): any[] {
  const out: any[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (node.tag === 'button') for (const b of node.behaviors ?? []) if (b.type === 'callback') out.push(b.value);
    for (const v of Object.values(node)) walk(v);
  };
  walk(card);
  return out;
}

interface Harness {
  fake: FakeFeishu;
  server: HttpServer;
  url: string;
  adapter: FeishuAdapter;
  ctx: ReturnType<typeof createTestCore>;
  answerer: ScriptedAnswerer;
  send(event: unknown, opts?: { eventId?: string; type?: string; token?: string }): Promise<{ status: number; json: any }>;
  replies(): SentMessage[];
}

async function setup(
  opts: { tuning?: Partial<FeishuTuning>; answerer?: Answerer; log?: pino.Logger; db?: ReturnType<typeof openDatabase> } = {},
): Promise<Harness> {
  const fake = new FakeFeishu();
  const base = await fake.start();
  const answerer = (opts.answerer ?? new ScriptedAnswerer()) as ScriptedAnswerer;
  const ctx = createTestCore(opts.db ?? openDatabase(':memory:'), answerer);
  const server = new HttpServer();
  const port = await server.listen(0, '127.0.0.1');
  const config: FeishuConfig = {
    FEISHU_APP_ID: FAKE_APP_ID,
    FEISHU_APP_SECRET: FAKE_APP_SECRET,
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: VERIFY_TOKEN,
    FEISHU_DOMAIN: base,
    FEISHU_MODE: 'webhook',
  };
  const adapter = createFeishuAdapter({
    config,
    core: ctx.core,
    server,
    log: opts.log ?? silentLog,
    dedupe: ctx.dedupe,
    tuning: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, progressDelayMs: 5_000, ...opts.tuning },
  });
  await adapter.start();
  const url = `http://127.0.0.1:${port}/feishu/events`;
  return {
    fake,
    server,
    url,
    adapter,
    ctx,
    answerer,
    async send(event, o = {}) {
      const env = eventEnvelope(o.type ?? 'im.message.receive_v1', event, { eventId: o.eventId, token: o.token ?? VERIFY_TOKEN });
      const res = await postWebhook(url, env, { encryptKey: ENCRYPT_KEY });
      await adapter.idle();
      return res;
    },
    replies: () => fake.messages.filter((m) => m.kind === 'reply'),
  };
}

let h: Harness;
afterEach(async () => {
  if (!h) return;
  await h.adapter.stop();
  await h.server.close();
  await h.fake.stop();
});

describe('Feishu webhook mode against a fake open API', () => {
  beforeEach(async () => {
    h = await setup();
  });

  it('answers the url_verification challenge only with the right token', async () => {
    const ok = await postWebhook(h.url, { challenge: 'ch-123', token: VERIFY_TOKEN, type: 'url_verification' }, { encryptKey: ENCRYPT_KEY, sign: false });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ challenge: 'ch-123' });
    const bad = await postWebhook(h.url, { challenge: 'ch-123', token: 'wrong', type: 'url_verification' }, { encryptKey: ENCRYPT_KEY, sign: false });
    expect(bad.status).toBe(401);
    expect(bad.text).not.toContain('ch-123');
  });

  it('answers an encrypted, signed p2p message with a card carrying the citations and feedback buttons', async () => {
    const ev = textMessageEvent({ text: '可以给客户回扣吗？', chatType: 'p2p', chatId: 'oc_dm_9' });
    const res = await h.send(ev);
    expect(res.status).toBe(200);
    const replies = h.replies();
    expect(replies).toHaveLength(1);
    const r = replies[0]!;
    expect(r.target).toBe(ev.message.message_id);
    expect(r.msgType).toBe('interactive');
    expect(r.replyInThread).toBe(false);
    expect(r.content.schema).toBe('2.0');
    const text = cardText(r.content);
    expect(text).toContain('不得收受客户贿赂');
    expect(text).toContain('**[1]** 銷售部管理規章制度修訂版 › 第九章 風險控制與合規經營 › 4');
    expect(text).toContain('不得收受客戶賄賂、回扣');
    const values = buttonValues(r.content);
    expect(values.filter((v) => v.action === 'feedback').map((v) => v.value.split(':')[1])).toEqual(['up', 'down']);
    // p2p: the chat is the conversation.
    expect(h.answerer.calls[0]).toMatchObject({ question: '可以给客户回扣吗？', conversationId: 'feishu:oc_dm_9' });
    // Every open-API call carried the tenant token the fake issued.
    expect(h.fake.callsTo(/reply$/)[0]!.auth).toMatch(/^Bearer t-fake-/);
  });

  it('ignores group messages that do not @ the bot (also when they @ someone else)', async () => {
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？', chatType: 'group' }));
    await h.send(
      textMessageEvent({ text: '@_user_1 可以给客户回扣吗？', chatType: 'group', mentions: [{ key: '@_user_1', openId: 'ou_colleague', name: '小王' }] }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(h.fake.messages).toHaveLength(0);
    expect(h.answerer.calls).toHaveLength(0);
  });

  it('answers an @-mention in a group in the thread, strips the mention, and keeps the thread as the conversation', async () => {
    const first = textMessageEvent({ text: '@_user_1 可以给客户回扣吗？', chatType: 'group', mentions: [botMention] });
    await h.send(first);
    expect(h.replies()).toHaveLength(1);
    expect(h.replies()[0]!.replyInThread).toBe(true);
    expect(h.answerer.calls[0]!.question).toBe('可以给客户回扣吗？');
    const followUp = textMessageEvent({
      text: '@_user_1 那红包呢？',
      chatType: 'group',
      rootId: first.message.message_id,
      threadId: 'omt_1',
      mentions: [botMention],
    });
    await h.send(followUp);
    expect(h.replies()).toHaveLength(2);
    expect(h.answerer.calls[1]).toMatchObject({
      question: '那红包呢？',
      conversationId: `feishu:${first.message.message_id}`,
      previous: '可以给客户回扣吗？',
    });
  });

  it('answers a redelivered event once, and the same message under a new event id once', async () => {
    const ev = textMessageEvent({ text: '可以给客户回扣吗？' });
    await h.send(ev, { eventId: 'evt-dup-1' });
    await h.send(ev, { eventId: 'evt-dup-1' });
    await h.send(ev, { eventId: 'evt-dup-2' });
    expect(h.replies()).toHaveLength(1);
    expect(h.answerer.calls).toHaveLength(1);
  });

  it('does not answer twice after a restart (dedupe persists in the database)', async () => {
    const db = openDatabase(':memory:');
    await h.adapter.stop();
    await h.server.close();
    await h.fake.stop();
    h = await setup({ db });
    const ev = textMessageEvent({ text: '可以给客户回扣吗？' });
    await h.send(ev, { eventId: 'evt-restart' });
    await h.adapter.stop();
    await h.server.close();
    await h.fake.stop();
    h = await setup({ db });
    await h.send(ev, { eventId: 'evt-restart' });
    expect(h.replies()).toHaveLength(0);
    expect(h.answerer.calls).toHaveLength(0);
  });

  it('rejects a forged signature and missing signature headers: no action, no reply', async () => {
    const env = eventEnvelope('im.message.receive_v1', textMessageEvent({ text: '可以给客户回扣吗？' }), { token: VERIFY_TOKEN });
    const forged = await postWebhook(h.url, env, { encryptKey: ENCRYPT_KEY, forgeSignature: true });
    const unsigned = await postWebhook(h.url, env, { encryptKey: ENCRYPT_KEY, sign: false });
    await h.adapter.idle();
    expect(forged.status).toBe(401);
    expect(unsigned.status).toBe(401);
    expect(h.fake.messages).toHaveLength(0);
    expect(h.answerer.calls).toHaveLength(0);
  });

  it('rejects an undecryptable payload (wrong key or garbage): no action, no reply', async () => {
    const env = eventEnvelope('im.message.receive_v1', textMessageEvent({ text: '可以给客户回扣吗？' }), { token: VERIFY_TOKEN });
    const wrongKey = (await import('../../helpers/fake-feishu.js')).encryptPayload('another-key', JSON.stringify(env));
    // Signed correctly, so only the decryption can stop it.
    const a = await postWebhook(h.url, env, { encryptKey: ENCRYPT_KEY, rawEncrypt: wrongKey });
    const b = await postWebhook(h.url, env, { encryptKey: ENCRYPT_KEY, rawEncrypt: randomBytes(48).toString('base64') });
    const c = await fetch(h.url, { method: 'POST', body: 'not json' });
    await h.adapter.idle();
    expect(a.status).toBe(400);
    expect(b.status).toBe(400);
    expect(c.status).toBe(400);
    expect(h.fake.messages).toHaveLength(0);
    expect(h.answerer.calls).toHaveLength(0);
  });

  it('rejects a correctly signed event carrying the wrong verification token', async () => {
    const res = await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }), { token: 'not-ours' });
    expect(res.status).toBe(401);
    expect(h.fake.messages).toHaveLength(0);
  });

  it('stores 👍 feedback from a card button and answers with a toast (callback on /feishu/card too)', async () => {
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }));
    const card = h.replies()[0]!.content;
    const up = buttonValues(card).find((v) => v.action === 'feedback' && v.value.endsWith(':up'));
    const action = {
      operator: { open_id: 'ou_user_1' },
      token: 'c-token',
      action: { tag: 'button', value: up },
      context: { open_message_id: h.replies()[0]!.messageId, open_chat_id: 'oc_p2p_1' },
    };
    const env = eventEnvelope('card.action.trigger', action, { token: VERIFY_TOKEN });
    const res = await postWebhook(h.url.replace('/events', '/card'), env, { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(200);
    expect(res.json.toast.type).toBe('success');
    expect(res.json.toast.content).toContain('👍');
    expect(h.ctx.analytics.stats().feedback).toEqual({ up: 1, down: 0 });
    // A forged callback changes nothing.
    const down = buttonValues(card).find((v) => v.action === 'feedback' && v.value.endsWith(':down'));
    const forged = await postWebhook(h.url, eventEnvelope('card.action.trigger', { ...action, action: { tag: 'button', value: down } }, { token: VERIFY_TOKEN }), {
      encryptKey: ENCRYPT_KEY,
      forgeSignature: true,
    });
    expect(forged.status).toBe(401);
    expect(h.ctx.analytics.stats().feedback).toEqual({ up: 1, down: 0 });
  });

  it('replies politely (once) to message types it cannot read', async () => {
    const sticker = textMessageEvent({ text: '', messageType: 'sticker', content: { file_key: 'sticker_1' } });
    await h.send(sticker);
    await h.send(sticker, { eventId: 'other-event' });
    const replies = h.replies();
    expect(replies).toHaveLength(1);
    expect(replies[0]!.msgType).toBe('text');
    expect(replies[0]!.content.text).toMatch(/抱歉.*文字/);
    expect(h.answerer.calls).toHaveLength(0);
  });

  it('reads rich-text (post) messages as text', async () => {
    const post = textMessageEvent({
      text: '',
      chatType: 'group',
      messageType: 'post',
      mentions: [botMention],
      content: {
        title: '',
        content: [
          [{ tag: 'at', user_id: '@_user_1', user_name: '合规助手' }, { tag: 'text', text: ' 可以给客户' }, { tag: 'text', text: '回扣吗？' }],
        ],
      },
    });
    await h.send(post);
    expect(h.answerer.calls[0]!.question).toBe('可以给客户回扣吗？');
    expect(h.replies()).toHaveLength(1);
  });

  it('passes text commands to the core (/help lists the commands)', async () => {
    await h.send(textMessageEvent({ text: '/help' }));
    const text = cardText(h.replies()[0]!.content);
    expect(text).toContain('/ask');
    expect(text).toContain('/help');
    expect(h.answerer.calls).toHaveLength(0);
  });

  it('downloads a file message and hands it to the core; refuses files over the size limit', async () => {
    const seen: { name: string; size: number; text: string }[] = [];
    h.ctx.core.registerCommand({
      name: 'precheck',
      summary: 'test precheck',
      usage: '/precheck',
      handle: async (_args, c) => {
        const f = c.files?.[0];
        if (f) seen.push({ name: f.name, size: f.size, text: Buffer.from(f.data).toString('utf8') });
        return textReply(`checked ${f?.name}`);
      },
    });
    const ev = textMessageEvent({ text: '', messageType: 'file', content: { file_key: 'file_v2_abc', file_name: '合同.txt' } });
    h.fake.addResource(ev.message.message_id, 'file_v2_abc', Buffer.from('甲方 乙方 合同金额 100 万元'), 'text/plain');
    await h.send(ev);
    expect(seen).toEqual([{ name: '合同.txt', size: Buffer.byteLength('甲方 乙方 合同金额 100 万元'), text: '甲方 乙方 合同金额 100 万元' }]);
    expect(cardText(h.replies()[0]!.content)).toContain('checked 合同.txt');
    expect(h.fake.callsTo(/resources\/file_v2_abc$/)[0]!.query.type).toBe('file');

    const big = textMessageEvent({ text: '', messageType: 'file', content: { file_key: 'file_big', file_name: 'big.pdf' } });
    h.fake.addResource(big.message.message_id, 'file_big', Buffer.alloc(10 * 1024 * 1024 + 1));
    await h.send(big);
    expect(seen).toHaveLength(1);
    expect(h.replies()[1]!.content.text).toContain('10 MB');
  });

  it('retries HTTP 429 and rate-limit codes, then replies exactly once', async () => {
    h.fake.failNext(/reply$/, 2, 429, { code: 99991400, msg: 'request trigger frequency limit' }, { 'x-ogw-ratelimit-reset': '0' });
    h.fake.failNext(/reply$/, 1, 200, { code: 99991400, msg: 'frequency limit' });
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }));
    expect(h.fake.callsTo(/reply$/)).toHaveLength(4);
    expect(h.replies()).toHaveLength(1);
    expect(h.replies()[0]!.msgType).toBe('interactive');
  });

  it('retries a 5xx, refreshes an expired token, and apologises on a non-retryable error', async () => {
    h.fake.failNext(/reply$/, 1, 503, { code: 1, msg: 'unavailable' });
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }));
    expect(h.replies()).toHaveLength(1);

    h.fake.failNext(/reply$/, 1, 401, { code: 99991663, msg: 'Invalid access token' });
    const tokenCalls = h.fake.callsTo(/tenant_access_token/).length;
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }));
    expect(h.fake.callsTo(/tenant_access_token/).length).toBe(tokenCalls + 1);
    expect(h.replies()).toHaveLength(2);

    h.fake.failNext(/reply$/, 1, 400, { code: 230099, msg: 'Failed to create card content' });
    const before = h.fake.callsTo(/reply$/).length;
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }));
    expect(h.fake.callsTo(/reply$/).length).toBe(before + 2); // no retry, then the apology
    const last = h.replies().at(-1)!;
    expect(last.msgType).toBe('text');
    expect(last.content.text).toContain('抱歉');
  });

  it('splits an answer over 30 KB into several cards, buttons on the last', async () => {
    const para = '销售人员必须遵守公司合规政策，不得以任何形式收受或给予回扣。'.repeat(40);
    h.ctx.core.registerCommand({
      name: 'long',
      summary: 'long test reply',
      usage: '/long',
      handle: async () => ({
        blocks: [{ type: 'heading', text: '长回答' }, ...Array.from({ length: 30 }, () => ({ type: 'text' as const, text: para }))],
        actions: [{ id: 'feedback', label: '👍', value: 'x:up' }],
        fallbackText: '长回答',
      }),
    });
    await h.send(textMessageEvent({ text: '/long' }));
    const cards = h.replies().map((r) => r.content);
    expect(cards.length).toBeGreaterThan(1);
    for (const c of cards) expect(cardRequestBytes(c)).toBeLessThanOrEqual(CARD_BYTE_LIMIT);
    for (const c of h.fake.callsTo(/reply$/)) expect(Buffer.byteLength(JSON.stringify(c.body))).toBeLessThanOrEqual(CARD_BYTE_LIMIT);
    expect(buttonValues(cards.at(-1))).toHaveLength(1);
    expect(cards.slice(0, -1).every((c) => buttonValues(c).length === 0)).toBe(true);
    const total = cards.map(cardText).join('').split('销售人员必须遵守').length - 1;
    expect(total).toBe(30 * 40);
  });

  it('never crashes on malformed events', async () => {
    for (const event of [{}, { message: null }, { message: { message_id: 'om_1' } }, { sender: 'x', message: { content: '{' } }]) {
      const res = await h.send(event);
      expect(res.status).toBe(200);
    }
    const broken = textMessageEvent({ text: 'x' });
    broken.message.content = '{not json';
    expect((await h.send(broken)).status).toBe(200);
    const badAction = await postWebhook(h.url, eventEnvelope('card.action.trigger', { action: { value: 'nonsense' } }, { token: VERIFY_TOKEN }), {
      encryptKey: ENCRYPT_KEY,
    });
    expect(badAction.status).toBe(200);
    expect(badAction.json.toast.type).toBe('error');
    expect((await fetch(`http://127.0.0.1:${(h.server.nodeServer.address() as any).port}/healthz`)).status).toBe(200);
  });
});

describe('Feishu progress card, forms and reasons', () => {
  it('shows a progress card for a slow answer and patches it with the result', async () => {
    class SlowAnswerer extends ScriptedAnswerer {
      override async ask(q: string, c?: string): Promise<AskResult> {
        await new Promise((r) => setTimeout(r, 150));
        return super.ask(q, c);
      }
    }
    h = await setup({ answerer: new SlowAnswerer(), tuning: { progressDelayMs: 20 } });
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }));
    const replies = h.replies();
    expect(replies).toHaveLength(1);
    expect(cardText(replies[0]!.content)).toContain('正在查找');
    const patches = h.fake.messages.filter((m) => m.kind === 'patch');
    expect(patches).toHaveLength(1);
    expect(patches[0]!.target).toBe(replies[0]!.messageId);
    expect(cardText(patches[0]!.content)).toContain('不得收受客户贿赂');
  });

  it('renders a form card, keeps it with a toast naming bad fields, and replaces it on success', async () => {
    h = await setup();
    const submissions: Record<string, string>[] = [];
    h.ctx.core.registerCommand({
      name: 'apply',
      summary: 'test form',
      usage: '/apply',
      handle: async () => ({
        blocks: [],
        fallbackText: '申请',
        form: {
          id: 'test.apply',
          title: '授信申请',
          submitLabel: '提交',
          fields: [
            { name: 'customer', label: '客户名称', kind: 'text', required: true },
            { name: 'amount', label: '金额', kind: 'number', required: true },
            { name: 'term', label: '账期', kind: 'select', options: [{ value: '30', label: '30 天' }, { value: '60', label: '60 天' }] },
          ],
        },
      }),
    });
    h.ctx.core.registerForm({
      id: 'test.apply',
      handle: async (sub) => {
        submissions.push(sub.values);
        const errors = [];
        if (!sub.values.customer) errors.push({ field: 'customer', message: '必填' });
        if (!/^\d+$/.test(sub.values.amount ?? '')) errors.push({ field: 'amount', message: '需为数字' });
        if (errors.length) return { ok: false, errors };
        return { ok: true, reply: textReply(`已收到 ${sub.values.customer} 的申请`) };
      },
    });
    await h.send(textMessageEvent({ text: '/apply' }));
    const formCard = h.replies().at(-1)!.content;
    const text = cardText(formCard);
    expect(text).toContain('"tag":"form"');
    expect(text).toContain('"tag":"select_static"');
    const submit = buttonValues(formCard).find((v) => v.form === 'test.apply');
    expect(submit).toBeTruthy();

    const callback = (form_value: Record<string, string>) =>
      postWebhook(
        h.url,
        eventEnvelope('card.action.trigger', { operator: { open_id: 'ou_user_1' }, action: { tag: 'button', value: submit, form_value }, context: { open_chat_id: 'oc_p2p_1', open_message_id: 'om_form' } }, { token: VERIFY_TOKEN }),
        { encryptKey: ENCRYPT_KEY },
      );
    const bad = await callback({ customer: '', amount: 'abc' });
    expect(bad.json.toast.type).toBe('error');
    expect(bad.json.toast.content).toContain('客户名称');
    expect(bad.json.toast.content).toContain('金额');
    expect(bad.json.card).toBeUndefined();
    const good = await callback({ customer: '华东贸易', amount: '500000', term: '30' });
    expect(good.json.toast.type).toBe('success');
    expect(cardText(good.json.card.data)).toContain('已收到 华东贸易 的申请');
    expect(submissions.at(-1)).toEqual({ customer: '华东贸易', amount: '500000', term: '30' });
  });

  it('collects a reason for requiresReason buttons before calling the action', async () => {
    h = await setup();
    const got: { value: string; reason?: string; userId: string }[] = [];
    h.ctx.core.registerAction({
      id: 'test.reject',
      handle: async (a) => {
        got.push({ value: a.value, reason: a.reason, userId: a.userId });
        return { toast: '已驳回', toastKind: 'success', postInChannel: textReply('申请已被驳回') };
      },
    });
    h.ctx.core.registerCommand({
      name: 'review',
      summary: 'test',
      usage: '/review',
      handle: async (): Promise<Reply> => ({
        blocks: [{ type: 'text', text: '审批' }],
        actions: [
          { id: 'test.approve', label: '批准', value: 'app-1', style: 'primary' },
          { id: 'test.reject', label: '驳回', value: 'app-1', style: 'danger', requiresReason: true },
        ],
        fallbackText: '审批',
      }),
    });
    await h.send(textMessageEvent({ text: '/review' }));
    const card = h.replies()[0]!.content;
    const reject = buttonValues(card).find((v) => v.action === 'test.reject');
    expect(reject.needsReason).toBe(true);
    const press = (form_value: Record<string, string>, eventId: string) =>
      postWebhook(
        h.url,
        eventEnvelope('card.action.trigger', { operator: { open_id: 'ou_mgr' }, action: { tag: 'button', value: reject, form_value }, context: { open_chat_id: 'oc_p2p_1', open_message_id: h.replies()[0]!.messageId } }, { token: VERIFY_TOKEN, eventId }),
        { encryptKey: ENCRYPT_KEY },
      );
    const empty = await press({ reason: '  ' }, 'e1');
    expect(empty.json.toast.type).toBe('error');
    expect(got).toHaveLength(0);
    const ok = await press({ reason: '额度过高' }, 'e2');
    expect(ok.json.toast.content).toBe('已驳回');
    expect(got).toEqual([{ value: 'app-1', reason: '额度过高', userId: 'ou_mgr' }]);
    await h.adapter.idle();
    expect(cardText(h.replies().at(-1)!.content)).toContain('申请已被驳回');
    // The same callback event redelivered does nothing.
    await press({ reason: '额度过高' }, 'e2');
    expect(got).toHaveLength(1);
  });
});

describe('Feishu ChatPort, logging and the decryption vector', () => {
  it('posts through the core to a chat and DMs a user by open_id', async () => {
    h = await setup();
    const id = await h.ctx.core.post({ platform: 'feishu', channelId: 'oc_sales' }, textReply('每周合规提醒'));
    await h.ctx.core.notifyUser('feishu', 'ou_boss', textReply('有一笔授信待审批'));
    const creates = h.fake.callsTo(/POST \/open-apis\/im\/v1\/messages$/);
    expect(creates.map((c) => [c.query.receive_id_type, c.body.receive_id])).toEqual([
      ['chat_id', 'oc_sales'],
      ['open_id', 'ou_boss'],
    ]);
    expect(id).toMatch(/^om_bot_/);
    expect(cardText(h.fake.messages[0]!.content)).toContain('每周合规提醒');
  });

  it('keeps customer text and secrets out of info-level logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    h = await setup({ log: logger });
    h.fake.failNext(/reply$/, 1, 429, { code: 99991400, msg: 'limit' });
    await h.send(textMessageEvent({ text: '客户张三的合同金额 987654 元可以给回扣吗？' }));
    await postWebhook(h.url, eventEnvelope('im.message.receive_v1', textMessageEvent({ text: '客户张三' }), { token: VERIFY_TOKEN }), { encryptKey: ENCRYPT_KEY, forgeSignature: true });
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(0);
    expect(all).not.toContain('张三');
    expect(all).not.toContain('987654');
    expect(all).not.toContain(FAKE_APP_SECRET);
    expect(all).not.toContain(ENCRYPT_KEY);
    expect(all).not.toContain('t-fake-');
  });

  it('decrypts the published Feishu vector with the SDK AESCipher', () => {
    const v = vectors.feishu_event_decrypt;
    expect(new lark.AESCipher(v.encrypt_key).decrypt(v.encrypt)).toBe(v.plaintext);
  });
});

describe('Feishu long-connection mode (WSClient against a local gateway)', () => {
  it('receives events and card callbacks over the WebSocket and answers them', async () => {
    const fake = new FakeFeishu();
    const base = await fake.start();
    const ctx = createTestCore();
    const adapter = createFeishuAdapter({
      config: { FEISHU_APP_ID: FAKE_APP_ID, FEISHU_APP_SECRET: FAKE_APP_SECRET, FEISHU_DOMAIN: base, FEISHU_MODE: 'ws', FEISHU_ENCRYPT_KEY: undefined, FEISHU_VERIFICATION_TOKEN: undefined },
      core: ctx.core,
      log: silentLog,
      dedupe: new EventDeduper(ctx.db),
      tuning: { retry: { baseDelayMs: 5 } },
    });
    try {
      await adapter.start();
      await waitFor(() => fake.wsConnections === 1);
      const ev = textMessageEvent({ text: '可以给客户回扣吗？' });
      const ack = await fake.sendWsEvent(eventEnvelope('im.message.receive_v1', ev));
      expect(ack.code).toBe(200);
      await adapter.idle();
      await fake.sendWsEvent(eventEnvelope('im.message.receive_v1', ev)); // redelivery
      await adapter.idle();
      const replies = fake.messages.filter((m) => m.kind === 'reply');
      expect(replies).toHaveLength(1);
      expect(cardText(replies[0]!.content)).toContain('銷售部管理規章制度修訂版');

      const up = buttonValues(replies[0]!.content).find((v) => v.action === 'feedback' && v.value.endsWith(':up'));
      const cb = await fake.sendWsEvent(
        eventEnvelope('card.action.trigger', { operator: { open_id: 'ou_user_1' }, action: { tag: 'button', value: up }, context: { open_chat_id: 'oc_p2p_1', open_message_id: replies[0]!.messageId } }),
      );
      expect(cb.code).toBe(200);
      expect(cb.data.toast.type).toBe('success');
      expect(ctx.analytics.stats().feedback.up).toBe(1);
    } finally {
      await adapter.stop();
      await fake.stop();
    }
  });
});

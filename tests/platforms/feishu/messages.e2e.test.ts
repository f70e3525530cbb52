import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AskResult } from '../../../src/answer/types.js';
import { textReply } from '../../../src/core/replies.js';
import { cardRequestBytes, CARD_BYTE_LIMIT } from '../../../src/platforms/feishu/render.js';
import { openTestDb } from '../../helpers/storage.js';
import type { Db } from '../../../src/storage/database.js';
import { ScriptedAnswerer } from '../../helpers/core.js';
import { eventEnvelope, postWebhook, textMessageEvent } from '../../helpers/fake-feishu.js';
import { ENCRYPT_KEY, VERIFY_TOKEN, botMention, cardText, buttonValues, type Harness, setup } from '../../helpers/feishu-adapter-harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('Feishu webhook mode against a fake open API', () => {
  beforeEach(async () => {
    h = await setup();
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
    const db = await openTestDb(':memory:');
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
});

describe('Feishu stop()', () => {
  it('waits for an answer already acknowledged before it returns', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class GatedAnswerer extends ScriptedAnswerer {
      override async ask(question: string, conversationId?: string): Promise<AskResult> {
        const answer = super.ask(question, conversationId);
        await gate;
        return answer;
      }
    }
    const answerer = new GatedAnswerer();
    h = await setup({ answerer });
    const ev = textMessageEvent({ text: '可以给客户回扣吗？', chatType: 'p2p', chatId: 'oc_dm_stop' });
    const res = await postWebhook(h.url, eventEnvelope('im.message.receive_v1', ev, { token: VERIFY_TOKEN }), { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(200);
    while (answerer.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = h.adapter.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(h.replies()).toHaveLength(0);
    release();
    await stopping;
    expect(cardText(h.replies()[0]?.content)).toContain('不得收受客户贿赂');
  });
});

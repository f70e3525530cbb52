import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventDeduper } from '../../../src/core/dedupe.js';
import { textReply } from '../../../src/core/replies.js';
import { silentLogger as silentLog } from '../../../src/log/logger.js';
import { createFeishuAdapter } from '../../../src/platforms/feishu/index.js';
import { createTestCore } from '../../helpers/core.js';
import { eventEnvelope, FAKE_APP_ID, FAKE_APP_SECRET, FakeFeishu, postWebhook, textMessageEvent, waitFor } from '../../helpers/fake-feishu.js';
import { ENCRYPT_KEY, VERIFY_TOKEN, vectors, cardText, buttonValues, type Harness, setup } from '../../helpers/feishu-adapter-harness.js';

let h: Harness;
afterEach(() => h?.close());

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
    const ctx = await createTestCore();
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
      expect((await ctx.analytics.stats()).feedback.up).toBe(1);
    } finally {
      await adapter.stop();
      await fake.stop();
    }
  });
});

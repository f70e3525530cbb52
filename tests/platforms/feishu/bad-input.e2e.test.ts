import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBody, eventBody, FAKE_BOT_USER, FORM, JSON_TYPE, sendSigned } from '../../helpers/fake-slack.js';
import { eventEnvelope, FAKE_APP_SECRET, postWebhook, signBody, textMessageEvent, type SentMessage } from '../../helpers/fake-feishu.js';
import { BOT_MENTION, cardText, ENCRYPT_KEY, startFeishuApp, VERIFY_TOKEN, type FeishuAppHarness } from '../../helpers/feishu-app-harness.js';
import { APP_SECRET } from '../../helpers/slack-app-harness.js';
import { memoryLogger, PII } from '../../helpers/bad-input.js';

/**
 * Adversarial input through the real adapters and the real app: empty, huge, binary,
 * malformed, wrong-platform, forged and replayed requests. The bot answers clearly (or
 * ignores what is not for it), never crashes, never answers one event twice, and keeps
 * message text and secrets out of its info-level logs.
 */

describe('Feishu: bad input through the real webhook adapter', () => {
  let h: FeishuAppHarness;
  const logLines: string[] = [];

  beforeAll(async () => {
    h = await startFeishuApp({ log: memoryLogger(logLines) });
  });
  afterAll(async () => h?.close());

  const textOf = (m: SentMessage) => (m.msgType === 'text' ? String(m.content?.text ?? '') : cardText(m.content));
  const repliesTo = (messageId: string) => h.replies().filter((m) => m.target === messageId);
  const healthz = async () => (await fetch(h.eventsUrl.replace('/feishu/events', '/healthz'))).status;

  it('an empty text message → one usage hint', async () => {
    const ev = textMessageEvent({ text: '' });
    const res = await h.send(ev);
    expect(res.status).toBe(200);
    const r = repliesTo(ev.message.message_id);
    expect(r).toHaveLength(1);
    expect(textOf(r[0]!)).toMatch(/请直接提问|Ask me a question/);
  });

  it('a group message that is only an @mention → one usage hint in the thread', async () => {
    const ev = textMessageEvent({ text: '@_user_1 ', chatType: 'group', mentions: [BOT_MENTION] });
    await h.send(ev);
    const r = repliesTo(ev.message.message_id);
    expect(r).toHaveLength(1);
    expect(r[0]!.replyInThread).toBe(true);
    expect(textOf(r[0]!)).toMatch(/请直接提问|Ask me a question/);
  });

  it('message content that is not valid JSON → a clear reply, no crash', async () => {
    for (const content of ['{not json', '', 'null', '[1,2]', '"just a string"', '{"text": 42}']) {
      const ev = textMessageEvent({ text: 'x' });
      ev.message.content = content;
      const res = await h.send(ev);
      expect(res.status, content).toBe(200);
      const r = repliesTo(ev.message.message_id);
      expect(r, content).toHaveLength(1);
      expect(textOf(r[0]!), content).toMatch(/请直接提问|Ask me a question/);
    }
  });

  it('a huge text (60,000 characters) → "too long", and an over-limit body → 413 without a crash', async () => {
    const ev = textMessageEvent({ text: `ZEBRA-FS-3391 ${'合同条款'.repeat(15_000)}` });
    await h.send(ev);
    const r = repliesTo(ev.message.message_id);
    expect(r).toHaveLength(1);
    expect(textOf(r[0]!)).toMatch(/太长|too long/);
    expect(textOf(r[0]!)).toContain('2000');

    const big = textMessageEvent({ text: 'x'.repeat(1_200_000) });
    const res = await postWebhook(h.eventsUrl, eventEnvelope('im.message.receive_v1', big, { token: VERIFY_TOKEN }), { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(413);
    await h.adapter.idle();
    expect(repliesTo(big.message.message_id)).toHaveLength(0);
    expect(await healthz()).toBe(200);
    // The next event (same client, so possibly the same kept-alive connection) is served normally.
    const next = textMessageEvent({ text: '' });
    expect((await h.send(next)).status).toBe(200);
    expect(repliesTo(next.message.message_id)).toHaveLength(1);
  });

  it('an audio message → one "text only" reply, also when redelivered', async () => {
    const ev = textMessageEvent({ text: '', messageType: 'audio', content: { file_key: 'file_v3_audio', duration: 3000 } });
    await h.send(ev, { eventId: 'ev_audio_1' });
    await h.send(ev, { eventId: 'ev_audio_1' });
    await h.send(ev, { eventId: 'ev_audio_2' });
    const r = repliesTo(ev.message.message_id);
    expect(r).toHaveLength(1);
    expect(textOf(r[0]!)).toMatch(/只能读文字|only read text/);
  });

  it('a text message redelivered with the same event id is answered once', async () => {
    const ev = textMessageEvent({ text: '可以给客户回扣吗？' });
    await Promise.all([h.send(ev, { eventId: 'ev_dup_1' }), h.send(ev, { eventId: 'ev_dup_1' })]);
    await h.send(ev, { eventId: 'ev_dup_1' });
    expect(repliesTo(ev.message.message_id)).toHaveLength(1);
  });

  it('card actions with forged or garbled values → an error toast, nothing changes', async () => {
    const before = h.fake.messages.length;
    const garbled: unknown[] = ['not-json{', '', 12345, null, [], { foo: 'bar' }, '{"action":7}', { action: 'nope', value: 'x' }, { form: 'no-such-form' }];
    for (const value of garbled) {
      const res = await h.cardAction({ operator: 'ou_attacker', value });
      expect(res.status, JSON.stringify(value)).toBe(200);
      expect(res.json?.toast?.type, JSON.stringify(value)).toBe('error');
    }
    // A well-formed approve on an application that does not exist.
    const forged = await h.cardAction({ operator: 'ou_mgr', value: { action: 'credit.approve', value: 'CR-FORGED:0' } });
    expect(forged.status).toBe(200);
    expect(['error', 'warning']).toContain(forged.json?.toast?.type);
    expect(forged.json?.card).toBeUndefined();
    // No operator at all.
    const anon = await h.cardAction({ operator: '', value: { action: 'feedback', value: 'q:up' } });
    expect(anon.json?.toast?.type).toBe('error');
    expect(h.fake.messages.length).toBe(before);
  });

  it('a Slack-shaped body on /feishu/events → 4xx, no action, no reply', async () => {
    const before = h.fake.messages.length;
    const slackBody = eventBody({ type: 'app_mention', channel: 'C1', user: 'U1', ts: '1.1', text: `<@${FAKE_BOT_USER}> ZEBRA-FS-3391` }, 'EvX');
    const asSlack = await sendSigned(h.eventsUrl, slackBody, JSON_TYPE, { secret: APP_SECRET });
    expect(asSlack.status).toBe(401);
    const slashForm = await sendSigned(h.eventsUrl, commandBody({ command: '/ask', text: 'hi', response_url: 'http://127.0.0.1:1/r' }), FORM, { secret: APP_SECRET });
    expect(slashForm.status).toBe(400);
    // Unencrypted but correctly "signed" with the encrypt key: still not a Feishu event of ours.
    const ts = String(Math.floor(Date.now() / 1000));
    const signed = await fetch(h.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': signBody(ENCRYPT_KEY, ts, 'n', slackBody) },
      body: slackBody,
    });
    expect(signed.status).toBeGreaterThanOrEqual(400);
    expect(signed.status).toBeLessThan(500);
    // A forged signature on a real event.
    const ev = textMessageEvent({ text: '回扣？' });
    const forged = await postWebhook(h.eventsUrl, eventEnvelope('im.message.receive_v1', ev, { token: VERIFY_TOKEN }), { encryptKey: ENCRYPT_KEY, forgeSignature: true });
    expect(forged.status).toBe(401);
    await h.adapter.idle();
    expect(h.fake.messages.length).toBe(before);
    expect(await healthz()).toBe(200);
  });

  it('info-level logs hold no message text, personal data, tokens or secrets', async () => {
    await h.send(textMessageEvent({ text: '客户张三丰，手机13800138000，身份证110101199003074514，能给回扣吗？' }));
    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const s of [...PII, ENCRYPT_KEY, VERIFY_TOKEN, FAKE_APP_SECRET, 't-fake-']) expect(all, s).not.toContain(s);
  });
});

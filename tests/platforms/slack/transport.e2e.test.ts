import { afterEach, describe, expect, it } from 'vitest';
import { textReply } from '../../../src/core/replies.js';
import pino from 'pino';
import { commandBody, eventBody, FAKE_BOT_USER, FORM, interactionBody, JSON_TYPE, sendSigned, type FakeCall } from '../../helpers/fake-slack.js';
import { SECRET, TOKEN, closeAll, setup, mention, askViaCommand } from '../../helpers/slack-adapter-harness.js';

afterEach(closeAll);

describe('Slack transport: signatures, retries, malformed requests, the outbound port and logs', () => {
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
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.js';
import { REDACTED_PATHS } from '../../src/log/logger.js';
import {
  commandBody,
  eventBody,
  FAKE_BOT_USER,
  FORM,
  JSON_TYPE,
  sendSigned,
  slackSignature,
} from '../helpers/fake-slack.js';
import {
  eventEnvelope,
  FAKE_APP_SECRET,
  postWebhook,
  signBody,
  textMessageEvent,
  type SentMessage,
} from '../helpers/fake-feishu.js';
import { BOT_MENTION, cardText, ENCRYPT_KEY, startFeishuApp, VERIFY_TOKEN, type FeishuAppHarness } from '../helpers/feishu-app-harness.js';
import { APP_SECRET, APP_TOKEN, blocksText, startSlackApp, type SlackAppHarness } from '../helpers/slack-app-harness.js';

/**
 * Adversarial input through the real adapters and the real app: empty, huge, binary,
 * malformed, wrong-platform, forged and replayed requests. The bot answers clearly (or
 * ignores what is not for it), never crashes, never answers one event twice, and keeps
 * message text and secrets out of its info-level logs.
 */

/** Customer data planted in the inputs; none of it may reach a log line. */
const PII = ['ZEBRA-Q-7781', '张三丰', '13800138000', '110101199003074514', 'ZEBRA-CONTRACT-5521', 'ZEBRA-FS-3391'];

/** A production-shaped logger (same redaction) writing to memory at info. */
function memoryLogger(lines: string[]): Logger {
  return pino(
    { level: 'info', base: undefined, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    { write: (line: string) => void lines.push(line) },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ====================================================================================
// Slack
// ====================================================================================

describe('Slack: bad input through the real adapter', () => {
  let h: SlackAppHarness;
  const logLines: string[] = [];
  let eventSeq = 0;
  const nextTs = () => `17100000${String(++eventSeq).padStart(2, '0')}.000100`;

  beforeAll(async () => {
    h = await startSlackApp({}, memoryLogger(logLines));
  });
  afterAll(async () => h?.close());

  const textOf = (body: Record<string, any>) => `${body.text ?? ''}\n${blocksText(body.blocks)}`;
  const healthz = async () => (await fetch(h.url.replace('/slack/events', '/healthz'))).status;

  it('empty /ask → a usage hint, not a search', async () => {
    const before = h.app.analytics.stats().questions;
    for (const text of ['', '   ', '\n\t ']) {
      const { status, responses } = await h.command({ command: '/ask', text });
      expect(status).toBe(200);
      expect(responses).toHaveLength(1);
      expect(textOf(responses[0]!.body)).toMatch(/请直接提问|Ask me a question/);
    }
    expect(h.app.analytics.stats().questions).toBe(before);
  });

  it('a 10,000-character /ask → "too long" naming the 2,000 limit, nothing recorded', async () => {
    const before = h.app.analytics.stats().questions;
    const { status, responses } = await h.command({ command: '/ask', text: `ZEBRA-Q-7781 ${'回扣'.repeat(5000)}` });
    expect(status).toBe(200);
    const t = textOf(responses[0]!.body);
    expect(t).toContain('2000');
    expect(t).toMatch(/太长|too long/);
    expect(h.app.analytics.stats().questions).toBe(before);
  });

  it('binary bytes, invalid UTF-8 and control characters in a slash command → one clear reply each', async () => {
    const form = (raw: string) => {
      const responseUrl = h.fake.responseUrl();
      const base = commandBody({ command: '/ask', text: 'PLACEHOLDER', user_id: 'UREP', response_url: responseUrl });
      return { body: base.replace('text=PLACEHOLDER', `text=${raw}`), id: responseUrl.split('/').pop()! };
    };
    const cases = [
      '%FF%FE%FD%00%01%02%1B%5B31m',               // invalid UTF-8 + NUL + ANSI escape
      '%C3%28%ED%A0%80%F0%28%8C%BC',                 // overlong / surrogate / truncated sequences
      encodeURIComponent('\u0000\u0007\u202E回扣\uFFFF'),  // control chars + RTL override
      '%E5%9B%9E%E6%89%A3%E5%8F', // a valid word then a truncated multi-byte char
    ];
    // A command body that is not even a form: no crash, no reply (Bolt holds it for its 3-s ack timer, so in parallel).
    const junk = Buffer.from([0xff, 0x00, 0xfe, 0x3d, 0x26, 0x80]).toString('latin1');
    const junkReply = h.send(junk, FORM);
    for (const raw of cases) {
      const { body, id } = form(raw);
      const res = await h.send(body, FORM);
      expect(res.status, raw).toBe(200);
      const posts = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null), 15_000);
      await sleep(50);
      expect(h.fake.responsesTo(id), raw).toHaveLength(1);
      expect(posts[0]!.body.text, raw).toBeTruthy();
      expect(textOf(posts[0]!.body)).not.toContain('抱歉，回答没能发出');
    }
    expect((await junkReply).status).toBeLessThan(500);
    expect(await healthz()).toBe(200);
  });

  it('/precheck with 250,000 pasted characters → "too long" naming the 200,000 limit', async () => {
    const clause = 'ZEBRA-CONTRACT-5521 甲方张三丰，电话13800138000，付款期限为九十天。';
    const text = clause.repeat(Math.ceil(250_000 / clause.length)).slice(0, 250_000);
    const auditBefore = (h.app.db.prepare('SELECT COUNT(*) AS n FROM precheck_audit').get() as { n: number }).n;
    const { status, responses } = await h.command({ command: '/precheck', text });
    expect(status).toBe(200);
    const t = textOf(responses[0]!.body);
    expect(t).toContain('200,000');
    expect(t).toContain('250,000');
    expect(responses[0]!.body.response_type).toBe('ephemeral');
    // Rejected before any check: no verdict, no audit row.
    expect(t).not.toMatch(/不通过|需修改|通过/);
    expect((h.app.db.prepare('SELECT COUNT(*) AS n FROM precheck_audit').get() as { n: number }).n).toBe(auditBefore);
  });

  const dmFile = async (name: string, data: Uint8Array, mimetype: string) => {
    const url = h.fake.addFile(name, data);
    const ts = nextTs();
    const updatesBefore = h.fake.callsTo('chat.update').length;
    const res = await h.send(
      eventBody(
        {
          type: 'message',
          subtype: 'file_share',
          channel: 'DFILES',
          channel_type: 'im',
          user: 'UREP',
          ts,
          text: '',
          files: [{ id: `F${eventSeq}`, name, mimetype, size: data.byteLength, url_private_download: url }],
        },
        `EvFile${eventSeq}`,
      ),
      JSON_TYPE,
    );
    expect(res.status).toBe(200);
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update')[updatesBefore], 15_000);
    return `${update.params.text}\n${JSON.stringify(update.params.blocks)}`;
  };

  it('a binary .exe shared in a DM → "unsupported file type" listing what is supported', async () => {
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0xff, 0xff, ...new Array(2000).fill(0)]);
    const t = await dmFile('setup.exe', exe, 'application/x-msdownload');
    expect(t).toMatch(/Unsupported file type/);
    expect(t).toContain('.exe');
    expect(t).toMatch(/\.docx/);
  });

  it('a fake .pdf (garbage bytes) shared in a DM → a clear "damaged / no text" reply', async () => {
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
    const t = await dmFile('contract.pdf', junk, 'application/pdf');
    expect(t).toMatch(/damaged|No text found|无法读取|未找到文字/);
    expect(t).not.toContain('抱歉，回答没能发出');
  });

  it('a signed interactivity request with a malformed JSON payload → 4xx; the server keeps serving', async () => {
    const callsBefore = h.fake.calls.length;
    const bodies: [string, string][] = [
      ['payload=%7Bnot-json', FORM],
      ['payload=', FORM],
      ['payload=%5B1%2C2%5D', FORM],
      ['payload=%22str%22', FORM],
      ['nopayload=1', FORM],
      ['[]', JSON_TYPE],
      ['42', JSON_TYPE],
    ];
    // Concurrently: Bolt holds bodies it cannot route for its 3-s ack timer.
    const results = await Promise.all(bodies.map(([b, t]) => h.send(b, t)));
    for (const [i, r] of results.entries()) {
      expect(r.status, bodies[i]![0]).toBeGreaterThanOrEqual(200);
      expect(r.status, bodies[i]![0]).toBeLessThan(500);
    }
    // Unparseable JSON, and JSON `null` (which Bolt 5.1 itself would crash on, unanswered): 400.
    for (const [b, t] of [['payload=%7Bnot-json', FORM], ['payload=null', FORM], ['null', JSON_TYPE]] as const) {
      const r = await h.send(b, t);
      expect(r.status, b).toBe(400);
    }
    expect(h.fake.calls.length).toBe(callsBefore);
    expect(await healthz()).toBe(200);
    const { responses } = await h.command({ command: '/help' });
    expect(textOf(responses[0]!.body)).toContain('/ask');
  });

  it('block_actions with an unknown or garbled action id → acked, no crash, at most a clear toast', async () => {
    const callsBefore = h.fake.calls.length;
    const responsesBefore = h.fake.responses.length;
    const ignored = await h.press({ user: 'UREP', channel: 'C0001', actionId: 'totally_unknown', value: 'x' });
    expect(ignored.status).toBe(200);
    await sleep(100);
    expect(h.fake.calls.length).toBe(callsBefore);
    expect(h.fake.responses.length).toBe(responsesBefore);

    // Decodable but unregistered: a clear error toast to the presser only.
    const r = await h.press({ user: 'UREP', channel: 'C0001', actionId: 'nope:0', value: '\u0000\uFFFF' });
    expect(r.status).toBe(200);
    const toast = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => String(c.params.text).includes('nope')));
    expect(toast.params.user).toBe('UREP');
    expect(toast.params.text).toMatch(/Unknown action/);

    // A forged approve press on an application that does not exist: refused, nothing decided.
    const forged = await h.press({ user: 'UMGR', channel: 'CFIN', actionId: 'credit.approve:0', value: 'CR-DOESNOTEXIST:0' });
    expect(forged.status).toBe(200);
    const refusal = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => c.params.user === 'UMGR' && c.params.channel === 'CFIN'),
    );
    expect(String(refusal.params.text)).toMatch(/❌|⚠️/);
    expect(h.fake.callsTo('chat.update').filter((c) => c.params.channel === 'CFIN')).toHaveLength(0);
  });

  it('an event replayed with the same event_id and no retry header is answered once', async () => {
    const ts = nextTs();
    const body = eventBody({ type: 'message', channel: 'DREPLAY', channel_type: 'im', user: 'UREP', ts, text: '可以给客户回扣吗？' }, 'EvReplay1');
    const first = await h.send(body, JSON_TYPE);
    expect(first.status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').some((c) => c.params.channel === 'DREPLAY'), 15_000);
    // The same event again (a replay, no X-Slack-Retry-Num), then twice more at once.
    const again = await Promise.all([h.send(body, JSON_TYPE), h.send(body, JSON_TYPE), h.send(body, JSON_TYPE)]);
    for (const r of again) expect(r.status).toBe(200);
    await sleep(500);
    const posts = h.fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'DREPLAY');
    const deletes = h.fake.callsTo('chat.delete').filter((c) => c.params.channel === 'DREPLAY');
    const updates = h.fake.callsTo('chat.update').filter((c) => c.params.channel === 'DREPLAY');
    expect(updates).toHaveLength(1);
    // Whatever placeholders the replays posted are gone again: one visible answer.
    expect(posts.length - deletes.length).toBe(1);

    // The same message under a new event id (Slack re-sent it as a different event): still one answer.
    await h.send(eventBody({ type: 'message', channel: 'DREPLAY', channel_type: 'im', user: 'UREP', ts, text: '可以给客户回扣吗？' }, 'EvReplay2'), JSON_TYPE);
    await sleep(300);
    expect(h.fake.callsTo('chat.update').filter((c) => c.params.channel === 'DREPLAY')).toHaveLength(1);
  });

  it('a Feishu-shaped body on /slack/events → 401 unsigned, ignored when signed; no Slack call', async () => {
    const callsBefore = h.fake.calls.length;
    const feishuEnv = eventEnvelope('im.message.receive_v1', textMessageEvent({ text: 'ZEBRA-FS-3391 回扣？' }), { token: VERIFY_TOKEN });
    const ts = String(Math.floor(Date.now() / 1000));
    const encrypted = JSON.stringify({ encrypt: 'AAAA' });
    const asFeishu = await fetch(h.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-lark-request-timestamp': ts,
        'x-lark-request-nonce': 'n1',
        'x-lark-signature': signBody(ENCRYPT_KEY, ts, 'n1', encrypted),
      },
      body: encrypted,
    });
    expect(asFeishu.status).toBe(401);
    const plain = await sendSigned(h.url, JSON.stringify(feishuEnv), JSON_TYPE, { secret: APP_SECRET, signature: null });
    expect(plain.status).toBe(401);
    // Even correctly signed by Slack's secret, a body that is not a Slack payload does nothing.
    const signed = await h.send(JSON.stringify(feishuEnv), JSON_TYPE);
    expect(signed.status).toBeLessThan(500);
    await sleep(200);
    expect(h.fake.calls.length).toBe(callsBefore);
    expect(await healthz()).toBe(200);
  });

  it('a forged signature or a stale timestamp on an otherwise valid command → 401, no reply', async () => {
    const responseUrl = h.fake.responseUrl();
    const body = commandBody({ command: '/ask', text: '回扣', response_url: responseUrl });
    const forged = await sendSigned(h.url, body, FORM, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 3600;
    const stale = await sendSigned(h.url, body, FORM, { secret: APP_SECRET, timestamp: old, signature: slackSignature(APP_SECRET, old, body) });
    expect(stale.status).toBe(401);
    await sleep(200);
    expect(h.fake.responsesTo(responseUrl.split('/').pop()!)).toHaveLength(0);
  });

  it('info-level logs hold no message text, contract text, personal data, tokens or secrets', async () => {
    // A question carrying personal data, answered normally, so something about it is logged.
    await h.command({ command: '/ask', text: '客户张三丰（13800138000，身份证110101199003074514）可以给回扣吗？' });
    await sleep(100);
    const all = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const s of [...PII, APP_TOKEN, APP_SECRET]) expect(all, s).not.toContain(s);
  });
});

// ====================================================================================
// Feishu (webhook)
// ====================================================================================

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

// ====================================================================================
// CLI
// ====================================================================================

describe('CLI: bad input', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bad-input-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const prev = { DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: process.env.LOG_LEVEL };
    process.env.DATA_DIR = dataDir;
    process.env.LOG_LEVEL = 'silent';
    try {
      const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      for (const [k, v] of Object.entries(prev)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };

  it('search with a binary / control-character query → a normal "nothing relevant" answer, no raw escapes echoed', async () => {
    const r = await run('search', '\u0000\u0001\u001b[31m\u0007\uFFFD\u202E');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Nothing relevant');
    // Echoing the query must not pass terminal control sequences through.
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);

    const json = await run('search', '\u0000\u001b[2J回扣', '--json');
    expect(json.code).toBe(0);
    expect(() => JSON.parse(json.out)).not.toThrow();
  });

  it('ask with empty or blank input → exit 2 and a one-line error on stderr', async () => {
    for (const argv of [['ask'], ['ask', ''], ['ask', '   \n\t']]) {
      const r = await run(...argv);
      expect(r.code, JSON.stringify(argv)).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/missing question/);
    }
  });
});

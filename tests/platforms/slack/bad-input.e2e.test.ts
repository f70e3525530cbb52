import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBody, eventBody, FORM, JSON_TYPE, sendSigned, slackSignature } from '../../helpers/fake-slack.js';
import { eventEnvelope, signBody, textMessageEvent } from '../../helpers/fake-feishu.js';
import { ENCRYPT_KEY, VERIFY_TOKEN } from '../../helpers/feishu-app-harness.js';
import { APP_SECRET, APP_TOKEN, blocksText, startSlackApp, type SlackAppHarness } from '../../helpers/slack-app-harness.js';
import { memoryLogger, PII, sleep } from '../../helpers/bad-input.js';

/**
 * Adversarial input through the real adapters and the real app: empty, huge, binary,
 * malformed, wrong-platform, forged and replayed requests. The bot answers clearly (or
 * ignores what is not for it), never crashes, never answers one event twice, and keeps
 * message text and secrets out of its info-level logs.
 */

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

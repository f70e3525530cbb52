import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { textReply } from '../../../src/core/replies.js';
import type { Reply } from '../../../src/core/types.js';
import { APOLOGY_TEXT, SEARCHING_TEXT } from '../../../src/platforms/slack/adapter.js';
import { openDatabase } from '../../../src/storage/db.js';
import { ScriptedAnswerer } from '../../helpers/core.js';
import { commandBody, eventBody, FAKE_BOT_ID, FAKE_BOT_USER, FakeSlack, FORM, JSON_TYPE } from '../../helpers/fake-slack.js';
import { TOKEN, cleanups, closeAll, setup, blocksText, buttons, mention } from '../../helpers/slack-adapter-harness.js';

afterEach(closeAll);

describe('Slack messages: mentions and DMs through the real adapter (signed HTTP, Bolt HTTPReceiver)', () => {
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

  it('a Web API failure while answering is followed by a short apology, not silence', async () => {
    const h = await setup();
    h.fake.failNext('chat.update', { status: 200, body: { ok: false, error: 'invalid_blocks' } });
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 回扣？`, '1700000900.000100'), 'EvFail'), JSON_TYPE);
    const apology = await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => String(c.params.text).includes(APOLOGY_TEXT.slice(0, 6))));
    expect(apology.params.channel).toBe('C0001');
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

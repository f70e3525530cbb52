import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js';
import { eventBody, FAKE_BOT_USER, JSON_TYPE, type FakeCall } from '../../helpers/fake-slack.js';
import { startSlackApp, type SlackAppHarness } from '../../helpers/slack-app-harness.js';

/**
 * A model that writes its answer in four pieces, 400 ms apart (longer than the adapter's pacing,
 * so the pieces arrive as separate updates even on a busy machine), citing the first passage.
 */
const PIECES = ['销售人员', '不得收受客户', '的回扣或好处费', '[1]。'];
let llm: FakeOpenAI;
let h: SlackAppHarness;

beforeAll(async () => {
  llm = await startFakeOpenAI(() => ({ chunks: PIECES, chunkDelayMs: 400 }));
  h = await startSlackApp({ OPENAI_BASE_URL: llm.baseURL, OPENAI_API_KEY: 'sk-fake', LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '10000' });
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});

const text = (c: FakeCall) => `${c.params.markdown_text ?? ''}${c.params.text ?? ''}${JSON.stringify(c.params.blocks ?? '')}`;
const callsSince = (mark: number, method: string) => h.fake.calls.slice(mark).filter((c) => c.method === method);

async function mention(ts: string, channel: string, extra: Record<string, unknown> = {}) {
  const mark = h.fake.calls.length;
  await h.send(eventBody({ type: 'app_mention', user: 'U0STREAM1', team: 'T0001', text: `<@${FAKE_BOT_USER}> 可以给客户回扣吗？`, ts, channel, event_ts: ts, ...extra }, `Ev${ts}`), JSON_TYPE);
  return mark;
}

describe('Slack: LLM answers appear while the model writes them', () => {
  it('streams into the thread (startStream, appendStream, stopStream), then puts the checked answer in place', async () => {
    const ts = '1700001000.000100';
    const mark = await mention(ts, 'C0STREAM01');
    const update = await h.fake.waitFor(() => callsSince(mark, 'chat.update').find((c) => JSON.stringify(c.params.blocks ?? '').includes('[1]')), 15_000);
    const start = callsSince(mark, 'chat.startStream');
    expect(start).toHaveLength(1);
    expect(start[0]!.params).toMatchObject({ channel: 'C0STREAM01', thread_ts: ts, recipient_user_id: 'U0STREAM1', recipient_team_id: 'T0001' });
    const appends = callsSince(mark, 'chat.appendStream');
    // The stream began before the model had finished.
    expect(start[0]!.params.markdown_text.length).toBeLessThan(PIECES.join('').length);
    const stop = callsSince(mark, 'chat.stopStream');
    expect(stop).toHaveLength(1);
    // Start, appends and stop spell the model's text in order, nothing repeated or lost.
    expect([start[0]!, ...appends, stop[0]!].map((c) => c.params.markdown_text ?? '').join('')).toBe(PIECES.join(''));
    const streamTs = stop[0]!.params.ts;
    // The final reply replaces the streamed message itself, with the sources and buttons.
    expect(update.params.ts).toBe(streamTs);
    expect(text(update)).toContain('回扣');
    expect(JSON.stringify(update.params.blocks)).toMatch(/feedback/);
    // The "Searching…" placeholder does not stay behind.
    const placeholder = callsSince(mark, 'chat.postMessage')[0];
    // (The delete follows the update: wait for it rather than race it on a loaded machine.)
    if (placeholder) expect(await h.fake.waitFor(() => (callsSince(mark, 'chat.delete').length ? callsSince(mark, 'chat.delete') : null), 5_000)).toHaveLength(1);
  });

  it('edits one message in place where Slack refuses to stream', async () => {
    h.fake.failNext('chat.startStream', { body: { ok: false, error: 'not_allowed_token_type' } });
    const mark = await mention('1700001100.000100', 'C0STREAM02');
    const final = await h.fake.waitFor(() => callsSince(mark, 'chat.update').find((c) => JSON.stringify(c.params.blocks ?? '').includes('[1]')), 15_000);
    const updates = callsSince(mark, 'chat.update');
    // At least one live edit with partial text before the final one, all on the same message.
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(updates.map((u) => u.params.ts)).size).toBe(1);
    const full = PIECES.join('');
    expect(updates[0]!.params.text.length).toBeLessThan(full.length);
    expect(full.startsWith(updates[0]!.params.text)).toBe(true);
    expect(final.params.ts).toBe(updates[0]!.params.ts);
    expect(callsSince(mark, 'chat.appendStream')).toHaveLength(0);
  });

  it('in the assistant surface (a DM thread) shows "is thinking…", then streams the answer into that thread', async () => {
    const mark = h.fake.calls.length;
    const ts = '1700001300.000200';
    await h.send(
      eventBody({ type: 'message', channel_type: 'im', channel: 'D0STREAM01', user: 'U0STREAM1', team: 'T0001', text: '可以给客户回扣吗？', ts, thread_ts: '1700001300.000100', event_ts: ts }, 'EvDmThread'),
      JSON_TYPE,
    );
    await h.fake.waitFor(() => callsSince(mark, 'chat.update').find((c) => JSON.stringify(c.params.blocks ?? '').includes('[1]')), 15_000);
    const status = callsSince(mark, 'assistant.threads.setStatus');
    expect(status).toHaveLength(1);
    expect(status[0]!.params).toMatchObject({ channel_id: 'D0STREAM01', thread_ts: '1700001300.000100' });
    expect(String(status[0]!.params.status)).toMatch(/thinking/);
    const start = callsSince(mark, 'chat.startStream');
    expect(start).toHaveLength(1);
    expect(start[0]!.params.thread_ts).toBe('1700001300.000100');
  });

  it('sets no assistant status outside a DM thread', async () => {
    const mark = h.fake.calls.length;
    const ts = '1700001400.000100';
    await h.send(eventBody({ type: 'message', channel_type: 'im', channel: 'D0STREAM02', user: 'U0STREAM1', team: 'T0001', text: '可以给客户回扣吗？', ts, event_ts: ts }, 'EvDmTop'), JSON_TYPE);
    await h.fake.waitFor(() => callsSince(mark, 'chat.update').find((c) => JSON.stringify(c.params.blocks ?? '').includes('[1]')), 15_000);
    expect(callsSince(mark, 'assistant.threads.setStatus')).toHaveLength(0);
    // No thread to stream into: the answer is edited in place.
    expect(callsSince(mark, 'chat.startStream')).toHaveLength(0);
  });

  it('extractive answers (no model) are never streamed', async () => {
    llm.respondWith(() => ({ status: 500 }));
    const mark = await mention('1700001200.000100', 'C0STREAM03');
    await h.fake.waitFor(() => callsSince(mark, 'chat.update').find((c) => JSON.stringify(c.params.blocks ?? '').includes('[1]')), 15_000);
    expect(callsSince(mark, 'chat.startStream')).toHaveLength(0);
    llm.respondWith(() => ({ chunks: PIECES, chunkDelayMs: 400 }));
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { textReply } from '../../src/core/replies.js';
import { APOLOGY_TEXT, SEARCHING_TEXT } from '../../src/platforms/slack/adapter.js';
import { commandBody, eventBody, FAKE_BOT_USER, FORM, JSON_TYPE } from '../helpers/fake-slack.js';
import { blocksText, closeAll, mention, setup } from '../helpers/slack-adapter-harness.js';

afterEach(closeAll);

/** Every text the fake Slack was shown, by Web API or response_url, in order. */
function everythingShown(h: Awaited<ReturnType<typeof setup>>): string[] {
  return [
    ...h.fake.calls.map((c) => `${c.params.text ?? ''} ${blocksText(c.params.blocks)}`),
    ...h.fake.responses.map((r) => `${r.body.text ?? ''} ${blocksText(r.body.blocks)}`),
  ];
}

describe('Slack delivery faults (issue 15): a slow or failing call never shows twice or turns into an apology', () => {
  it('a "Searching…" post that times out is not retried into a second one, and the answer still arrives once', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    h.fake.holdCalls((method, params) => method === 'chat.postMessage' && params.text === SEARCHING_TEXT);
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 客户采购私下要回扣怎么办`, '1700001000.000100'), 'EvDel01'), JSON_TYPE);
    const answer = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.params.text !== SEARCHING_TEXT), 8000);
    expect(blocksText(answer.params.blocks)).toContain('[1]');
    expect(answer.params.thread_ts).toBe('1700001000.000100');
    // Let any retry the client might still make land before counting.
    await new Promise((r) => setTimeout(r, 700));
    const placeholders = h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.text === SEARCHING_TEXT);
    expect(placeholders).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.text !== SEARCHING_TEXT)).toHaveLength(1);
    expect(everythingShown(h).some((t) => t.includes(APOLOGY_TEXT))).toBe(false);
  });

  it('when the progress note posts normally, the answer replaces it in place (no second message)', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 回扣的事问一下`, '1700001100.000100'), 'EvDel02'), JSON_TYPE);
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update')[0]);
    expect(blocksText(update.params.blocks)).toContain('[1]');
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('an expired response_url (404): the command reply goes to the asker as an ephemeral message, not an apology', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    h.fake.failNextResponse({ status: 404, body: 'expired_url' });
    const res = await h.send(commandBody({ command: '/ask', text: '经销商返的回扣能不能收', response_url: h.fake.responseUrl() }), FORM);
    expect(res.status).toBe(200);
    const eph = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0]);
    expect(eph.params.user).toBe('U0001');
    expect(eph.params.channel).toBe('C0001');
    expect(blocksText(eph.params.blocks)).toContain('[1]');
    expect(everythingShown(h).some((t) => t.includes(APOLOGY_TEXT))).toBe(false);
  });

  it('a response_url that hangs past the timeout: the answer is posted directly, with no apology after it', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    h.fake.failNextResponse({ hold: true });
    await h.send(commandBody({ command: '/ask', text: 'is a kickback from a supplier ever allowed', response_url: h.fake.responseUrl() }), FORM);
    const eph = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0], 8000);
    expect(blocksText(eph.params.blocks)).toContain('[1]');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(everythingShown(h).some((t) => t.includes(APOLOGY_TEXT))).toBe(false);
  });

  it('response_url failing and the bot not in the channel: the asker gets the answer by DM', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    h.fake.failNextResponse({ status: 500 });
    // Three failures outlast the harness client's two retries.
    for (let i = 0; i < 3; i++) h.fake.failNext('chat.postEphemeral', { status: 200, body: { ok: false, error: 'channel_not_found' } });
    await h.send(commandBody({ command: '/ask', text: '回扣被发现会怎样', response_url: h.fake.responseUrl() }), FORM);
    const dm = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => String(c.params.channel).startsWith('D')));
    expect(dm.params.channel).toBe('DU0001');
    expect(blocksText(dm.params.blocks)).toContain('[1]');
    expect(everythingShown(h).some((t) => t.includes(APOLOGY_TEXT))).toBe(false);
  });

  it('a working response_url is used alone: no direct post besides it', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    const url = h.fake.responseUrl();
    await h.send(commandBody({ command: '/ask', text: '回扣 以外的好处费算吗', response_url: url }), FORM);
    const [reply] = await h.fake.waitFor(() => (h.fake.responsesTo(url.split('/').pop()!).length ? h.fake.responsesTo(url.split('/').pop()!) : null));
    expect(blocksText(reply!.body.blocks)).toContain('[1]');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(0);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('a channel post whose call timed out is not sent again by the client (it may be in the channel already)', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    h.fake.holdCalls((method, params) => method === 'chat.postMessage' && params.channel === 'CREMIND');
    await expect(h.core.post({ platform: 'slack', channelId: 'CREMIND' }, textReply('本周请完成客户信用复核'))).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === 'CREMIND')).toHaveLength(1);
  });

  it('a post Slack answered with a server error is retried and then goes out once (negative)', async () => {
    const h = await setup({ apiTimeoutMs: 300 });
    h.fake.failNext('chat.postMessage', { status: 503, body: { ok: false, error: 'service_unavailable' } });
    const ts = await h.core.post({ platform: 'slack', channelId: 'CREMIND' }, textReply('月底前提交回款计划'));
    expect(ts).toBeTruthy();
    const calls = h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === 'CREMIND');
    expect(calls.map((c) => c.status)).toEqual([503, 200]);
  });
});

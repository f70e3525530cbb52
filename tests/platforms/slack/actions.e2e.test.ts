import { afterEach, describe, expect, it } from 'vitest';
import { eventBody, FAKE_BOT_USER, FORM, JSON_TYPE } from '../../helpers/fake-slack.js';
import { closeAll, setup, blocksText, buttons, mention, blockAction, askViaCommand } from '../../helpers/slack-adapter-harness.js';

afterEach(closeAll);

describe('Slack buttons: feedback and share', () => {
  it('👍 stores feedback and tells only the clicker', async () => {
    const h = await setup();
    const { answer, responseUrl, id } = await askViaCommand(h);
    const up = buttons(answer.body.blocks).find((b) => b.action_id.startsWith('feedback:') && b.value.endsWith(':up'))!;
    const res = await h.send(blockAction(h, { actionId: up.action_id, value: up.value, responseUrl }), FORM);
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.fake.responsesTo(id).length === 2);
    expect(h.analytics.stats().feedback).toEqual({ up: 1, down: 0 });
    const toast = h.fake.responsesTo(id)[1]!;
    expect(toast.body.response_type).toBe('ephemeral');
    expect(toast.body.replace_original).toBe(false);
  });

  it('👍 on a threaded (visible) answer answers with chat.postEphemeral in the thread', async () => {
    const h = await setup();
    await h.send(eventBody(mention(`<@${FAKE_BOT_USER}> 回扣？`, '1700000700.000100'), 'EvFb1'), JSON_TYPE);
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update')[0]);
    const down = buttons(update.params.blocks).find((b) => b.value.endsWith(':down'))!;
    await h.send(
      blockAction(h, { actionId: down.action_id, value: down.value, responseUrl: h.fake.responseUrl(), ephemeral: false, messageTs: update.params.ts, threadTs: '1700000700.000100' }),
      FORM,
    );
    const eph = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0]);
    expect(eph.params.user).toBe('U0001');
    expect(eph.params.thread_ts).toBe('1700000700.000100');
    expect(h.analytics.stats().feedback.down).toBe(1);
  });

  it('the share button posts the answer in the channel', async () => {
    const h = await setup();
    const { answer, responseUrl } = await askViaCommand(h);
    const share = buttons(answer.body.blocks).find((b) => b.action_id.startsWith('share:'))!;
    await h.send(blockAction(h, { actionId: share.action_id, value: share.value, responseUrl }), FORM);
    const post = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage')[0]);
    expect(post.params.channel).toBe('C0001');
    expect(blocksText(post.params.blocks)).toContain('[1]');
    expect(buttons(post.params.blocks).some((b) => b.action_id.startsWith('share:'))).toBe(false);
  });
});

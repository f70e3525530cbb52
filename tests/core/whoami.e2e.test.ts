import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_MENTION, cardText, startFeishuApp, type FeishuAppHarness } from '../helpers/feishu-app-harness.js';
import { textMessageEvent } from '../helpers/fake-feishu.js';
import { eventBody, FAKE_BOT_USER, JSON_TYPE } from '../helpers/fake-slack.js';
import { startSlackApp, type SlackAppHarness } from '../helpers/slack-app-harness.js';

const blocksText = (blocks: any[] | undefined) => JSON.stringify(blocks ?? []);

describe('/whoami on Slack (real app, fake Slack)', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp();
  });
  afterAll(async () => h?.close());

  it('answers a slash command privately with the ids in configuration form', async () => {
    const { responses } = await h.command({ command: '/compliance', text: 'whoami', user: 'U0WHO0001', channel: 'C0WHERE001' });
    expect(responses[0]!.body.response_type).toBe('ephemeral');
    const text = blocksText(responses[0]!.body.blocks);
    expect(text).toContain('slack:U0WHO0001');
    expect(text).toContain('slack:C0WHERE001');
  });

  it('answers a mention in a channel with an ephemeral message, not in the thread', async () => {
    const mark = h.fake.calls.length;
    const ts = '1700000500.000100';
    await h.send(eventBody({ type: 'app_mention', user: 'U0WHO0002', text: `<@${FAKE_BOT_USER}> /whoami`, ts, channel: 'C0PUBLIC01', event_ts: ts }, 'EvWho1'), JSON_TYPE);
    const eph = await h.fake.waitFor(() => h.fake.calls.slice(mark).find((c) => c.method === 'chat.postEphemeral'));
    expect(eph.params.user).toBe('U0WHO0002');
    expect(eph.params.channel).toBe('C0PUBLIC01');
    expect(blocksText(eph.params.blocks)).toContain('slack:U0WHO0002');
    const visible = h.fake.calls.slice(mark).filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && blocksText(c.params.blocks).includes('U0WHO0002'));
    expect(visible).toEqual([]);
  });
});

describe('/whoami on Feishu (real app, fake Feishu)', () => {
  let h: FeishuAppHarness;
  beforeAll(async () => {
    h = await startFeishuApp();
  });
  afterAll(async () => h?.close());

  it('answers in a direct chat in place', async () => {
    await h.send(textMessageEvent({ text: '/whoami', chatType: 'p2p', chatId: 'oc_p2p_who', userId: 'ou_who_1' }));
    const text = cardText(h.replies().at(-1)!.content);
    expect(text).toContain('feishu:ou_who_1');
    expect(text).toContain('feishu:oc_p2p_who');
  });

  it('in a group, sends the ids to the asker directly and only says so in the thread', async () => {
    const before = h.replies().length;
    await h.send(textMessageEvent({ text: '@_user_1 /whoami', chatType: 'group', chatId: 'oc_group_who', userId: 'ou_who_2', mentions: [BOT_MENTION] }));
    const direct = h.created('ou_who_2');
    expect(direct).toHaveLength(1);
    expect(cardText(direct[0]!.content)).toContain('feishu:oc_group_who');
    const inThread = h.replies().slice(before).map((r) => cardText(r.content)).join('\n');
    expect(inThread).toContain('私信');
    expect(inThread).not.toContain('ou_who_2');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { textReply } from '../../../src/core/replies.js';
import type { IncomingCommand } from '../../../src/core/types.js';
import { APOLOGY_TEXT } from '../../../src/platforms/slack/adapter.js';
import { commandBody, FORM, interactionBody } from '../../helpers/fake-slack.js';
import { TOKEN, closeAll, setup, blocksText, buttons, askViaCommand } from '../../helpers/slack-adapter-harness.js';

afterEach(closeAll);

describe('Slack slash commands and the pre-check message shortcut', () => {
  it('acks a slash command at once and answers ephemerally via response_url with citations and a share button', async () => {
    const h = await setup();
    const { res, answer } = await askViaCommand(h);
    // Acked with an empty 200 (the answer goes by response_url); ack-before-answer order is tested in tests/reliability/load.e2e.test.ts.
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(answer.body.response_type).toBe('ephemeral');
    const blocks = blocksText(answer.body.blocks);
    expect(blocks).toContain('[1]');
    expect(blocks).toContain('銷售部管理規章制度修訂版');
    expect(blocks).toContain('不得收受客戶賄賂、回扣');
    expect(answer.body.text).toBeTruthy();
    const ids = buttons(answer.body.blocks).map((b) => b.action_id);
    expect(ids.some((id) => id.startsWith('share:'))).toBe(true);
    expect(ids.filter((id) => id.startsWith('feedback:'))).toHaveLength(2);
    expect(new Set(ids).size).toBe(ids.length);
    expect(h.answerer.calls).toHaveLength(1);
    // /healthz still served by the same server.
    const health = await fetch(h.url.replace('/slack/events', '/healthz'));
    expect(health.status).toBe(200);
  });

  it('routes every core command generically, including ones registered later', async () => {
    const h = await setup();
    const seen: IncomingCommand[] = [];
    h.core.registerCommand({
      name: 'credit',
      summary: 'credit test',
      usage: '/credit ACME',
      handle: async (args, ctx) => {
        seen.push({ ...ctx.origin, name: 'credit', args });
        return { ...textReply(`credit for ${args}`), visibility: 'in_channel' };
      },
    });
    const rid = h.fake.responseUrl();
    await h.send(commandBody({ command: '/credit', text: 'ACME  Ltd', response_url: rid }), FORM);
    const [resp] = await h.fake.waitFor(() => (h.fake.responsesTo(rid.split('/').pop()!).length ? h.fake.responsesTo(rid.split('/').pop()!) : null));
    expect(seen[0]!.args).toBe('ACME  Ltd');
    expect(seen[0]!.userId).toBe('U0001');
    expect(resp!.body.response_type).toBe('in_channel');
    const helpUrl = h.fake.responseUrl();
    await h.send(commandBody({ command: '/help', response_url: helpUrl }), FORM);
    const [help] = await h.fake.waitFor(() => (h.fake.responsesTo(helpUrl.split('/').pop()!).length ? h.fake.responsesTo(helpUrl.split('/').pop()!) : null));
    expect(blocksText(help!.body.blocks)).toContain('/credit');
    expect(blocksText(help!.body.blocks)).toContain('/ask');
  });

  it('a response_url that leads nowhere: the asker still gets the answer itself, privately, not an apology', async () => {
    const h = await setup();
    const bogus = `${h.fake.origin}/nowhere/1`;
    await h.send(commandBody({ command: '/ask', text: '回扣？', response_url: bogus }), FORM);
    const eph = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0]);
    expect(eph.params.text).not.toBe(APOLOGY_TEXT);
    expect(blocksText(eph.params.blocks)).toContain('回扣');
    expect(eph.params.user).toBe('U0001');
  });

  it('when no route at all works the asker is told, by whichever route answers', async () => {
    const h = await setup();
    const bogus = `${h.fake.origin}/nowhere/2`;
    // The reply's ephemeral post and its DM both fail (Slack answers ok:false, which is not retried);
    // the apology's own ephemeral post then works.
    h.fake.failNext('chat.postEphemeral', { status: 200, body: { ok: false, error: 'channel_not_found' } });
    h.fake.failNext('conversations.open', { status: 200, body: { ok: false, error: 'cannot_dm_bot' } });
    await h.send(commandBody({ command: '/ask', text: '回扣？', response_url: bogus }), FORM);
    const apology = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.params.text === APOLOGY_TEXT));
    expect(apology.params.user).toBe('U0001');
    expect(h.fake.callsTo('chat.postEphemeral')).toHaveLength(2);
  });

  it('the precheck message shortcut downloads the message files with the bot token and runs /precheck', async () => {
    const h = await setup();
    const got: { args: string; files: { name: string; text: string }[] }[] = [];
    h.core.registerCommand({
      name: 'precheck',
      summary: 'precheck',
      usage: '/precheck',
      handle: async (args, ctx) => {
        got.push({ args, files: (ctx.files ?? []).map((f) => ({ name: f.name, text: new TextDecoder().decode(f.data) })) });
        return textReply('precheck done');
      },
    });
    const fileUrl = h.fake.addFile('contract.txt', '合同金额 10 万元');
    const responseUrl = h.fake.responseUrl();
    await h.send(
      interactionBody({
        type: 'message_action',
        callback_id: 'precheck_message',
        trigger_id: 'trig-sc',
        response_url: responseUrl,
        message_ts: '1700001000.000100',
        message: {
          type: 'message',
          user: 'U0002',
          ts: '1700001000.000100',
          text: '请看这份合同',
          files: [
            { id: 'F1', name: 'contract.txt', mimetype: 'text/plain', size: 20, url_private_download: fileUrl },
            { id: 'F2', name: 'evil.txt', size: 10, url_private_download: 'https://evil.example.com/steal' },
            { id: 'F3', name: 'huge.pdf', size: 50 * 1024 * 1024, url_private_download: fileUrl },
          ],
        },
        user: { id: 'U0001', name: 'alice' },
        channel: { id: 'C0001', name: 'sales' },
        team: { id: 'T0001', domain: 'fake' },
        token: 'legacy',
        action_ts: '1700001001.000',
      }),
      FORM,
    );
    const id = responseUrl.split('/').pop()!;
    await h.fake.waitFor(() => h.fake.responsesTo(id).length === 1);
    expect(got).toEqual([{ args: '请看这份合同', files: [{ name: 'contract.txt', text: '合同金额 10 万元' }] }]);
    expect(h.fake.downloads).toEqual([{ name: 'contract.txt', authorization: `Bearer ${TOKEN}` }]);
    const note = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral')[0]);
    expect(note.params.text).toContain('huge.pdf');
    expect(note.params.text).toContain('evil.txt');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { textReply } from '../../../src/core/replies.js';
import type { IncomingAction, Reply } from '../../../src/core/types.js';
import { commandBody, FORM, interactionBody } from '../../helpers/fake-slack.js';
import { closeAll, setup, blocksText, buttons, blockAction } from '../../helpers/slack-adapter-harness.js';

afterEach(closeAll);

describe('Slack modals: forms and reasons', () => {
  it('opens a form as a modal, maps field errors to blocks, and posts the result on success', async () => {
    const h = await setup();
    const form: Reply['form'] = {
      id: 'test.form',
      title: 'Test form',
      submitLabel: 'Send',
      fields: [
        { name: 'amount', label: 'Amount', kind: 'number', required: true },
        { name: 'kind', label: 'Kind', kind: 'select', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
      ],
    };
    h.core.registerCommand({ name: 'testform', summary: 't', usage: '/testform', handle: async () => ({ blocks: [], fallbackText: 'form', form }) });
    h.core.registerForm({
      id: 'test.form',
      handle: async (sub) =>
        Number(sub.values.amount) > 0
          ? { ok: true, reply: textReply(`Got ${sub.values.amount} ${sub.values.kind}`) }
          : { ok: false, errors: [{ field: 'amount', message: 'must be positive' }, { field: '_form', message: 'check the form' }] },
    });
    const responseUrl = h.fake.responseUrl();
    await h.send(commandBody({ command: '/testform', response_url: responseUrl, trigger_id: 'trig-form-1' }), FORM);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[0]);
    expect(open.params.trigger_id).toBe('trig-form-1');
    const view = open.params.view;
    expect(view.blocks.map((b: any) => b.block_id)).toEqual(['amount', 'kind']);

    const submission = (amount: string) =>
      interactionBody({
        type: 'view_submission',
        team: { id: 'T0001', domain: 'fake' },
        user: { id: 'U0001', username: 'alice', team_id: 'T0001' },
        api_app_id: 'A0001',
        token: 'legacy',
        trigger_id: 'trig-sub',
        view: {
          ...view,
          id: 'V123',
          team_id: 'T0001',
          hash: 'h',
          state: { values: { amount: { value: { type: 'number_input', value: amount } }, kind: { value: { type: 'static_select', selected_option: { value: 'b' } } } } },
        },
      });
    const bad = await h.send(submission('-1'), FORM);
    expect(bad.status).toBe(200);
    const ackBody = JSON.parse(bad.body);
    expect(ackBody.response_action).toBe('errors');
    expect(ackBody.errors.amount).toContain('must be positive');
    expect(ackBody.errors.amount).toContain('check the form');

    const good = await h.send(submission('5'), FORM);
    expect(good.status).toBe(200);
    expect(good.body).toBe('');
    const id = responseUrl.split('/').pop()!;
    const [resp] = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null));
    expect(blocksText(resp!.body.blocks)).toContain('Got 5 b');
    expect(resp!.body.response_type).toBe('ephemeral');
  });

  it('a button that requires a reason opens a modal and passes the reason to the core', async () => {
    const h = await setup();
    const got: IncomingAction[] = [];
    h.core.registerCommand({
      name: 'testreject',
      summary: 't',
      usage: '/testreject',
      handle: async () => ({ ...textReply('Request #7'), actions: [{ id: 'test.reject', label: 'Reject', value: 'req-7', style: 'danger', requiresReason: true }] }),
    });
    h.core.registerAction({
      id: 'test.reject',
      handle: async (a) => {
        got.push(a);
        return { replaceOriginal: textReply(`Rejected: ${a.reason}`), toast: 'done', toastKind: 'success' };
      },
    });
    const responseUrl = h.fake.responseUrl();
    const id = responseUrl.split('/').pop()!;
    await h.send(commandBody({ command: '/testreject', response_url: responseUrl }), FORM);
    const [msg] = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null));
    const btn = buttons(msg!.body.blocks)[0]!;
    expect(btn.action_id).toMatch(/:r$/);
    await h.send(blockAction(h, { actionId: btn.action_id, value: btn.value, responseUrl }), FORM);
    const open = await h.fake.waitFor(() => h.fake.callsTo('views.open')[0]);
    expect(got).toHaveLength(0);
    const view = open.params.view;
    const submit = await h.send(
      interactionBody({
        type: 'view_submission',
        team: { id: 'T0001', domain: 'fake' },
        user: { id: 'U0001', username: 'alice', team_id: 'T0001' },
        api_app_id: 'A0001',
        token: 'legacy',
        view: { ...view, id: 'V9', team_id: 'T0001', hash: 'h', state: { values: { reason: { value: { type: 'plain_text_input', value: '金额超限' } } } } },
      }),
      FORM,
    );
    expect(submit.status).toBe(200);
    await h.fake.waitFor(() => got.length === 1);
    expect(got[0]!.reason).toBe('金额超限');
    expect(got[0]!.value).toBe('req-7');
    const replaced = await h.fake.waitFor(() => h.fake.responsesTo(id).find((r) => r.body.replace_original === true));
    expect(blocksText(replaced.body.blocks)).toContain('Rejected: 金额超限');
  });
});

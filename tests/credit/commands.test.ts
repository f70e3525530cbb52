import { describe, expect, it } from 'vitest';
import type { IncomingAction, Reply } from '../../src/core/types.js';
import { APPLICATION_FIELDS } from '../../src/credit/application.js';
import { createCreditActions, createCreditCommand, createCreditFormHandler } from '../../src/credit/commands.js';
import { asFormValues, strongApplication } from '../fixtures/credit/applications.js';
import { makeWorkflow, person } from '../fixtures/credit/harness.js';

const REP = person('UREP');
const text = (r: Reply) => JSON.stringify(r.blocks) + r.fallbackText;

async function setup() {
  const h = await makeWorkflow();
  const now = () => new Date('2025-06-01T00:00:00Z');
  const deps = { workflow: h.workflow, now };
  return {
    ...h,
    command: createCreditCommand(deps),
    form: createCreditFormHandler(deps),
    actions: Object.fromEntries(createCreditActions(deps).map((a) => [a.id, a])),
  };
}

function press(actionId: string, who: string, value: string, reason?: string): IncomingAction {
  return { ...person(who), actionId, value, ...(reason ? { reason } : {}) };
}

describe('/credit command', () => {
  it('opens the credit.apply form listing every field', async () => {
    const { command } = await setup();
    expect(command.name).toBe('credit');
    const reply = await command.handle('', { origin: REP });
    expect(reply.form?.id).toBe('credit.apply');
    expect(reply.form!.fields.map((f) => f.name).sort()).toEqual([...APPLICATION_FIELDS].sort());
    const guarantee = reply.form!.fields.find((f) => f.name === 'guaranteeType')!;
    expect(guarantee.kind).toBe('select');
    expect(guarantee.options!.map((o) => o.value)).toEqual(['none', 'guarantee', 'deposit', 'collateral']);
    expect(reply.form!.fields.find((f) => f.name === 'litigation')!.kind).toBe('boolean');
    expect(reply.form!.fields.find((f) => f.name === 'requestedLimit')!.kind).toBe('number');
  });

  it('submits a JSON application given as arguments', async () => {
    const { command, messenger, workflow } = await setup();
    const reply = await command.handle(JSON.stringify(strongApplication({ requestedLimit: 150_000 })), { origin: REP });
    await workflow.idle();
    expect(text(reply)).toContain('CR-TEST1');
    expect(text(reply)).toMatch(/A/);
    expect(text(reply)).toContain('150,000');
    expect(messenger.posts).toHaveLength(1);
  });

  it('accepts JSON typed with smart quotes', async () => {
    const { command } = await setup();
    const json = JSON.stringify(strongApplication()).replace(/"/g, (_m, i: number) => (i % 2 ? '”' : '“'));
    const reply = await command.handle(json, { origin: REP });
    expect(text(reply)).toContain('CR-TEST1');
  });

  it('lists invalid JSON fields instead of submitting', async () => {
    const { command, messenger, workflow } = await setup();
    const reply = await command.handle(JSON.stringify({ ...strongApplication(), uscc: '123' }), { origin: REP });
    await workflow.idle();
    expect(text(reply)).toContain('uscc');
    expect(messenger.posts).toHaveLength(0);
    const broken = await command.handle('{ "customerName": ', { origin: REP });
    expect(text(broken)).toContain('JSON');
  });

  it('shows status only to those who may see it', async () => {
    const { command, workflow } = await setup();
    await command.handle(JSON.stringify(strongApplication()), { origin: REP });
    await workflow.idle();
    const mine = await command.handle('status CR-TEST1', { origin: REP });
    expect(text(mine)).toContain('CR-TEST1');
    expect(text(mine)).toContain('福建示例贸易有限公司');
    const approver = await command.handle('status CR-TEST1', { origin: person('USM') });
    expect(text(approver)).toContain('福建示例贸易有限公司');
    const outsider = await command.handle('status CR-TEST1', { origin: person('UX') });
    expect(text(outsider)).not.toContain('福建示例贸易有限公司');
    const missing = await command.handle('status CR-NOPE', { origin: REP });
    expect(text(missing)).toBe(text(outsider));
  });

  it('lists my applications and those awaiting me', async () => {
    const { command, workflow } = await setup();
    await command.handle(JSON.stringify(strongApplication()), { origin: REP });
    await workflow.idle();
    expect(text(await command.handle('list', { origin: REP }))).toContain('CR-TEST1');
    expect(text(await command.handle('list', { origin: person('USM') }))).toContain('CR-TEST1');
    expect(text(await command.handle('list', { origin: person('UFIN') }))).not.toContain('CR-TEST1');
  });
});

describe('credit.apply form', () => {
  it('returns field errors for string values that do not validate', async () => {
    const { form, messenger, workflow } = await setup();
    const values = { ...asFormValues(strongApplication()), uscc: '91350100M000100Y44', requestedTermDays: 'soon', litigation: '' };
    const result = await form.handle({ ...REP, formId: 'credit.apply', values });
    await workflow.idle();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['litigation', 'requestedTermDays', 'uscc']);
    expect(messenger.posts).toHaveLength(0);
  });

  it('coerces strings, submits and replies with the assessment', async () => {
    const { form, messenger, workflow } = await setup();
    const values = { ...asFormValues(strongApplication()), requestedLimit: '15万', industryOutlook: 'stable' };
    const result = await form.handle({ ...REP, formId: 'credit.apply', values });
    await workflow.idle();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // stable → 77 → B: term 30, limit min(150000, 300000 × 30 / 30 × 0.6) = 150000
    expect(text(result.reply)).toContain('77');
    expect(text(result.reply)).toContain('150,000');
    expect(messenger.posts).toHaveLength(1);
  });
});

describe('credit.approve / credit.reject actions', () => {
  it('runs the whole flow through the action handlers', async () => {
    const { command, actions, messenger, workflow } = await setup();
    await command.handle(JSON.stringify(strongApplication({ requestedLimit: 150_000 })), { origin: REP });
    await workflow.idle();
    const value = messenger.posts[0]!.reply.actions![0]!.value;
    expect((await actions['credit.approve']!.handle(press('credit.approve', 'UREP', value))).toastKind).toBe('error');
    expect((await actions['credit.approve']!.handle(press('credit.approve', 'USM', value))).toastKind).toBe('success');
    await workflow.idle();
    const next = messenger.posts[1]!.reply.actions!.find((a) => a.id === 'credit.reject')!.value;
    expect((await actions['credit.reject']!.handle(press('credit.reject', 'UFIN', next))).toastKind).toBe('error');
    const rejected = await actions['credit.reject']!.handle(press('credit.reject', 'UFIN', next, '额度过高'));
    await workflow.idle();
    expect(rejected.toastKind).toBe('success');
    expect(text(rejected.replaceOriginal!)).toContain('驳回');
    expect((await workflow.statusFor(REP, 'CR-TEST1'))!.status).toBe('rejected');
    expect(messenger.dmsTo('UREP').map((d) => d.reply.fallbackText).join()).toContain('驳回');
  });
});

import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/types.js';
import type { ChatPort } from '../../src/core/types.js';
import { messengerFromChatPorts, oneYearValidUntil, parseApprovalChannels } from '../../src/credit/workflow.js';
import { strongApplication } from '../fixtures/credit/applications.js';
import { makeWorkflow, person, ROLES } from '../fixtures/credit/harness.js';

const REP = person('UREP');
const SM = person('USM');
const FIN = person('UFIN');
const FD = person('UFD');
const OUTSIDER = person('UX');

const text = (r: Reply) => JSON.stringify(r.blocks) + r.fallbackText;
const buttons = (r: Reply) => r.actions ?? [];

describe('credit workflow: submit', () => {
  it('scores, stores and posts an approval card for the first approver', async () => {
    const { workflow, messenger } = await makeWorkflow();
    const { application, reply } = await workflow.submit(REP, strongApplication({ requestedLimit: 150_000 }));
    await workflow.idle();
    expect(application.id).toBe('CR-TEST1');
    expect(application.route).toEqual(['sales_manager', 'finance']);
    expect(text(reply)).toContain('CR-TEST1');
    expect(text(reply)).toContain('81');
    expect(messenger.posts).toHaveLength(1);
    const card = messenger.posts[0]!;
    expect(card.target).toEqual({ platform: 'slack', channelId: 'CAPPROVE' });
    expect(buttons(card.reply).map((a) => a.id)).toEqual(['credit.approve', 'credit.reject']);
    expect(buttons(card.reply).find((a) => a.id === 'credit.reject')!.requiresReason).toBe(true);
    expect(buttons(card.reply)[0]!.value).toBe('CR-TEST1:0');
    expect((await workflow.statusFor(REP, 'CR-TEST1'))?.status).toBe('pending');
  });

  it('sends the card to each eligible approver by DM when no approval channel is configured', async () => {
    const { workflow, messenger } = await makeWorkflow({ channels: [] });
    await workflow.submit(REP, strongApplication());
    await workflow.idle();
    expect(messenger.posts).toHaveLength(0);
    expect(messenger.dms.map((d) => `${d.platform}:${d.userId}`).sort()).toEqual(['feishu:ou_sm', 'slack:USM']);
    expect(buttons(messenger.dms[0]!.reply)).toHaveLength(2);
  });

  it('warns the submitter when a step has nobody who may approve it', async () => {
    const { workflow } = await makeWorkflow({ roles: { ...ROLES, sales_manager: ['slack:UREP'] } });
    const { warnings } = await workflow.submit(REP, strongApplication());
    await workflow.idle();
    expect(warnings.join()).toContain('CREDIT_ROLE_SALES_MANAGER');
  });

  it('logs a step without approvers once when it is saved, not again for a repeat of the same submission (negative)', async () => {
    const { workflow, logLines } = await makeWorkflow({ roles: { ...ROLES, sales_manager: ['slack:UREP'] } });
    await workflow.submit(REP, strongApplication());
    await workflow.submit(REP, strongApplication());
    await workflow.idle();
    expect(logLines.filter((l) => l.includes('credit.no_approver'))).toHaveLength(1);
    expect(logLines.filter((l) => l.includes('credit.resubmitted'))).toHaveLength(1);
  });
});

describe('credit workflow: approve to the end', () => {
  it('walks the route, records each decision, notifies the applicant and stores the line', async () => {
    const { workflow, messenger, clock } = await makeWorkflow();
    await workflow.submit(REP, strongApplication({ requestedLimit: 500_000 }));
    await workflow.idle();
    expect((await workflow.statusFor(REP, 'CR-TEST1'))!.route).toEqual(['sales_manager', 'finance', 'finance_director']);

    const r1 = await workflow.decide(SM, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    expect(r1.toastKind).toBe('success');
    expect(r1.replaceOriginal && buttons(r1.replaceOriginal)).toHaveLength(0);
    expect(messenger.dmsTo('UREP')).toHaveLength(1);
    expect(messenger.posts).toHaveLength(2);
    expect(buttons(messenger.posts[1]!.reply)[0]!.value).toBe('CR-TEST1:1');
    expect((await workflow.findApprovedLine({ uscc: strongApplication().uscc }))).toBeNull();

    clock.now = new Date('2025-03-11T03:00:00Z');
    await workflow.decide(FIN, 'CR-TEST1:1', 'approve');
    await workflow.idle();
    expect(messenger.dmsTo('UREP')).toHaveLength(2);
    clock.now = new Date('2025-03-12T04:00:00Z');
    const r3 = await workflow.decide(FD, 'CR-TEST1:2', 'approve', 'ok');
    await workflow.idle();
    expect(r3.toastKind).toBe('success');
    expect(messenger.posts).toHaveLength(3); // no card after the last step
    expect(messenger.dmsTo('UREP')).toHaveLength(3);
    expect(text(messenger.dmsTo('UREP')[2]!.reply)).toContain('2026-03-11');

    const stored = (await workflow.statusFor(REP, 'CR-TEST1'))!;
    expect(stored.status).toBe('approved');
    expect(stored.decisions.map((d) => [d.role, d.decision, d.by.userId, d.at])).toEqual([
      ['sales_manager', 'approve', 'USM', '2025-03-10T02:00:00.000Z'],
      ['finance', 'approve', 'UFIN', '2025-03-11T03:00:00.000Z'],
      ['finance_director', 'approve', 'UFD', '2025-03-12T04:00:00.000Z'],
    ]);

    // A grade, 45 days: min(500000, 300000 × 45 / 30) = 450000
    const line = { customerName: '福建示例贸易有限公司', uscc: '91350100M000100Y43', limit: 450_000, termDays: 45, validUntil: '2026-03-11' };
    expect((await workflow.findApprovedLine({ uscc: '91350100M000100Y43' }))).toEqual(line);
    expect((await workflow.findApprovedLine({ uscc: '91350100m000100y43' }))).toEqual(line);
    expect((await workflow.findApprovedLine({ customerName: '福建示例贸易有限公司' }))).toEqual(line);
    expect((await workflow.findApprovedLine({ customerName: '福建示例贸易' }))).toBeNull();
    expect((await workflow.findApprovedLine({ uscc: '914403007152672630' }))).toBeNull();
    expect((await workflow.findApprovedLine({ uscc: '91350100M000100Y43' }, new Date('2026-03-11T12:00:00Z')))).toEqual(line);
    expect((await workflow.findApprovedLine({ uscc: '91350100M000100Y43' }, new Date('2026-03-12T12:00:00Z')))).toBeNull();
  });

  it('replaces a customer line with a newer approval', async () => {
    const { workflow } = await makeWorkflow();
    await workflow.submit(REP, strongApplication({ requestedLimit: 100_000 }));
    await workflow.idle();
    await workflow.decide(SM, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    await workflow.decide(FIN, 'CR-TEST1:1', 'approve');
    await workflow.idle();
    expect((await workflow.findApprovedLine({ customerName: '福建示例贸易有限公司' }))?.limit).toBe(100_000);
    await workflow.submit(REP, strongApplication({ requestedLimit: 180_000 }));
    await workflow.idle();
    await workflow.decide(SM, 'CR-TEST2:0', 'approve');
    await workflow.idle();
    await workflow.decide(FIN, 'CR-TEST2:1', 'approve');
    await workflow.idle();
    expect((await workflow.findApprovedLine({ uscc: '91350100M000100Y43' }))?.limit).toBe(180_000);
  });
});

describe('credit workflow: reject', () => {
  it('needs a reason, then closes the application and tells the applicant why', async () => {
    const { workflow, messenger } = await makeWorkflow();
    await workflow.submit(REP, strongApplication({ requestedLimit: 150_000 }));
    await workflow.idle();
    await workflow.decide(SM, 'CR-TEST1:0', 'approve');
    await workflow.idle();

    const noReason = await workflow.decide(FIN, 'CR-TEST1:1', 'reject', '   ');
    await workflow.idle();
    expect(noReason.toastKind).toBe('error');
    expect((await workflow.statusFor(REP, 'CR-TEST1'))!.status).toBe('pending');

    const r = await workflow.decide(FIN, 'CR-TEST1:1', 'reject', '回款记录需核实');
    await workflow.idle();
    expect(r.toastKind).toBe('success');
    const stored = (await workflow.statusFor(REP, 'CR-TEST1'))!;
    expect(stored.status).toBe('rejected');
    expect(stored.decisions[1]).toMatchObject({ role: 'finance', decision: 'reject', reason: '回款记录需核实', by: { userId: 'UFIN' } });
    const last = messenger.dmsTo('UREP').at(-1)!;
    expect(text(last.reply)).toContain('回款记录需核实');
    expect(messenger.posts).toHaveLength(2);
    expect((await workflow.findApprovedLine({ uscc: '91350100M000100Y43' }))).toBeNull();

    const after = await workflow.decide(FIN, 'CR-TEST1:1', 'approve');
    await workflow.idle();
    expect(after.toastKind).not.toBe('success');
  });
});

describe('credit workflow: access', () => {
  it('refuses the applicant approving their own application, even holding the role', async () => {
    const { workflow, logLines } = await makeWorkflow({ roles: { ...ROLES, sales_manager: ['slack:USM', 'slack:UREP'] } });
    await workflow.submit(REP, strongApplication());
    await workflow.idle();
    const r = await workflow.decide(REP, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    expect(r.toastKind).toBe('error');
    expect(r.toast).toMatch(/自己|own/);
    expect((await workflow.statusFor(REP, 'CR-TEST1'))!.decisions).toHaveLength(0);
    expect(logLines.some((l) => l.includes('self_approval') && l.includes('UREP'))).toBe(true);
  });

  it('refuses and logs an outsider, without figures in the log', async () => {
    const { workflow, logLines } = await makeWorkflow();
    await workflow.submit(REP, strongApplication({ requestedLimit: 654_321, customerName: '保密客户有限公司' }));
    await workflow.idle();
    const r = await workflow.decide(OUTSIDER, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    expect(r.toastKind).toBe('error');
    const refusal = logLines.find((l) => l.includes('credit.action_refused'));
    expect(refusal).toContain('"why":"outsider"');
    expect(refusal).toContain('UX');
    expect(refusal).toContain('CR-TEST1');
    const all = logLines.join('\n');
    expect(all).not.toContain('654321');
    expect(all).not.toContain('保密客户');
    expect(all).not.toContain('91350100M000100Y43');
  });

  it('refuses an approver of a later step pressing the current one', async () => {
    const { workflow } = await makeWorkflow();
    await workflow.submit(REP, strongApplication());
    await workflow.idle();
    const r = await workflow.decide(FIN, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    expect(r.toastKind).toBe('error');
    expect((await workflow.statusFor(REP, 'CR-TEST1'))!.step).toBe(0);
  });

  it('refuses a press on an old card once its step is decided', async () => {
    const { workflow } = await makeWorkflow();
    await workflow.submit(REP, strongApplication());
    await workflow.idle();
    await workflow.decide(SM, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    const r = await workflow.decide(SM, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    expect(r.toastKind).toBe('warning');
    expect((await workflow.statusFor(REP, 'CR-TEST1'))!.decisions).toHaveLength(1);
    // The finance approver cannot use the stale step-0 button to decide step 1 either.
    expect((await workflow.decide(FIN, 'CR-TEST1:0', 'approve')).toastKind).toBe('warning');
    await workflow.idle();
  });

  it('does not let one person sign two steps', async () => {
    const { workflow } = await makeWorkflow({ roles: { ...ROLES, finance: ['slack:USM', 'slack:UFIN'] } });
    await workflow.submit(REP, strongApplication({ requestedLimit: 150_000 }));
    await workflow.idle();
    await workflow.decide(SM, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    const r = await workflow.decide(SM, 'CR-TEST1:1', 'approve');
    await workflow.idle();
    expect(r.toastKind).toBe('error');
    expect((await workflow.decide(FIN, 'CR-TEST1:1', 'approve')).toastKind).toBe('success');
    await workflow.idle();
  });

  it('matches the approver on the platform they press on', async () => {
    const { workflow } = await makeWorkflow();
    await workflow.submit(REP, strongApplication());
    await workflow.idle();
    // ou_sm is a sales manager on Feishu, not on Slack
    expect((await workflow.decide(person('ou_sm', 'slack'), 'CR-TEST1:0', 'approve')).toastKind).toBe('error');
    await workflow.idle();
    expect((await workflow.decide(person('ou_sm', 'feishu'), 'CR-TEST1:0', 'approve')).toastKind).toBe('success');
    await workflow.idle();
  });

  it('shows an application only to its applicant and approvers', async () => {
    const { workflow } = await makeWorkflow();
    await workflow.submit(REP, strongApplication({ requestedLimit: 150_000 }));
    await workflow.idle();
    expect((await workflow.statusFor(REP, 'CR-TEST1'))).not.toBeNull();
    expect((await workflow.statusFor(SM, 'CR-TEST1'))).not.toBeNull();
    expect((await workflow.statusFor(FIN, 'CR-TEST1'))).not.toBeNull();
    // the finance director is not on a ≤ 200,000 route
    expect((await workflow.statusFor(FD, 'CR-TEST1'))).toBeNull();
    expect((await workflow.statusFor(OUTSIDER, 'CR-TEST1'))).toBeNull();
    expect((await workflow.statusFor(person('UREP', 'feishu'), 'CR-TEST1'))).toBeNull();
    expect((await workflow.statusFor(REP, 'CR-NOPE'))).toBeNull();
  });

  it('keeps the decision when a notification fails', async () => {
    const { workflow, messenger, logLines } = await makeWorkflow();
    await workflow.submit(REP, strongApplication());
    await workflow.idle();
    messenger.failing = true;
    const r = await workflow.decide(SM, 'CR-TEST1:0', 'approve');
    await workflow.idle();
    expect(r.toastKind).toBe('success');
    expect((await workflow.statusFor(REP, 'CR-TEST1'))!.step).toBe(1);
    expect(logLines.some((l) => l.includes('credit.delivery_failed'))).toBe(true);
  });
});

describe('helpers', () => {
  it('computes a one-year validity', () => {
    expect(oneYearValidUntil('2025-03-10')).toBe('2026-03-09');
    expect(oneYearValidUntil('2024-02-29')).toBe('2025-02-28');
    expect(oneYearValidUntil('2025-01-01')).toBe('2025-12-31');
  });
  it('routes messenger calls to the adapter of the target platform', async () => {
    const calls: string[] = [];
    const port = (platform: 'slack' | 'feishu'): ChatPort => ({
      platform,
      post: async (target) => {
        calls.push(`${platform} post ${target.channelId}`);
        return 'm1';
      },
      notifyUser: async (userId) => {
        calls.push(`${platform} dm ${userId}`);
      },
    });
    const messenger = messengerFromChatPorts([port('slack'), port('feishu')]);
    const reply = { blocks: [], fallbackText: 'x' };
    await messenger.post({ platform: 'feishu', channelId: 'oc_1' }, reply);
    await messenger.notifyUser('slack', 'U1', reply);
    expect(calls).toEqual(['feishu post oc_1', 'slack dm U1']);
    await expect(messenger.notifyUser('console', 'u', reply)).rejects.toThrow(/console/);
  });

  it('parses approval channels', () => {
    expect(parseApprovalChannels('slack:C1, feishu:oc_2')).toEqual([
      { platform: 'slack', channelId: 'C1' },
      { platform: 'feishu', channelId: 'oc_2' },
    ]);
    expect(parseApprovalChannels('oc_9')).toEqual([{ platform: 'feishu', channelId: 'oc_9' }]);
    expect(parseApprovalChannels(undefined)).toEqual([]);
  });
});

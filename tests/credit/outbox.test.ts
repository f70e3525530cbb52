import { afterAll, describe, expect, it } from 'vitest';
import type { Platform, PostTarget, Reply } from '../../src/core/types.js';
import { loadCreditPolicy } from '../../src/credit/policy.js';
import { CreditWorkflow, type CreditDeliveryOptions, type CreditMessenger } from '../../src/credit/workflow.js';
import { silentLogger } from '../../src/log/logger.js';
import type { Storage } from '../../src/storage/database.js';
import { strongApplication } from '../fixtures/credit/applications.js';
import { person, ROLES } from '../fixtures/credit/harness.js';
import { countRows, openEngine, testEngines } from '../helpers/storage.js';

/**
 * Issue 15, credit workflow: a process killed after a decision was saved left the application
 * stuck (no card for the next approver, applicant never told), and one killed during a
 * submission left the submitter without a reply. What a step owes is now written with the step
 * and sent by the outbox; a "killed" workflow here is one whose sends never return, and the
 * "restarted" one is a second workflow on the same database.
 */

const REP = person('UREP');
const SM = person('USM');
const FIN = person('UFIN');

type Sent = { kind: 'post' | 'dm'; to: string; reply: Reply };

/** A platform that records what arrives; `hang` makes every call wait for ever (the process then dies). */
class Platform_ implements CreditMessenger {
  sent: Sent[] = [];
  hang = false;
  failing = false;
  async post(target: PostTarget, reply: Reply): Promise<string> {
    await this.gate();
    this.sent.push({ kind: 'post', to: target.channelId, reply });
    return `m${this.sent.length}`;
  }
  async notifyUser(_platform: Platform, userId: string, reply: Reply): Promise<void> {
    await this.gate();
    this.sent.push({ kind: 'dm', to: userId, reply });
  }
  private async gate(): Promise<void> {
    if (this.hang) await new Promise(() => undefined);
    if (this.failing) throw new Error('platform down');
  }
  to(who: string) {
    return this.sent.filter((s) => s.to === who);
  }
}

const opened: Storage[] = [];
afterAll(async () => {
  for (const s of opened.splice(0)) await s.close();
});

describe.each(testEngines())('credit outbox on %s', (engine) => {
  async function setup(delivery: CreditDeliveryOptions = { leaseMs: 60_000, confirmAfterMs: 120_000, baseDelayMs: 1000 }) {
    const storage = await openEngine(engine);
    opened.push(storage);
    const clock = { ms: Date.parse('2025-03-10T02:00:00Z') };
    let n = 0;
    const workflow = (platform: CreditMessenger) =>
      new CreditWorkflow({
        db: storage.db,
        engine: storage.engine,
        policy: loadCreditPolicy(),
        roles: ROLES,
        approvalChannels: [{ platform: 'slack', channelId: 'CAPPROVE' }],
        messenger: platform,
        logger: silentLogger,
        now: () => new Date(clock.ms),
        newId: () => `CR-OB${++n}`,
        delivery,
      });
    return { storage, clock, workflow };
  }

  it('a decision saved by a process that died while sending: the restart sends the next card and the notice, once each', async () => {
    const { storage, clock, workflow } = await setup();
    const first = new Platform_();
    const a = workflow(first);
    const { reply } = await a.submit(REP, strongApplication({ requestedLimit: 150_000 }));
    await reply.onDelivered?.();
    await a.idle();
    expect(first.to('CAPPROVE')).toHaveLength(1);

    first.hang = true; // the card call never returns; the process is then killed
    const result = await a.decide(SM, 'CR-OB1:0', 'approve');
    expect(result.toastKind).toBe('success');
    expect((await a.statusFor(REP, 'CR-OB1'))!.step).toBe(1);

    const second = new Platform_();
    const b = workflow(second);
    // Within the dead sender's lease nothing is sent twice …
    clock.ms += 30_000;
    b.startDelivery();
    await waitFor(async () => (await b.deliveryHealth(0)).pending === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(second.sent).toHaveLength(0);
    // … and once it runs out, the restarted process sends both.
    clock.ms += 31_000;
    b.stopDelivery();
    b.startDelivery();
    await waitFor(() => second.sent.length === 2);
    b.stopDelivery();
    expect(second.to('UREP')).toHaveLength(1);
    expect(JSON.stringify(second.to('UREP')[0]!.reply)).toContain('CR-OB1');
    const cards = second.to('CAPPROVE');
    expect(cards).toHaveLength(1);
    expect(cards[0]!.reply.actions?.[0]?.value).toBe('CR-OB1:1');
    expect(await b.deliveryHealth(0)).toMatchObject({ pending: 0, failed: 0 });
    // Delivered rows are not sent again by a later start.
    b.startDelivery();
    await new Promise((r) => setTimeout(r, 100));
    b.stopDelivery();
    expect(second.sent).toHaveLength(2);
    expect(await countRows(storage.db, 'credit_decisions')).toBe(1);
  });

  it('a step someone else decided first owes nothing: no second card, no second notice (negative)', async () => {
    const { storage, workflow } = await setup();
    const platform = new Platform_();
    const w = workflow(platform);
    await w.submit(REP, strongApplication({ requestedLimit: 150_000 }));
    const both = await Promise.all([w.decide(SM, 'CR-OB1:0', 'approve'), w.decide(person('ou_sm', 'feishu'), 'CR-OB1:0', 'approve')]);
    await w.idle();
    expect(both.map((r) => r.toastKind).sort()).toEqual(['success', 'warning']);
    // First card, the finance card, the applicant's notice (and the held confirmation).
    expect(platform.to('CAPPROVE')).toHaveLength(2);
    expect(platform.to('UREP')).toHaveLength(1);
    expect(await countRows(storage.db, 'outbox')).toBe(4);
  });

  it('a submission whose reply never went out: the held confirmation is sent once after the wait; the card went at once', async () => {
    const { clock, workflow } = await setup();
    const first = new Platform_();
    const a = workflow(first);
    const { application } = await a.submit(REP, strongApplication());
    await a.idle();
    expect(first.to('CAPPROVE')).toHaveLength(1);
    // Killed before the reply went out: onDelivered never called.
    const second = new Platform_();
    const b = workflow(second);
    b.startDelivery();
    await new Promise((r) => setTimeout(r, 100));
    expect(second.to('UREP')).toHaveLength(0); // still held back
    clock.ms += 120_000;
    b.stopDelivery();
    b.startDelivery();
    await waitFor(() => second.to('UREP').length === 1);
    b.stopDelivery();
    expect(JSON.stringify(second.to('UREP')[0]!.reply)).toContain(application.id);
    expect(second.to('CAPPROVE')).toHaveLength(0);
  });

  it('a submission whose reply went out: the held confirmation is never sent (negative)', async () => {
    const { clock, workflow } = await setup();
    const platform = new Platform_();
    const a = workflow(platform);
    const { reply } = await a.submit(REP, strongApplication());
    await reply.onDelivered?.();
    clock.ms += 10 * 60_000;
    a.startDelivery();
    await new Promise((r) => setTimeout(r, 150));
    a.stopDelivery();
    expect(platform.to('UREP')).toHaveLength(0);
    expect(await a.deliveryHealth(0)).toMatchObject({ pending: 0 });
  });

  it('the submitter sending again after a lost reply is answered, and that answer settles the held confirmation', async () => {
    const { storage, clock, workflow } = await setup();
    const platform = new Platform_();
    const a = workflow(platform);
    const first = await a.submit(REP, strongApplication({ customerName: '厦门示例重试有限公司' }));
    // No reply reached the rep; they submit the same form again a little later.
    clock.ms += 30_000;
    const again = await a.submit(REP, strongApplication({ customerName: '厦门示例重试有限公司' }));
    expect(again.application.id).toBe(first.application.id);
    expect(JSON.stringify(again.reply.blocks)).toContain(first.application.id);
    await again.reply.onDelivered?.();
    clock.ms += 10 * 60_000;
    a.startDelivery();
    await new Promise((r) => setTimeout(r, 150));
    a.stopDelivery();
    expect(platform.to('UREP')).toHaveLength(0);
    expect(await countRows(storage.db, 'credit_applications')).toBe(1);
  });

  it('health: the oldest undelivered message and retries while the platform is down; a give-up is counted', async () => {
    const { clock, workflow } = await setup({ maxAttempts: 2, baseDelayMs: 1000 });
    const platform = new Platform_();
    platform.failing = true;
    const w = workflow(platform);
    const start = clock.ms;
    const { reply } = await w.submit(FIN, strongApplication());
    await reply.onDelivered?.();
    await w.idle();
    clock.ms += 5000;
    let h = await w.deliveryHealth(start);
    expect(h).toMatchObject({ pending: 1, retrying: 1, failed: 0, failedSince: 0, oldestPendingAt: start });
    w.startDelivery();
    await waitFor(async () => (await w.deliveryHealth(start)).failed === 1);
    w.stopDelivery();
    h = await w.deliveryHealth(start);
    expect(h).toMatchObject({ pending: 0, retrying: 0, failed: 1, failedSince: 1, oldestPendingAt: null });
    // A give-up older than the window is no longer counted as recent.
    expect((await w.deliveryHealth(clock.ms + 1)).failedSince).toBe(0);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../../src/analytics/store.js';
import type { Answerer, AskResult } from '../../src/answer/types.js';
import { BotCore } from '../../src/core/core.js';
import { DEFAULT_LEASE_MS, EventDeduper } from '../../src/core/dedupe.js';
import { SharedReplies } from '../../src/core/shared-replies.js';
import { silentLogger as log } from '../../src/log/logger.js';
import type { Db } from '../../src/storage/database.js';
import { ScriptedAnswerer } from '../helpers/core.js';
import { openTestDb } from '../helpers/storage.js';

/**
 * Issue 15, faults: a process that claimed an event and died before answering used to leave the
 * claim for good ("🔎 正在查找…" stayed and the platform's redelivery was ignored). The claim is
 * now a lease on the real SQLite file both processes share: a redelivery after the lease runs out
 * is answered; one while the first process may still be answering, or after it answered, is not.
 */

/** An answerer that never returns, as a process killed mid-answer never does. */
class DyingAnswerer implements Answerer {
  ask(): Promise<AskResult> {
    return new Promise(() => undefined);
  }
}

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function process(file: string, answerer: Answerer, now: () => number) {
  const db = await openTestDb(file);
  dbs.push(db);
  return new BotCore({ answerer, questions: new AnalyticsStore(db, 's'), sharedReplies: new SharedReplies(db), dedupe: new EventDeduper(db, undefined, now), log });
}

const event = { platform: 'slack' as const, userId: 'U1', channelId: 'C1', conversationId: 'C1:1', text: '可以收回扣吗', eventIds: ['slack:Ev-lease-1'] };

describe('dedupe claims are leases', () => {
  it('a redelivery after the first process died mid-answer is answered once the lease has run out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lease-'));
    dirs.push(dir);
    const file = path.join(dir, 'bot.sqlite');
    let t = Date.parse('2024-06-01T00:00:00Z');
    const dying = await process(file, new DyingAnswerer(), () => t);
    void dying.handleMessage(event); // claims, then hangs for ever: the "kill"
    await new Promise((r) => setTimeout(r, 50));

    const restarted = await process(file, new ScriptedAnswerer(), () => t);
    // Slack's first retry comes within a minute, while the lease holds: still a repeat.
    t += 30_000;
    expect(await restarted.handleMessage(event)).toBeNull();
    // Later retries (Slack: after 5 minutes) find the lease expired and get the answer.
    t += DEFAULT_LEASE_MS;
    const reply = await restarted.handleMessage(event);
    expect(reply?.fallbackText).toMatch(/回扣/);
    await reply!.onDelivered!(); // the adapter posted it
    // Once answered, the claim is for good: a further redelivery is ignored.
    t += 10 * DEFAULT_LEASE_MS;
    expect(await restarted.handleMessage(event)).toBeNull();
  });

  it('commands too: a completed command is never answered again, even long after the lease (negative)', async () => {
    let t = Date.parse('2024-06-01T00:00:00Z');
    const db = await openTestDb(':memory:');
    dbs.push(db);
    const core = new BotCore({ answerer: new ScriptedAnswerer(), questions: new AnalyticsStore(db, 's'), sharedReplies: new SharedReplies(db), dedupe: new EventDeduper(db, undefined, () => t), log });
    const cmd = { platform: 'slack' as const, userId: 'U1', channelId: 'C1', conversationId: 'C1', name: 'ask', args: '回扣', eventIds: ['slack:trigger:1'] };
    const reply = await core.handleCommand(cmd);
    expect(reply).not.toBeNull();
    await reply!.onDelivered!();
    t += 5 * DEFAULT_LEASE_MS;
    expect(await core.handleCommand(cmd)).toBeNull();
  });

  it('a reply that was ready but never posted (killed before delivery) leaves only a lease: the redelivery after it is answered', async () => {
    let t = Date.parse('2024-06-01T00:00:00Z');
    const db = await openTestDb(':memory:');
    dbs.push(db);
    const core = new BotCore({ answerer: new ScriptedAnswerer(), questions: new AnalyticsStore(db, 's'), sharedReplies: new SharedReplies(db), dedupe: new EventDeduper(db, undefined, () => t), log });
    const mention = { ...event, eventIds: ['slack:Ev-undelivered'] };
    expect(await core.handleMessage(mention)).not.toBeNull(); // answered, but the post never happened
    t += 10_000;
    expect(await core.handleMessage(mention)).toBeNull(); // a quick retry: the first may still be posting
    t += DEFAULT_LEASE_MS;
    const again = await core.handleMessage(mention);
    expect(again?.fallbackText).toMatch(/回扣/);
  });

  it('a settled reply keeps its own delivery duty (a credit confirmation) after the claim is completed', async () => {
    const db = await openTestDb(':memory:');
    dbs.push(db);
    const settled: string[] = [];
    const core = new BotCore({ answerer: new ScriptedAnswerer(), questions: new AnalyticsStore(db, 's'), sharedReplies: new SharedReplies(db), dedupe: new EventDeduper(db), log });
    core.registerCommand({
      name: 'confirm',
      summary: 'test',
      usage: '/confirm',
      handle: async () => ({ blocks: [{ type: 'text', text: 'ok' }], fallbackText: 'ok', onDelivered: async () => void settled.push('confirmation') }),
    });
    const reply = await core.handleCommand({ platform: 'slack', userId: 'U1', channelId: 'C1', conversationId: 'C1', name: 'confirm', args: '', eventIds: ['slack:trigger:settle'] });
    await reply!.onDelivered!();
    expect(settled).toEqual(['confirmation']);
  });
});

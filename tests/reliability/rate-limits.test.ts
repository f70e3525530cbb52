import { describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../../src/analytics/store.js';
import { BotCore } from '../../src/core/core.js';
import { EventDeduper } from '../../src/core/dedupe.js';
import { SharedReplies } from '../../src/core/shared-replies.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { ScriptedAnswerer } from '../helpers/core.js';
import { openTestDb } from '../helpers/storage.js';

/**
 * Issue 15: every command (questions included) is limited per user and per channel, with a
 * clear bilingual message, so one person cannot post ten digests or flood a channel.
 */

async function core(now: () => number) {
  const db = await openTestDb(':memory:');
  const c = new BotCore({
    answerer: new ScriptedAnswerer(),
    questions: new AnalyticsStore(db, 's'),
    sharedReplies: new SharedReplies(db),
    dedupe: new EventDeduper(db),
    log,
    now,
    rateLimits: { perUserPerMinute: 5, perChannelPerMinute: 8 },
  });
  return c;
}

const text = (r: { fallbackText: string } | null) => r?.fallbackText ?? '';
const cmd = (userId: string, channelId: string, n: number) => ({ platform: 'slack' as const, userId, channelId, conversationId: channelId, name: 'help', args: '', eventIds: [`ev-${userId}-${channelId}-${n}`] });

describe('rate limits', () => {
  it('one person past the per-user limit is told so, privately; a minute later they are served again', async () => {
    let t = 1_000_000;
    const c = await core(() => t);
    for (let i = 0; i < 5; i++) expect(text(await c.handleCommand(cmd('U1', 'C1', i)))).not.toMatch(/太频繁/);
    const refused = await c.handleCommand(cmd('U1', 'C1', 5));
    expect(text(refused)).toMatch(/每人每分钟最多 5 次.*at most 5 a minute per person/);
    expect(refused?.private).toBe(true);
    // Someone else in the same channel is not affected (negative).
    expect(text(await c.handleCommand(cmd('U2', 'C1', 0)))).not.toMatch(/太频繁/);
    t += 61_000;
    expect(text(await c.handleCommand(cmd('U1', 'C1', 6)))).not.toMatch(/太频繁/);
  });

  it('many people in one channel past the per-channel limit; another channel is not affected', async () => {
    const c = await core(() => 2_000_000);
    for (let i = 0; i < 8; i++) expect(text(await c.handleCommand(cmd(`U${i}`, 'CBUSY', i)))).not.toMatch(/太频繁/);
    expect(text(await c.handleCommand(cmd('U99', 'CBUSY', 99)))).toMatch(/本频道请求太频繁/);
    expect(text(await c.handleCommand(cmd('U99', 'COTHER', 99)))).not.toMatch(/太频繁/);
  });

  it('questions count too (a message is a command to ask)', async () => {
    const c = await core(() => 3_000_000);
    const ask = (n: number) => c.handleMessage({ platform: 'feishu', userId: 'ou_1', channelId: 'oc_1', conversationId: 'oc_1', text: '可以收回扣吗', eventIds: [`m${n}`] });
    for (let i = 0; i < 5; i++) expect(text(await ask(i))).not.toMatch(/太频繁/);
    expect(text(await ask(5))).toMatch(/太频繁/);
  });
});

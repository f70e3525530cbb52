import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInvocation } from '../../src/core/parse.js';
import { openDatabase } from '../../src/storage/db.js';
import type { Origin } from '../../src/core/types.js';
import { createTestCore, ScriptedAnswerer } from '../helpers/core.js';

const origin: Origin = { platform: 'slack', userId: 'U1', channelId: 'C1', conversationId: 'T1' };
const tmp = mkdtempSync(path.join(tmpdir(), 'core-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const textOf = (r: { blocks: { type: string; text?: string }[] } | null) =>
  (r?.blocks ?? []).map((b) => b.text ?? '').join('\n');

describe('message routing', () => {
  it('answers a plain message with citations and feedback and share buttons', async () => {
    const { core } = createTestCore();
    const reply = await core.handleMessage({ ...origin, text: '可以收客户的回扣吗？' });
    expect(reply!.blocks.find((b) => b.type === 'citations')).toBeTruthy();
    expect(reply!.actions!.map((a) => a.id)).toEqual(['feedback', 'feedback', 'share']);
  });

  it('routes /commands and bare help words to commands', async () => {
    const { core } = createTestCore();
    core.registerCommand({ name: 'later', summary: 'added by a later feature', usage: '/later', handle: async () => ({ blocks: [{ type: 'text', text: 'later ran' }], fallbackText: 'later ran' }) });
    expect(textOf(await core.handleMessage({ ...origin, text: '/later' }))).toBe('later ran');
    for (const word of ['help', '帮助', '/help']) {
      const help = textOf(await core.handleMessage({ ...origin, text: word }));
      expect(help, word).toContain('/later');
      expect(help, word).toContain('/ask');
    }
    expect(textOf(await core.handleMessage({ ...origin, text: '/nosuch x' }))).toContain('/help');
  });

  it('gives a clear answer to empty and over-long questions without calling the answerer', async () => {
    const answerer = new ScriptedAnswerer();
    const { core } = createTestCore(openDatabase(':memory:'), answerer);
    expect(textOf(await core.handleCommand({ ...origin, name: 'ask', args: '   ' }))).toMatch(/回扣|\/help/u);
    expect(textOf(await core.handleMessage({ ...origin, text: '回扣'.repeat(1500) }))).toContain('2000');
    expect(answerer.calls).toHaveLength(0);
  });

  it('turns a failing command into an apology instead of a crash', async () => {
    const { core } = createTestCore();
    core.registerCommand({ name: 'boom', summary: 'fails', usage: '/boom', handle: async () => { throw new Error('secret detail'); } });
    const text = textOf(await core.handleMessage({ ...origin, text: '/boom' }));
    expect(text).toContain('抱歉');
    expect(text).not.toContain('secret detail');
  });
});

describe('redelivered events', () => {
  it('never answers the same event twice, also after a restart', async () => {
    const file = path.join(tmp, 'dedupe.db');
    const first = createTestCore(openDatabase(file));
    const msg = { ...origin, text: '回扣', eventIds: ['slack:Ev1'] };
    expect(await first.core.handleMessage(msg)).not.toBeNull();
    expect(await first.core.handleMessage(msg)).toBeNull();
    first.db.close();
    const restarted = createTestCore(openDatabase(file));
    expect(await restarted.core.handleMessage(msg)).toBeNull();
    expect(await restarted.core.handleMessage({ ...msg, eventIds: ['slack:Ev2'] })).not.toBeNull();
  });

  it('treats an event as a repeat when any of its ids was seen (Feishu event_id and message_id)', async () => {
    const { core } = createTestCore();
    expect(await core.handleMessage({ ...origin, text: '回扣', eventIds: ['feishu:e1', 'feishu:m1'] })).not.toBeNull();
    expect(await core.handleMessage({ ...origin, text: '回扣', eventIds: ['feishu:e2', 'feishu:m1'] })).toBeNull();
  });
});

describe('feedback and sharing', () => {
  it('stores one vote per user per answer and counts it in stats', async () => {
    const { core, analytics } = createTestCore();
    const reply = await core.handleMessage({ ...origin, text: '回扣可以收吗' });
    const up = reply!.actions!.find((a) => a.value.endsWith(':up'))!;
    const down = reply!.actions!.find((a) => a.value.endsWith(':down'))!;
    expect((await core.handleAction({ ...origin, actionId: 'feedback', value: up.value }))!.toast).toContain('👍');
    await core.handleAction({ ...origin, actionId: 'feedback', value: down.value });
    await core.handleAction({ ...origin, userId: 'U2', actionId: 'feedback', value: up.value });
    expect(analytics.stats().feedback).toEqual({ up: 1, down: 1 });
    const unknown = await core.handleAction({ ...origin, actionId: 'feedback', value: 'nope:up' });
    expect(unknown!.toastKind).toBe('warning');
  });

  it('shares a stored copy of an answer in the channel, without buttons', async () => {
    const { core } = createTestCore();
    const reply = await core.handleCommand({ ...origin, name: 'ask', args: '回扣' });
    const share = reply!.actions!.find((a) => a.id === 'share')!;
    const result = await core.handleAction({ ...origin, actionId: 'share', value: share.value });
    expect(result!.postInChannel!.visibility).toBe('in_channel');
    expect(result!.postInChannel!.actions ?? []).toEqual([]);
    expect(textOf(result!.postInChannel!)).toContain('回扣');
  });

  it('records unanswered questions so the compliance team sees what the handbook lacks', async () => {
    const { core, analytics } = createTestCore();
    await core.handleMessage({ ...origin, text: '年假怎么请？' });
    await core.handleMessage({ ...origin, userId: 'U9', text: '年假怎么请？' });
    await core.handleMessage({ ...origin, text: '回扣' });
    const s = analytics.stats();
    expect(s.questions).toBe(3);
    expect(s.answered).toBe(1);
    expect(s.topUnanswered[0]).toEqual({ question: '年假怎么请？', count: 2 });
  });
});

describe('parseInvocation', () => {
  const known = (n: string) => ['ask', 'help', 'kb', 'precheck', 'remind'].includes(n);
  it('reads slash commands, full-width slashes and bare command words', () => {
    expect(parseInvocation('/precheck 合同文本', known)).toEqual({ name: 'precheck', args: '合同文本' });
    expect(parseInvocation('／help', known)).toEqual({ name: 'help', args: '' });
    expect(parseInvocation('kb reload', known)).toEqual({ name: 'kb', args: 'reload' });
    expect(parseInvocation('remind list', known)).toEqual({ name: 'remind', args: 'list' });
  });
  it('leaves questions alone', () => {
    expect(parseInvocation('Help me understand the kickback rule', known)).toBeNull();
    expect(parseInvocation('可以给客户回扣吗？', known)).toBeNull();
    expect(parseInvocation('precheck is what?', known)).toBeNull();
  });
});

describe('shared replies store', () => {
  it('opens before or after the analytics store on the same database, and keeps a reply for sharing', async () => {
    const { SharedReplies } = await import('../../src/core/shared-replies.js');
    const { AnalyticsStore } = await import('../../src/analytics/store.js');
    const { openDatabase } = await import('../../src/storage/db.js');
    for (const order of ['replies-first', 'analytics-first'] as const) {
      const db = openDatabase(':memory:');
      if (order === 'analytics-first') new AnalyticsStore(db, 'salt');
      const replies = new SharedReplies(db);
      if (order === 'replies-first') new AnalyticsStore(db, 'salt');
      const id = replies.save({ blocks: [{ type: 'text', text: 'hi' }], fallbackText: 'hi' });
      expect(replies.load(id)?.fallbackText).toBe('hi');
      expect(replies.load('no-such-id')).toBeNull();
    }
  });
});

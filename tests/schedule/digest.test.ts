import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandbookCiter } from '../../src/retrieval/types.js';
import { openDatabase } from '../../src/storage/db.js';
import { loadCases } from '../../src/schedule/cases.js';
import { previewDigest } from '../../src/schedule/cli.js';
import { DigestService } from '../../src/schedule/digest.js';
import { ScheduleStore } from '../../src/schedule/store.js';
import type { Schedule } from '../../src/schedule/types.js';
import { FakeTime, recordingPort, tempDbFile, makeCase, build, cleanupSchedules } from '../helpers/schedule-harness.js';

afterEach(cleanupSchedules);

/** Between two showings of a case, every other matching case has been shown. */
function expectNoRepeatBeforeAllShown(sequence: string[], total: number): void {
  expect(new Set(sequence.slice(0, total)).size).toBe(total);
  const last = new Map<string, number>();
  sequence.forEach((id, j) => {
    const i = last.get(id);
    if (i !== undefined) expect(new Set(sequence.slice(i + 1, j)).size, `repeat of ${id} at ${j}`).toBe(total - 1);
    last.set(id, j);
  });
}

describe('digests', () => {
  const digestSchedule = (id: string, channel: string, count: number, tags?: string[]): Schedule => ({
    id,
    cron: '0 16 * * 3',
    timezone: 'Asia/Shanghai',
    target: { platform: 'slack', channel },
    title: '每周合规案例分享',
    content: { kind: 'digest', digest: { count, ...(tags ? { tags } : {}) } },
    source: 'yaml',
  });

  it('rotates without repeats until every matching case has been posted in the channel', async () => {
    const cases = Array.from({ length: 7 }, (_, i) => makeCase(i + 1));
    const time = new FakeTime(Date.parse('2024-03-01T00:00:00Z'));
    const port = recordingPort(time);
    const { scheduler, store } = build({ time, post: port.post, cases, schedules: [digestSchedule('d', 'C1', 3), digestSchedule('d2', 'C2', 2)] });
    await scheduler.start();
    await time.advanceTo('2024-04-30T00:00:00Z', [scheduler]); // 8 Wednesdays
    scheduler.stop();

    const runs = store.runs('d');
    expect(runs).toHaveLength(8);
    const sequence = runs.flatMap((r) => r.caseIds);
    for (const r of runs) expect(new Set(r.caseIds).size).toBe(r.caseIds.length);
    expectNoRepeatBeforeAllShown(sequence, 7);
    // Channel C2 has its own rotation (and its own pace).
    const seq2 = store.runs('d2').flatMap((r) => r.caseIds);
    expect(seq2).toHaveLength(16);
    expectNoRepeatBeforeAllShown(seq2, 7);
    // The posted replies carry the picked cases' titles.
    const c1 = port.posted.filter((p) => p.target.channelId === 'C1');
    expect(c1[0]!.reply.fallbackText).toContain(cases.find((c) => c.id === runs[0]!.caseIds[0])!.title);
  });

  it('with the real case library, a weekly digest shows every case before any repeats', async () => {
    const cases = loadCases(path.resolve('knowledge/cases'));
    const time = new FakeTime(Date.parse('2024-01-01T00:00:00Z'));
    const port = recordingPort(time);
    const { scheduler, store } = build({ time, post: port.post, cases, schedules: [digestSchedule('d', 'C1', 3)] });
    await scheduler.start();
    await time.advanceTo('2024-07-01T00:00:00Z', [scheduler]); // 26 Wednesdays
    scheduler.stop();
    const seq = store.runs('d').flatMap((r) => r.caseIds);
    expect(seq.length).toBe(26 * 3);
    expectNoRepeatBeforeAllShown(seq, cases.length);
  });

  it('a case added to the library later is shown next, ahead of repeats', () => {
    const store = new ScheduleStore(openDatabase(':memory:'));
    const cases = [makeCase(1), makeCase(2), makeCase(3)];
    const digests = new DigestService({ store, cases: () => cases });
    const target = { platform: 'slack' as const, channel: 'C' };
    const p1 = digests.pick(target, { count: 2 });
    digests.commit(p1);
    cases.push(makeCase(4));
    const p2 = digests.pick(target, { count: 2 });
    expect(p2.cases.map((c) => c.id)).toEqual(['case-03', 'case-04']);
    expect(p2.neverShown).toBe(2);
  });

  it('rotation survives a restart and follows the tag filter', async () => {
    const file = tempDbFile();
    const cases = [
      makeCase(1, ['credit']),
      makeCase(2, ['bribery']),
      makeCase(3, ['credit', 'bad-debt']),
      makeCase(4, ['payment']),
      makeCase(5, ['credit']),
    ];
    const time = new FakeTime(Date.parse('2024-03-01T00:00:00Z'));
    const port = recordingPort(time);
    const schedules = [digestSchedule('credit', 'C9', 2, ['credit', 'bad-debt'])];
    const a = build({ dbFile: file, time, post: port.post, cases, schedules });
    await a.scheduler.start();
    await time.advanceTo('2024-03-07T00:00:00Z', [a.scheduler]); // one Wednesday
    a.scheduler.stop();
    const b = build({ dbFile: file, time, post: port.post, cases, schedules });
    await b.scheduler.start();
    await time.advanceTo('2024-03-14T00:00:00Z', [b.scheduler]);
    b.scheduler.stop();
    const seq = b.store.runs('credit').flatMap((r) => r.caseIds);
    expect(seq.slice(0, 3).sort()).toEqual(['case-01', 'case-03', 'case-05']);
    expect(seq.every((id) => ['case-01', 'case-03', 'case-05'].includes(id))).toBe(true);
  });

  it('a failed digest retries with the same cases and only then advances the rotation', async () => {
    const cases = Array.from({ length: 5 }, (_, i) => makeCase(i + 1));
    const time = new FakeTime(Date.parse('2024-03-06T07:59:00Z')); // Wed 15:59 Shanghai
    let fail = true;
    const port = recordingPort(time, { failFor: () => fail });
    const { scheduler, store, digests } = build({ time, post: port.post, cases, schedules: [digestSchedule('d', 'C1', 2)] });
    await scheduler.start();
    await time.advanceTo('2024-03-06T08:00:10Z', [scheduler]);
    const before = digests.pick({ platform: 'slack', channel: 'C1' }, { count: 2 }).cases.map((c) => c.id);
    fail = false;
    await time.advanceTo('2024-03-06T08:10:00Z', [scheduler]);
    scheduler.stop();
    expect(store.runs('d')[0]!.caseIds).toEqual(before);
    const after = digests.pick({ platform: 'slack', channel: 'C1' }, { count: 2 }).cases.map((c) => c.id);
    expect(after.some((id) => before.includes(id))).toBe(false);
  });

  it('renders heading, summary, lesson and handbook citation; previewDigest is JSON-friendly and does not advance', async () => {
    const cases = loadCases(path.resolve('knowledge/cases'));
    const citer: HandbookCiter = async (topic) => ({
      docId: 'sales-rules',
      title: '销售部管理规章制度修订版',
      section: '第九章 风险控制与合规经营 › 5',
      quote: `与“${topic.slice(0, 6)}”相关的条款原文`,
    });
    const time = new FakeTime(Date.parse('2024-03-06T07:59:00Z'));
    const port = recordingPort(time);
    const schedules = [digestSchedule('weekly-case-digest', 'C1', 3)];
    const { scheduler, registry, digests } = build({ time, post: port.post, cases, schedules, citer });
    const preview1 = previewDigest('C1', { registry, digests });
    const preview2 = previewDigest('C1', { registry, digests });
    expect(preview1).toEqual(preview2);
    expect(JSON.parse(JSON.stringify(preview1))).toEqual(preview1);
    expect(preview1.cases).toHaveLength(3);
    expect(preview1.platform).toBe('slack');

    await scheduler.start();
    await time.advanceTo('2024-03-06T08:01:00Z', [scheduler]);
    scheduler.stop();
    const reply = port.posted[0]!.reply;
    expect(reply.blocks[0]).toEqual({ type: 'heading', text: '每周合规案例分享' });
    const text = reply.blocks.filter((b) => b.type === 'text').map((b) => (b as { text: string }).text).join('\n');
    for (const c of preview1.cases) {
      expect(text).toContain(c.title);
      expect(text).toContain(c.summary.split('\n')[0]!);
      expect(text).toContain(c.lesson.slice(0, 10));
    }
    const citations = reply.blocks.find((b) => b.type === 'citations');
    expect(citations).toBeTruthy();
    const contexts = reply.blocks.filter((b) => b.type === 'context').map((b) => (b as { text: string }).text).join('\n');
    for (const c of preview1.cases) expect(contexts).toContain(c.handbookRef.document);
    // After posting, the preview moves on to other cases.
    const preview3 = previewDigest('C1', { registry, digests });
    expect(preview3.cases.map((c) => c.id).some((id) => preview1.cases.map((c) => c.id).includes(id))).toBe(false);
  });

  it('uses the LLM summary when configured and falls back to the case summary when it fails', async () => {
    const store = new ScheduleStore(openDatabase(':memory:'));
    const cases = [makeCase(1), makeCase(2)];
    const withLlm = new DigestService({ store, cases: () => cases, summarise: async (c) => `LLM 摘要：${c.title}\n第二行\n第三行\n第四行` });
    const pick = withLlm.pick({ platform: 'slack', channel: 'X' }, { count: 2 });
    const r1 = await withLlm.render('标题', pick);
    const t1 = r1.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
    expect(t1).toContain('LLM 摘要：案例 1');
    expect(t1).not.toContain('第四行');
    const broken = new DigestService({ store, cases: () => cases, summarise: async () => { throw new Error('timeout'); } });
    const r2 = await broken.render(undefined, pick);
    const t2 = r2.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');
    expect(t2).toContain('第 1 个案例的摘要。');
  });
});

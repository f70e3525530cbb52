import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCases } from '../../src/schedule/cases.js';
import { loadReminders, parseReminders } from '../../src/schedule/reminders.js';
import { DataFileError } from '../../src/data-files/data-file.js';

function problemsOf(fn: () => unknown): DataFileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataFileError);
    return err as DataFileError;
  }
  throw new Error('expected a DataFileError');
}

const entry = (id: string, body: string) => `  - id: ${id}\n${body}`;
const ok = (id: string) =>
  entry(id, `    cron: "0 9 * * 1"\n    target: { platform: slack, channel: C1 }\n    content: { message: 提醒 }\n`);

describe('reminders.yaml validation', () => {
  it('accepts a valid file and applies the Asia/Shanghai default zone and digest count', () => {
    const s = parseReminders(
      `reminders:\n${ok('a')}` +
        entry('b', `    cron: "30 8 * * 1-5"\n    timezone: America/New_York\n    target: { platform: feishu, channel: oc_1 }\n    content:\n      digest: { tags: [credit] }\n`) +
        entry('c', `    cron: "0 10 25 * *"\n    target: { platform: slack, channel: C2 }\n    content: { topic: 合规手册, intro: 请携带 }\n`),
    );
    expect(s.map((x) => [x.id, x.timezone, x.line])).toEqual([
      ['a', 'Asia/Shanghai', 2],
      ['b', 'America/New_York', 6],
      ['c', 'Asia/Shanghai', 12],
    ]);
    expect(s[1]!.content).toEqual({ kind: 'digest', digest: { count: 3, tags: ['credit'] } });
    expect(s[2]!.content).toEqual({ kind: 'topic', topic: '合规手册', intro: '请携带' });
  });

  it('names the entry and line for a bad cron expression', () => {
    const text = `reminders:\n${ok('first')}` + entry('weekly-x', `    cron: "0 25 * * 1"\n    target: { platform: slack, channel: C1 }\n    content: { message: hi }\n`);
    const err = problemsOf(() => parseReminders(text, { displayPath: 'knowledge/reminders.yaml' }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ file: 'knowledge/reminders.yaml', line: 7, entry: 'weekly-x' });
    expect(err.message).toContain("knowledge/reminders.yaml:7: entry 'weekly-x'");
    expect(err.message).toMatch(/invalid cron/);
  });

  it('rejects cron with the wrong number of fields, including six-field (seconds) crons', () => {
    for (const cron of ['0 9 * *', '0 0 9 * * 1', 'every monday']) {
      const text = `reminders:\n` + entry('c', `    cron: "${cron}"\n    target: { platform: slack, channel: C1 }\n    content: { message: hi }\n`);
      const err = problemsOf(() => parseReminders(text));
      expect(err.problems[0]!.entry).toBe('c');
      expect(err.problems[0]!.line).toBe(3);
    }
  });

  it('names the entry and line for an unknown platform', () => {
    const text = `reminders:\n${ok('a')}${ok('b')}` + entry('to-teams', `    cron: "0 9 * * 1"\n    target:\n      platform: teams\n      channel: T1\n    content: { message: hi }\n`);
    const err = problemsOf(() => parseReminders(text));
    expect(err.problems).toEqual([expect.objectContaining({ entry: 'to-teams', line: 13 })]);
    expect(err.problems[0]!.message).toMatch(/unknown platform 'teams'/);
  });

  it('names the entry for a missing channel and a missing target', () => {
    const text =
      `reminders:\n` +
      entry('no-channel', `    cron: "0 9 * * 1"\n    target:\n      platform: feishu\n    content: { message: hi }\n`) +
      entry('no-target', `    cron: "0 9 * * 1"\n    content: { message: hi }\n`);
    const err = problemsOf(() => parseReminders(text));
    const byEntry = Object.fromEntries(err.problems.map((p) => [p.entry, p]));
    expect(byEntry['no-channel']!.message).toMatch(/channel/);
    expect(byEntry['no-channel']!.line).toBe(4);
    expect(byEntry['no-target']!.message).toMatch(/target is required/);
    expect(byEntry['no-target']!.line).toBe(7);
  });

  it('reports content, time zone, duplicate and unknown-field problems with their entries', () => {
    const text =
      `reminders:\n${ok('dup')}` +
      entry('both', `    cron: "0 9 * * 1"\n    target: { platform: slack, channel: C1 }\n    content: { message: a, digest: { count: 2 } }\n`) +
      entry('tz', `    cron: "0 9 * * 1"\n    timezone: Mars/Olympus\n    target: { platform: slack, channel: C1 }\n    content: { message: a }\n`) +
      ok('dup') +
      entry('typo', `    crn: "0 9 * * 1"\n    target: { platform: slack, channel: C1 }\n    content: { message: a }\n`);
    const err = problemsOf(() => parseReminders(text));
    const msgs = err.problems.map((p) => `${p.entry}@${p.line}: ${p.message}`);
    expect(msgs.some((m) => m.startsWith('both@') && /choose exactly one/.test(m))).toBe(true);
    expect(msgs.some((m) => m.startsWith('tz@12') && /time zone/.test(m))).toBe(true);
    expect(msgs.some((m) => m.startsWith('dup@15') && /duplicate id/.test(m))).toBe(true);
    expect(msgs.some((m) => m.startsWith('typo@') && /crn|cron/.test(m))).toBe(true);
  });

  it('refuses ids reserved for chat reminders and digest tags no case carries', () => {
    const err = problemsOf(() => parseReminders(`reminders:\n${ok('chat-1')}`));
    expect(err.problems[0]!.entry).toBe('chat-1');
    const text = `reminders:\n` + entry('d', `    cron: "0 9 * * 1"\n    target: { platform: slack, channel: C1 }\n    content:\n      digest: { count: 2, tags: [nope] }\n`);
    const err2 = problemsOf(() => parseReminders(text, { knownTags: ['credit'] }));
    expect(err2.problems[0]).toMatchObject({ entry: 'd', line: 6 });
  });

  it('reports YAML syntax errors with a line, and a missing file means no schedules', () => {
    const err = problemsOf(() => parseReminders('reminders:\n  - id: a\n    cron: "0 9 * * 1\n'));
    expect(err.problems[0]!.line).toBeGreaterThanOrEqual(3);
    expect(loadReminders('/nonexistent/reminders.yaml')).toEqual([]);
  });
});

describe('case library validation', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const good = `---
id: sample-case
title: 示例案例
tags: [bribery]
riskArea: 商业贿赂与回扣
date: 2024-01-02
source: internal
summary: |
  第一行。
  第二行。
handbookRef:
  document: 销售部管理规章制度修订版
  section: 第九章 风险控制与合规经营 第5条
handbookTopic: 禁止给客户回扣
---

## 经过
发生了什么。

## 违反的规定
违反了第九章第5条。

## 后果
被处罚。

## 教训
不要这样做。
`;

  function libraryWith(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'cases-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }

  it('loads a valid case with its sections', () => {
    const [c] = loadCases(libraryWith({ 'a.md': good }));
    expect(c).toMatchObject({ id: 'sample-case', tags: ['bribery'], source: 'internal', summary: '第一行。\n第二行。' });
    expect(c!.sections.lesson).toBe('不要这样做。');
    expect(c!.handbookRef.section).toContain('第九章');
  });

  it('names the file and line of a bad front-matter field', () => {
    const dir = libraryWith({ 'a.md': good, 'b.md': good.replace('id: sample-case', 'id: other').replace('date: 2024-01-02', 'date: 2024/01/02').replace('source: internal', 'source: rumour') });
    const err = problemsOf(() => loadCases(dir, { displayPath: 'knowledge/cases' }));
    const lines = err.problems.map((p) => `${p.file}:${p.line}`);
    expect(lines).toContain('knowledge/cases/b.md:6');
    expect(lines).toContain('knowledge/cases/b.md:7');
    expect(err.message).toMatch(/b\.md:6: date/);
  });

  it('reports a missing field, missing front matter, a missing section and duplicate ids', () => {
    const dir = libraryWith({
      'a.md': good,
      'b.md': good.replace('tags: [bribery]\n', ''),
      'c.md': '# 没有 front matter\n',
      'd.md': good.replace('id: sample-case', 'id: d').replace('## 后果\n被处罚。\n', ''),
      'e.md': good,
    });
    const err = problemsOf(() => loadCases(dir));
    const byFile = (f: string) => err.problems.filter((p) => p.file.endsWith(f));
    expect(byFile('b.md')[0]!.message).toMatch(/tags/);
    expect(byFile('c.md')[0]).toMatchObject({ line: 1 });
    expect(byFile('d.md')[0]!.message).toMatch(/后果/);
    expect(byFile('e.md')[0]!.message).toMatch(/already used/);
  });

  it('checks the cited handbook document exists when the handbook folder is given', () => {
    const handbook = libraryWith({ '銷售部管理規章制度修訂版.txt': 'x' });
    const dir = libraryWith({ 'a.md': good, 'b.md': good.replace('id: sample-case', 'id: b').replace('document: 销售部管理规章制度修订版', 'document: 不存在的手册') });
    const err = problemsOf(() => loadCases(dir, { handbookDir: handbook }));
    expect(err.problems).toEqual([expect.objectContaining({ line: 12 })]);
    expect(err.problems[0]!.file).toMatch(/b\.md$/);
  });

  it('the shipped library validates against the real handbook', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cases-copy-'));
    dirs.push(dir);
    cpSync(path.resolve('knowledge/cases'), dir, { recursive: true });
    const cases = loadCases(dir, { handbookDir: path.resolve('knowledge/handbook') });
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });
});

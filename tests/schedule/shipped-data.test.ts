import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/schedule/cases.js';
import { nextFireTimes } from '../../src/schedule/cli.js';
import { parseReminders } from '../../src/schedule/reminders.js';

describe('the shipped data', () => {
  it('loads the shipped cases and reminders, and every digest filter matches cases', () => {
    const cases = loadCases(path.resolve('knowledge/cases'), { handbookDir: path.resolve('knowledge/handbook') });
    expect(cases.length).toBeGreaterThanOrEqual(16);
    const tags = new Set(cases.flatMap((c) => c.tags));
    for (const t of ['bribery', 'data-leak', 'contract', 'credit', 'false-advertising', 'discount', 'qualification', 'e-signature', 'payment', 'disparagement', 'complaint']) {
      expect(tags.has(t), t).toBe(true);
    }
    for (const c of cases) {
      expect(c.sections.lesson.length).toBeGreaterThan(10);
      expect(c.summary.split('\n').length).toBeLessThanOrEqual(3);
    }
    const schedules = parseReminders(readFileSync('knowledge/reminders.yaml', 'utf8'), { knownTags: [...tags] });
    expect(schedules.length).toBeGreaterThanOrEqual(3);
    const times = nextFireTimes(schedules, new Date('2024-03-06T04:00:00Z'));
    const weekly = times.find((t) => t.id === 'weekly-handbook-on-visits')!;
    expect(weekly.nextLocal).toBe('2024-03-11 09:00:00');
  });
});

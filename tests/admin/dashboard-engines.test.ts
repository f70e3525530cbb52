import { afterAll, describe, expect, it } from 'vitest';
import { readDashboard, type DashboardData } from '../../src/admin/queries.js';
import type { KnowledgeStatus } from '../../src/knowledge/knowledge-base.js';
import type { Engine, Storage } from '../../src/storage/database.js';
import { seedDashboard } from '../helpers/dashboard-seed.js';
import { openEngine, testEngines } from '../helpers/storage.js';

const opened: Storage[] = [];
afterAll(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const NOW = new Date('2026-11-30T12:00:00.000Z');
const emptyKnowledge = { documents: [] } as unknown as KnowledgeStatus;

async function dashboardOn(engine: Engine): Promise<DashboardData> {
  const storage = await openEngine(engine);
  opened.push(storage);
  // 20 days of data, all inside the dashboard's 30-day window.
  await seedDashboard(storage.db, { questions: 600, days: 20, now: NOW });
  return readDashboard({ db: storage.db, engine, knowledge: () => emptyKnowledge, documents: async () => [], schedules: () => [], now: () => NOW });
}

describe.each(testEngines())('dashboard queries on %s', (engine) => {
  it('counts per day, feedback, findings per rule and week and credit by grade from the seeded rows', async () => {
    const d = await dashboardOn(engine);
    // The seed: every 4th question unanswered, every 10th has a vote (every 30th a down vote).
    expect(d.totals).toMatchObject({ questions: 600, answered: 450, up: 40, down: 20, prechecks: 20, creditApplications: 30 });
    expect(d.questionsPerDay.reduce((a, r) => a + r.questions, 0)).toBe(600);
    expect(d.feedbackPerDay.reduce((a, r) => a + r.up + r.down, 0)).toBe(60);
    // Weeks start on Monday, whichever engine groups them.
    expect(d.precheck.weeks.length).toBeGreaterThan(1);
    for (const week of d.precheck.weeks) expect(new Date(`${week}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(d.credit.grades).toEqual(['A', 'B', 'C', 'D']);
    expect(d.credit.counts.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(d.unansweredTopics.length).toBeGreaterThan(0);
    expect(JSON.stringify(d.unansweredTopics)).not.toContain('13800138000');
  });
});

describe.runIf(testEngines().includes('postgres'))('dashboard queries across engines', () => {
  it('give the same numbers on SQLite and PostgreSQL', async () => {
    const [a, b] = await Promise.all([dashboardOn('sqlite'), dashboardOn('postgres')]);
    expect(b.totals).toEqual(a.totals);
    expect(b.questionsPerDay).toEqual(a.questionsPerDay);
    expect(b.feedbackPerDay).toEqual(a.feedbackPerDay);
    expect(b.precheck).toEqual(a.precheck);
    expect(b.credit).toEqual(a.credit);
  });
});

import { describe, expect, it } from 'vitest';
import { creditFileToJson } from '../../src/credit/cli.js';

const fixture = (name: string) => new URL(`../fixtures/credit/${name}`, import.meta.url).pathname;
const NOW = new Date('2025-06-01T00:00:00Z');

describe('credit CLI JSON', () => {
  it('scores a valid file in the documented shape', () => {
    const out = creditFileToJson(fixture('valid-a.json'), { now: NOW });
    expect(Object.keys(out)).toEqual([
      'ok',
      'score',
      'grade',
      'breakdown',
      'knockouts',
      'recommendedLimit',
      'termDays',
      'measures',
      'approvalRoute',
    ]);
    expect(out).toEqual({
      ok: true,
      score: 81,
      grade: 'A',
      breakdown: { character: 30, capacity: 25, capital: 16, collateral: 0, conditions: 10 },
      knockouts: [],
      recommendedLimit: 150_000,
      termDays: 30,
      measures: [],
      approvalRoute: ['sales_manager', 'finance'],
    });
  });

  it('knocks out a perfect score for litigation and routes above one million to the general manager', () => {
    const out = creditFileToJson(fixture('knockout-litigation.json'), { now: NOW });
    expect(out).toMatchObject({
      ok: true,
      score: 100,
      grade: 'C',
      knockouts: ['litigation'],
      recommendedLimit: 0,
      termDays: 0,
      approvalRoute: ['sales_manager', 'finance', 'finance_director', 'general_manager'],
    });
  });

  it('returns field errors for an invalid file', () => {
    const out = creditFileToJson(fixture('invalid.json'), { now: NOW });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors.map((e) => e.field).sort()).toEqual(
      ['badDebt2y', 'customerName', 'guaranteeType', 'overdueCount12m', 'registeredCapital', 'requestedLimit', 'uscc'].sort(),
    );
    expect(out.errors.every((e) => e.message.includes(e.field))).toBe(true);
  });

  it('reports unreadable and malformed files in the same error shape', () => {
    const missing = creditFileToJson(fixture('does-not-exist.json'));
    expect(missing).toMatchObject({ ok: false, errors: [{ field: '(file)' }] });
    const malformed = creditFileToJson(fixture('malformed.json'));
    expect(malformed).toMatchObject({ ok: false, errors: [{ field: '(file)', message: expect.stringMatching(/JSON/) }] });
  });
});

describe('credit CLI text', () => {
  it('explains a zero limit: the knock-out behind grade C and the measures required', async () => {
    const { creditResultText } = await import('../../src/credit/cli.js');
    const knocked = { ok: true as const, score: 66, grade: 'C' as const, breakdown: { character: 22, capacity: 22, capital: 16, collateral: 0, conditions: 6 }, knockouts: ['litigation'], recommendedLimit: 0, termDays: 0, measures: ['预付款（款到发货）'], approvalRoute: ['sales_manager' as const] };
    const text = creditResultText(knocked);
    expect(text).toMatch(/Grade C \(66\/100\)/);
    expect(text).toMatch(/Knock-out: .+ \(litigation\)/);
    expect(text).toContain('预付款');
    expect(text).toMatch(/Character 22\/30/);
  });

  it('names no knock-out or measure for a clean grade A', () => {
    const out = creditFileToJson(fixture('valid-a.json'), { now: NOW });
    if (!out.ok) throw new Error('fixture should be valid');
    return import('../../src/credit/cli.js').then(({ creditResultText }) => {
      const text = creditResultText(out);
      expect(text).toMatch(/Grade A \(81\/100\)/);
      expect(text).not.toMatch(/Knock-out|Measures/);
    });
  });
});

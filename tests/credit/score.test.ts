import { describe, expect, it } from 'vitest';
import { loadCreditPolicy } from '../../src/credit/policy.js';
import { approvalRoute, assessApplication, scoreApplication } from '../../src/credit/score.js';
import { strongApplication } from '../fixtures/credit/applications.js';

const policy = loadCreditPolicy();

describe('5C scoring', () => {
  it('scores a strong established customer A with the exact CLI shape', () => {
    const result = scoreApplication(strongApplication(), policy);
    expect(result).toEqual({
      ok: true,
      score: 81,
      grade: 'A',
      breakdown: { character: 30, capacity: 25, capital: 16, collateral: 0, conditions: 10 },
      knockouts: [],
      // min(500000, 300000 × 45 / 30 × 1.0 = 450000)
      recommendedLimit: 450_000,
      termDays: 45,
      measures: [],
      approvalRoute: ['sales_manager', 'finance', 'finance_director'],
    });
  });

  it('Character: payment history and years of cooperation', () => {
    const c = (o: Parameters<typeof strongApplication>[0]) => scoreApplication(strongApplication(o), policy).breakdown.character;
    expect(c({})).toBe(30);
    expect(c({ overdueCount12m: 1 })).toBe(9 + 10 + 8);
    expect(c({ overdueCount12m: 2, maxOverdueDays: 20 })).toBe(5 + 4 + 8);
    expect(c({ overdueCount12m: 7, maxOverdueDays: 120 })).toBe(0 + 0 + 8);
    expect(c({ maxOverdueDays: 15 })).toBe(12 + 7 + 8);
    expect(c({ maxOverdueDays: 16 })).toBe(12 + 4 + 8);
    expect(c({ yearsOfCooperation: 3 })).toBe(12 + 10 + 6);
    expect(c({ yearsOfCooperation: 1 })).toBe(12 + 10 + 4);
    expect(c({ yearsOfCooperation: 0 })).toBe(12 + 10 + 0);
  });

  it('Capacity: debt ratio and revenue against the requested limit', () => {
    const c = (o: Parameters<typeof strongApplication>[0]) => scoreApplication(strongApplication(o), policy).breakdown.capacity;
    expect(c({ debtRatio: 40 })).toBe(25);
    expect(c({ debtRatio: 40.5 })).toBe(9 + 13);
    expect(c({ debtRatio: 70 })).toBe(5 + 13);
    expect(c({ debtRatio: 90 })).toBe(0 + 13);
    // revenue 30M: 1.5M requested → 20× (13), 3M → 10× (10), 6M → 5× (6), 15M → 2× (3), 20M → 1.5× (0)
    expect(c({ requestedLimit: 1_500_000 })).toBe(12 + 13);
    expect(c({ requestedLimit: 3_000_000 })).toBe(12 + 10);
    expect(c({ requestedLimit: 6_000_000 })).toBe(12 + 6);
    expect(c({ requestedLimit: 15_000_000 })).toBe(12 + 3);
    expect(c({ requestedLimit: 20_000_000 })).toBe(12 + 0);
  });

  it('Capital: registered capital and revenue', () => {
    const c = (o: Parameters<typeof strongApplication>[0]) => scoreApplication(strongApplication(o), policy).breakdown.capital;
    expect(c({ registeredCapital: 10_000_000, annualRevenue: 50_000_000 })).toBe(20);
    expect(c({ registeredCapital: 1_000_000, annualRevenue: 5_000_000, requestedLimit: 100_000 })).toBe(5 + 5);
    expect(c({ registeredCapital: 299_999, annualRevenue: 999_999, requestedLimit: 10_000 })).toBe(0);
  });

  it('Collateral: guarantee value discounted by type, against the requested limit', () => {
    const c = (o: Parameters<typeof strongApplication>[0]) => scoreApplication(strongApplication(o), policy).breakdown.collateral;
    expect(c({ guaranteeType: 'none', guaranteeValue: 0 })).toBe(0);
    // a deposit counts in full: 500k covers 500k
    expect(c({ guaranteeType: 'deposit', guaranteeValue: 500_000 })).toBe(15);
    // collateral at 70 %: 500k → 350k → 0.7 cover
    expect(c({ guaranteeType: 'collateral', guaranteeValue: 500_000 })).toBe(10);
    // a third-party guarantee at 50 %: 200k → 100k → 0.2 cover
    expect(c({ guaranteeType: 'guarantee', guaranteeValue: 200_000 })).toBe(5);
    expect(c({ guaranteeType: 'guarantee', guaranteeValue: 10_000 })).toBe(2);
    // a value without a guarantee type counts for nothing
    expect(c({ guaranteeType: 'none', guaranteeValue: 900_000 })).toBe(0);
  });

  it('Conditions: industry outlook', () => {
    const c = (o: Parameters<typeof strongApplication>[0]) => scoreApplication(strongApplication(o), policy).breakdown.conditions;
    expect(c({ industryOutlook: 'growing' })).toBe(10);
    expect(c({ industryOutlook: 'stable' })).toBe(6);
    expect(c({ industryOutlook: 'declining' })).toBe(2);
  });

  it('adds the breakdown up to the score and grades at 80 / 60', () => {
    // 81 → A; stable outlook drops 4 → 77 → B
    expect(scoreApplication(strongApplication({ industryOutlook: 'stable' }), policy)).toMatchObject({ score: 77, grade: 'B' });
    // exactly 80: debt 45 % (−3) from 81 = 78 → B; with a small guarantee (+2) = 80 → A
    expect(
      scoreApplication(strongApplication({ debtRatio: 45, guaranteeType: 'guarantee', guaranteeValue: 1_000 }), policy),
    ).toMatchObject({ score: 80, grade: 'A' });
    expect(scoreApplication(strongApplication({ debtRatio: 45 }), policy)).toMatchObject({ score: 78, grade: 'B' });
    // 60 is B, 59 is C
    const history = { overdueCount12m: 2, maxOverdueDays: 20, debtRatio: 60 }; // character 5 + 4 + 8 = 17, capacity 5 + 13 = 18
    const at60 = scoreApplication(
      strongApplication({ ...history, registeredCapital: 1_000_000, guaranteeType: 'guarantee', guaranteeValue: 1_000 }),
      policy,
    );
    expect(at60.breakdown).toEqual({ character: 17, capacity: 18, capital: 5 + 8, collateral: 2, conditions: 10 });
    expect(at60).toMatchObject({ score: 60, grade: 'B' });
    const at59 = scoreApplication(
      strongApplication({ ...history, industryOutlook: 'stable', guaranteeType: 'guarantee', guaranteeValue: 1_000 }),
      policy,
    );
    expect(at59).toMatchObject({ score: 17 + 18 + 16 + 2 + 6, grade: 'C' });
  });
});

describe('knock-outs and caps', () => {
  for (const field of ['badDebt2y', 'litigation', 'businessAbnormal'] as const) {
    it(`${field} makes an otherwise A customer C`, () => {
      const r = scoreApplication(strongApplication({ [field]: true }), policy);
      expect(r.score).toBe(81);
      expect(r.grade).toBe('C');
      expect(r.knockouts).toEqual([field]);
      expect(r.recommendedLimit).toBe(0);
      expect(r.termDays).toBe(0);
      expect(r.measures.some((m) => m.includes('预付款'))).toBe(true);
    });
  }

  it('lists every knock-out hit', () => {
    const r = scoreApplication(strongApplication({ badDebt2y: true, businessAbnormal: true }), policy);
    expect(r.knockouts.sort()).toEqual(['badDebt2y', 'businessAbnormal']);
  });

  it('caps a new customer (0 years) at B even with a top score', () => {
    const top = strongApplication({
      yearsOfCooperation: 0,
      registeredCapital: 20_000_000,
      annualRevenue: 60_000_000,
      guaranteeType: 'deposit',
      guaranteeValue: 500_000,
    });
    const a = assessApplication(top, policy);
    // 22 + 25 + 20 + 15 + 10
    expect(a.result.score).toBe(92);
    expect(a.scoreGrade).toBe('A');
    expect(a.result.grade).toBe('B');
    expect(a.caps).toHaveLength(1);
    expect(scoreApplication({ ...top, yearsOfCooperation: 1 }, policy).grade).toBe('A');
  });

  it('does not lift a new customer that scores C', () => {
    const r = scoreApplication(strongApplication({ yearsOfCooperation: 0, debtRatio: 95, industryOutlook: 'declining' }), policy);
    expect(r.grade).toBe('C');
  });
});

describe('limits and terms', () => {
  it('A: factor 1.0, term capped at 60 days, limit capped by the request', () => {
    const r = scoreApplication(strongApplication({ requestedTermDays: 90, requestedLimit: 1_500_000 }), policy);
    expect(r.grade).toBe('A');
    expect(r.termDays).toBe(60);
    // 300000 × 60 / 30 × 1.0 = 600000 < 1,500,000
    expect(r.recommendedLimit).toBe(600_000);
    const small = scoreApplication(strongApplication({ requestedLimit: 100_000 }), policy);
    expect(small.recommendedLimit).toBe(100_000);
  });

  it('B: factor 0.6, term capped at 30 days', () => {
    const r = scoreApplication(strongApplication({ industryOutlook: 'stable', requestedTermDays: 45 }), policy);
    expect(r.grade).toBe('B');
    expect(r.termDays).toBe(30);
    // 300000 × 30 / 30 × 0.6 = 180000
    expect(r.recommendedLimit).toBe(180_000);
    expect(r.measures.length).toBeGreaterThan(0);
  });

  it('B with a short requested term uses that term', () => {
    const r = scoreApplication(strongApplication({ industryOutlook: 'stable', requestedTermDays: 15, avgMonthlySales: 123_457 }), policy);
    expect(r.termDays).toBe(15);
    // 123457 × 15 / 30 × 0.6 = 37037.1 → whole yuan, rounded down
    expect(r.recommendedLimit).toBe(37_037);
  });

  it('C: prepayment, limit 0, term 0, measures', () => {
    const r = assessApplication(strongApplication({ overdueCount12m: 9, maxOverdueDays: 200, debtRatio: 90, industryOutlook: 'declining' }), policy);
    expect(r.result.grade).toBe('C');
    expect(r.result.recommendedLimit).toBe(0);
    expect(r.result.termDays).toBe(0);
    expect(r.paymentMode).toContain('款到发货');
    expect(r.result.measures).toEqual(expect.arrayContaining([expect.stringContaining('预付款'), expect.stringContaining('缩短账期'), expect.stringContaining('增加担保')]));
  });
});

describe('approval routing by requested limit', () => {
  const two = ['sales_manager', 'finance'];
  const three = [...two, 'finance_director'];
  const four = [...three, 'general_manager'];
  it.each([
    [1, two],
    [200_000, two],
    [200_000.01, three],
    [200_001, three],
    [1_000_000, three],
    [1_000_001, four],
    [50_000_000, four],
  ])('%d → route', (limit, route) => {
    expect(approvalRoute(limit, policy)).toEqual(route);
    expect(scoreApplication(strongApplication({ requestedLimit: limit }), policy).approvalRoute).toEqual(route);
  });
});

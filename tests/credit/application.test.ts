import { describe, expect, it } from 'vitest';
import { APPLICATION_FIELDS, validateApplication } from '../../src/credit/application.js';
import { asFormValues, strongApplication, VALID_USCC } from '../fixtures/credit/applications.js';

const NOW = new Date('2025-06-01T00:00:00Z');

function errorsOf(input: unknown) {
  const r = validateApplication(input, NOW);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

function fieldError(input: unknown, field: string) {
  return errorsOf(input).find((e) => e.field === field);
}

describe('credit application validation', () => {
  it('accepts a complete application unchanged', () => {
    const app = strongApplication();
    expect(validateApplication(app, NOW)).toEqual({ ok: true, application: app });
  });

  it('names every missing field in Chinese and English', () => {
    const errors = errorsOf({});
    const optional = ['guaranteeValue'];
    expect(errors.map((e) => e.field).sort()).toEqual(APPLICATION_FIELDS.filter((f) => !optional.includes(f)).sort());
    for (const e of errors) {
      expect(e.message).toContain(e.field);
      expect(e.message).toMatch(/\p{Script=Han}/u);
      expect(e.message).toMatch(/required/);
    }
  });

  it('refuses a USCC with a wrong check character, length or letter', () => {
    expect(fieldError(strongApplication({ uscc: '91350100M000100Y44' }), 'uscc')?.message).toMatch(/校验|check/);
    expect(fieldError(strongApplication({ uscc: '91350100M000100Y4' }), 'uscc')?.message).toMatch(/18/);
    expect(fieldError(strongApplication({ uscc: '91350100I000100Y43' }), 'uscc')?.message).toMatch(/I, O/);
    const ok = validateApplication(strongApplication({ uscc: ' 91350100m000100y43 ' }), NOW);
    expect(ok.ok && ok.application.uscc).toBe(VALID_USCC);
  });

  it('takes the debt ratio in percent and refuses one typed as a fraction', () => {
    expect(fieldError(strongApplication({ debtRatio: 0.55 }), 'debtRatio')?.message).toMatch(/55 for 55 %.*0\.55 looks like a fraction/);
    expect(fieldError(asFormValues(strongApplication({ debtRatio: 0.3 })), 'debtRatio')?.message).toMatch(/百分数/);
    for (const debtRatio of [0, 1, 55, 250]) expect(validateApplication(strongApplication({ debtRatio }), NOW).ok).toBe(true);
  });

  it('checks ranges and whole numbers, one message per field', () => {
    const errors = errorsOf(
      strongApplication({
        registeredCapital: -5,
        overdueCount12m: 1.5,
        requestedLimit: 0,
        requestedTermDays: 400,
        foundedYear: 2030,
        debtRatio: Number.NaN,
      }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(
      ['debtRatio', 'foundedYear', 'overdueCount12m', 'registeredCapital', 'requestedLimit', 'requestedTermDays'].sort(),
    );
    expect(new Set(errors.map((e) => e.field)).size).toBe(errors.length);
  });

  it('refuses unknown categories and non-boolean flags', () => {
    expect(fieldError({ ...strongApplication(), guaranteeType: 'cash' }, 'guaranteeType')?.message).toMatch(/none, guarantee, deposit, collateral/);
    expect(fieldError({ ...strongApplication(), industryOutlook: 'booming' }, 'industryOutlook')).toBeDefined();
    expect(fieldError({ ...strongApplication(), litigation: 'maybe' }, 'litigation')?.message).toMatch(/true or false/);
  });

  it('cross-checks cooperation years against the company age and a guarantee against its value', () => {
    expect(fieldError(strongApplication({ foundedYear: 2023, yearsOfCooperation: 5 }), 'yearsOfCooperation')).toBeDefined();
    expect(validateApplication(strongApplication({ foundedYear: 2023, yearsOfCooperation: 3 }), NOW).ok).toBe(true);
    expect(fieldError(strongApplication({ guaranteeType: 'deposit', guaranteeValue: 0 }), 'guaranteeValue')).toBeDefined();
  });

  it('coerces the strings a chat form sends', () => {
    const values = asFormValues(strongApplication());
    values.requestedLimit = '50万';
    values.annualRevenue = '30,000,000';
    values.avgMonthlySales = '３０００００';
    values.litigation = '否';
    values.badDebt2y = 'false';
    values.guaranteeType = '保证金';
    values.guaranteeValue = '100000';
    values.industryOutlook = ' Growing ';
    const r = validateApplication(values, NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.application).toMatchObject({
      requestedLimit: 500_000,
      annualRevenue: 30_000_000,
      avgMonthlySales: 300_000,
      litigation: false,
      badDebt2y: false,
      guaranteeType: 'deposit',
      industryOutlook: 'growing',
    });
  });

  it('lets guaranteeValue be left empty without a guarantee', () => {
    const values = asFormValues(strongApplication());
    values.guaranteeValue = '';
    const r = validateApplication(values, NOW);
    expect(r.ok && r.application.guaranteeValue).toBe(0);
  });

  it('refuses a non-object', () => {
    expect(errorsOf([1, 2])[0]!.field).toBe('(root)');
    expect(errorsOf('x')[0]!.field).toBe('(root)');
  });
});

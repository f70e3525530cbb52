import { z } from 'zod';
import { normalizeUscc, usccProblem } from './uscc.js';

/**
 * The credit application (信用评估表) as the rep fills it, from a chat form or a CLI JSON file.
 * Every error names its field in Chinese and English so the rep can find it on any surface.
 */

export const GUARANTEE_TYPES = ['none', 'guarantee', 'deposit', 'collateral'] as const;
export const INDUSTRY_OUTLOOKS = ['growing', 'stable', 'declining'] as const;
export type GuaranteeType = (typeof GUARANTEE_TYPES)[number];
export type IndustryOutlook = (typeof INDUSTRY_OUTLOOKS)[number];

export interface CreditApplication {
  customerName: string;
  uscc: string;
  registeredCapital: number;
  foundedYear: number;
  yearsOfCooperation: number;
  avgMonthlySales: number;
  overdueCount12m: number;
  maxOverdueDays: number;
  badDebt2y: boolean;
  litigation: boolean;
  businessAbnormal: boolean;
  debtRatio: number;
  annualRevenue: number;
  guaranteeType: GuaranteeType;
  guaranteeValue: number;
  industryOutlook: IndustryOutlook;
  requestedLimit: number;
  requestedTermDays: number;
  reason: string;
}

export type CreditField = keyof CreditApplication;

/** Numeric and categorical fields, as policy rules may reference them. */
export const NUMERIC_FIELDS = [
  'registeredCapital',
  'foundedYear',
  'yearsOfCooperation',
  'avgMonthlySales',
  'overdueCount12m',
  'maxOverdueDays',
  'debtRatio',
  'annualRevenue',
  'guaranteeValue',
  'requestedLimit',
  'requestedTermDays',
] as const satisfies readonly CreditField[];
export const BOOLEAN_FIELDS = ['badDebt2y', 'litigation', 'businessAbnormal'] as const satisfies readonly CreditField[];
export const ENUM_FIELDS = {
  guaranteeType: GUARANTEE_TYPES,
  industryOutlook: INDUSTRY_OUTLOOKS,
} as const satisfies Partial<Record<CreditField, readonly string[]>>;
export type NumericField = (typeof NUMERIC_FIELDS)[number];
export type BooleanField = (typeof BOOLEAN_FIELDS)[number];
export type EnumField = keyof typeof ENUM_FIELDS;

/** Chinese label, English label and unit: used in forms, replies and error messages. */
export const FIELD_LABELS: Record<CreditField, { zh: string; en: string; unit?: string }> = {
  customerName: { zh: '客户名称', en: 'customer name' },
  uscc: { zh: '统一社会信用代码', en: 'unified social credit code' },
  registeredCapital: { zh: '注册资本', unit: '元', en: 'registered capital (CNY)' },
  foundedYear: { zh: '成立年份', en: 'year founded' },
  yearsOfCooperation: { zh: '合作年限', unit: '年', en: 'years of cooperation' },
  avgMonthlySales: { zh: '月均销售额', unit: '元', en: 'average monthly sales (CNY)' },
  overdueCount12m: { zh: '近12个月逾期次数', en: 'overdue payments in the last 12 months' },
  maxOverdueDays: { zh: '最长逾期天数', en: 'longest overdue days' },
  badDebt2y: { zh: '近两年有坏账', en: 'bad debt in the last 2 years' },
  litigation: { zh: '被供应商起诉欠款', en: 'sued by suppliers over unpaid goods' },
  businessAbnormal: { zh: '经营异常 / 停业整顿', en: 'abnormal business status' },
  debtRatio: { zh: '资产负债率', unit: '%', en: 'debt ratio (%)' },
  annualRevenue: { zh: '年营业收入', unit: '元', en: 'annual revenue (CNY)' },
  guaranteeType: { zh: '担保方式', en: 'guarantee type' },
  guaranteeValue: { zh: '担保价值', unit: '元', en: 'guarantee value (CNY)' },
  industryOutlook: { zh: '行业前景', en: 'industry outlook' },
  requestedLimit: { zh: '申请额度', unit: '元', en: 'requested limit (CNY)' },
  requestedTermDays: { zh: '申请账期', unit: '天', en: 'requested payment term (days)' },
  reason: { zh: '申请理由', en: 'reason' },
};

export const ENUM_LABELS: Record<EnumField, Record<string, string>> = {
  guaranteeType: { none: '无担保', guarantee: '第三方保证', deposit: '保证金', collateral: '抵押 / 质押' },
  industryOutlook: { growing: '增长', stable: '平稳', declining: '下行' },
};

export interface FieldError {
  field: string;
  message: string;
}

function message(field: CreditField, zh: string, en: string): string {
  const label = FIELD_LABELS[field];
  return `${label.zh}（${field}）${zh} / ${field}: ${en}`;
}

const required = (field: CreditField) => message(field, '必须填写', 'is required');

/**
 * Accepts numbers and numeric strings as typed in a chat form: thousands separators,
 * full-width digits and a trailing 万 / 亿 are common in Chinese finance input.
 */
export function coerceNumber(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  let s = input
    .trim()
    .replace(/[０-９．，]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[,\s]/g, '')
    .replace(/[元%]$/u, '');
  if (s === '') return undefined;
  let scale = 1;
  if (s.endsWith('万')) {
    scale = 1e4;
    s = s.slice(0, -1);
  } else if (s.endsWith('亿')) {
    scale = 1e8;
    s = s.slice(0, -1);
  }
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s)) return input;
  return Number(s) * scale;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on', '是', '有', '√']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off', '否', '无', '無']);

export function coerceBoolean(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const s = input.trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return s === '' ? undefined : input;
}

interface NumberRule {
  min: number;
  max?: number;
  int?: boolean;
  /** `min` itself is not allowed (amounts that must be positive). */
  exclusiveMin?: boolean;
  zh: string;
  en: string;
}

function numberField(field: CreditField, rule: NumberRule) {
  const bad = message(field, `必须是${rule.zh}`, `must be ${rule.en}`);
  return z.preprocess(
    coerceNumber,
    z
      .number({ error: (iss) => (iss.input === undefined ? required(field) : bad) })
      .refine((n) => Number.isFinite(n), { error: bad })
      .refine((n) => !rule.int || Number.isInteger(n), { error: bad })
      .refine((n) => (rule.exclusiveMin ? n > rule.min : n >= rule.min), { error: bad })
      .refine((n) => rule.max === undefined || n <= rule.max, { error: bad }),
  );
}

function booleanField(field: CreditField) {
  const bad = message(field, '必须是“是”或“否”', 'must be true or false');
  return z.preprocess(
    coerceBoolean,
    z.boolean({ error: (iss) => (iss.input === undefined ? required(field) : bad) }),
  );
}

function enumField<T extends readonly [string, ...string[]]>(field: EnumField, values: T) {
  const bad = message(field, `必须是 ${values.join(' / ')} 之一`, `must be one of ${values.join(', ')}`);
  // A rep may type the Chinese label (保证金) instead of the value (deposit).
  const byLabel = new Map(Object.entries(ENUM_LABELS[field]).map(([value, label]) => [label, value]));
  return z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      const s = v.trim();
      return s === '' ? undefined : (byLabel.get(s) ?? s.toLowerCase());
    },
    z.enum(values, { error: (iss) => (iss.input === undefined ? required(field) : bad) }),
  );
}

function textField(field: CreditField, maxLength: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string({ error: (iss) => (iss.input === undefined ? required(field) : message(field, '必须是文字', 'must be text')) })
      .min(1, { error: required(field) })
      .max(maxLength, { error: message(field, `不能超过 ${maxLength} 个字`, `must be at most ${maxLength} characters`) }),
  );
}

const USCC_MESSAGES = {
  length: ['必须是 18 位', 'must be 18 characters'],
  charset: ['只能包含数字和大写字母（不含 I、O、Z、S、V）', 'may contain only digits and capitals except I, O, Z, S, V'],
  check: ['校验码不正确（GB 32100-2015）', 'check character does not match (GB 32100-2015)'],
} as const;

const usccField = z.preprocess(
  (v) => (typeof v === 'string' ? normalizeUscc(v) || undefined : v),
  z
    .string({ error: (iss) => (iss.input === undefined ? required('uscc') : message('uscc', '必须是文字', 'must be text')) })
    .superRefine((code, ctx) => {
      const problem = usccProblem(code);
      if (problem) {
        const [zh, en] = USCC_MESSAGES[problem];
        ctx.addIssue({ code: 'custom', message: message('uscc', zh, en) });
      }
    }),
);

const MONEY = { min: 0, zh: '不小于 0 的金额（元）', en: 'an amount in CNY, 0 or more' };
const POSITIVE_MONEY = { min: 0, exclusiveMin: true, zh: '大于 0 的金额（元）', en: 'an amount in CNY above 0' };
const COUNT = { min: 0, int: true, zh: '不小于 0 的整数', en: 'a whole number, 0 or more' };

export function applicationSchema(now: Date = new Date()) {
  const thisYear = now.getFullYear();
  return z
    .object({
      customerName: textField('customerName', 200),
      uscc: usccField,
      registeredCapital: numberField('registeredCapital', MONEY),
      foundedYear: numberField('foundedYear', {
        min: 1900,
        max: thisYear,
        int: true,
        zh: `1900 到 ${thisYear} 之间的年份`,
        en: `a year between 1900 and ${thisYear}`,
      }),
      yearsOfCooperation: numberField('yearsOfCooperation', { ...COUNT, max: 200 }),
      avgMonthlySales: numberField('avgMonthlySales', MONEY),
      overdueCount12m: numberField('overdueCount12m', { ...COUNT, max: 10_000 }),
      maxOverdueDays: numberField('maxOverdueDays', { ...COUNT, max: 36_500 }),
      badDebt2y: booleanField('badDebt2y'),
      litigation: booleanField('litigation'),
      businessAbnormal: booleanField('businessAbnormal'),
      // Above 100 % is possible (liabilities exceed assets), so only absurd values are refused.
      debtRatio: numberField('debtRatio', { min: 0, max: 1000, zh: '0 到 1000 之间的百分数', en: 'a percentage between 0 and 1000' }),
      annualRevenue: numberField('annualRevenue', MONEY),
      guaranteeType: enumField('guaranteeType', GUARANTEE_TYPES),
      // Without a guarantee there is nothing to value, so the field may be left empty.
      guaranteeValue: z.preprocess(
        (v) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? 0 : v),
        numberField('guaranteeValue', MONEY),
      ),
      industryOutlook: enumField('industryOutlook', INDUSTRY_OUTLOOKS),
      requestedLimit: numberField('requestedLimit', POSITIVE_MONEY),
      requestedTermDays: numberField('requestedTermDays', {
        min: 1,
        max: 365,
        int: true,
        zh: '1 到 365 之间的整数天数',
        en: 'a whole number of days between 1 and 365',
      }),
      reason: textField('reason', 2000),
    })
    .superRefine((app, ctx) => {
      // Cross-field checks: each names the field the rep most likely has to correct.
      const age = thisYear - app.foundedYear + 1;
      if (app.yearsOfCooperation > age) {
        ctx.addIssue({
          code: 'custom',
          path: ['yearsOfCooperation'],
          message: message('yearsOfCooperation', `不能超过企业成立以来的年数（${age}）`, `cannot exceed the company's age (${age})`),
        });
      }
      // A ratio typed as a fraction (0.55 for 55 %) would score as an almost debt-free company;
      // a real debt ratio under 1 % is rare enough to be written as 0 or 1.
      if (app.debtRatio > 0 && app.debtRatio < 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['debtRatio'],
          message: message(
            'debtRatio',
            `按百分数填写：55% 写 55（${app.debtRatio} 像是小数比例）`,
            `is a percentage: write 55 for 55 % (${app.debtRatio} looks like a fraction)`,
          ),
        });
      }
      if (app.guaranteeType !== 'none' && app.guaranteeValue <= 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['guaranteeValue'],
          message: message('guaranteeValue', '在有担保时必须大于 0', 'must be above 0 when a guarantee is given'),
        });
      }
    });
}

export type ValidationResult =
  | { ok: true; application: CreditApplication }
  | { ok: false; errors: FieldError[] };

/** Validates an application from JSON (numbers/booleans) or a chat form (all strings). */
export function validateApplication(input: unknown, now: Date = new Date()): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ field: '(root)', message: '申请必须是一个 JSON 对象 / the application must be a JSON object' }],
    };
  }
  const parsed = applicationSchema(now).safeParse(input);
  if (parsed.success) return { ok: true, application: parsed.data as CreditApplication };
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const issue of parsed.error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : '(root)';
    // One message per field: the first problem is the one to fix.
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return { ok: false, errors };
}

export const APPLICATION_FIELDS = Object.keys(FIELD_LABELS) as CreditField[];

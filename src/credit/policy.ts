import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BOOLEAN_FIELDS, ENUM_FIELDS, NUMERIC_FIELDS, type EnumField } from './application.js';
import { hasBounds, type Band } from './bands.js';
import { loadDataFile, parseDataFile } from '../data-files/data-file.js';

/**
 * `knowledge/credit-policy.yaml`: the 5C scorecard, grades, limits, terms and approval routes.
 * The schema checks not only types but the arithmetic that keeps the scorecard honest
 * (sub-rules add up to their dimension's weight, weights add up to 100, every band list
 * ends in a catch-all), so an edit that breaks the sums fails at load with file:line.
 */

export const DIMENSIONS = ['character', 'capacity', 'capital', 'collateral', 'conditions'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const GRADES = ['A', 'B', 'C'] as const;
export type Grade = (typeof GRADES)[number];
export const ROLES = ['sales_manager', 'finance', 'finance_director', 'general_manager'] as const;
export type Role = (typeof ROLES)[number];

const ENUM_FIELD_NAMES = Object.keys(ENUM_FIELDS) as EnumField[];
const TOTAL_SCORE = 100;

const bound = z.number().finite().optional();
const boundsShape = { min: bound, above: bound, max: bound, below: bound };

const bandSchema = z.strictObject({ ...boundsShape, points: z.number().finite().min(0) });

const inputSchema = z
  .strictObject({
    field: z.enum([...NUMERIC_FIELDS, ...ENUM_FIELD_NAMES]).optional(),
    ratio: z.tuple([z.enum(NUMERIC_FIELDS), z.enum(NUMERIC_FIELDS)]).optional(),
    discountBy: z
      .strictObject({ field: z.enum(ENUM_FIELD_NAMES), factors: z.record(z.string(), z.number().min(0).max(1)) })
      .optional(),
  })
  .refine((i) => (i.field === undefined) !== (i.ratio === undefined), {
    message: 'input needs exactly one of `field` or `ratio`',
  });

const ruleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be kebab-case'),
    label: z.string().min(1),
    input: inputSchema,
    bands: z.array(bandSchema).min(1).optional(),
    table: z.record(z.string(), z.number().finite().min(0)).optional(),
  })
  .refine((r) => (r.bands === undefined) !== (r.table === undefined), {
    message: 'a rule needs exactly one of `bands` or `table`',
  });

const dimensionSchema = z.strictObject({
  label: z.string().min(1),
  weight: z.number().positive(),
  rules: z.array(ruleSchema).min(1),
});

const termsSchema = z.strictObject({
  limitFactor: z.number().min(0).max(1),
  maxTermDays: z.number().int().min(0),
  paymentMode: z.string().min(1),
  measures: z.array(z.string().min(1)),
});

const policySchema = z
  .strictObject({
    version: z.literal(1),
    dimensions: z.strictObject(
      Object.fromEntries(DIMENSIONS.map((d) => [d, dimensionSchema])) as Record<Dimension, typeof dimensionSchema>,
    ),
    grades: z.strictObject({
      A: z.strictObject({ minScore: z.number().min(0).max(TOTAL_SCORE) }),
      B: z.strictObject({ minScore: z.number().min(0).max(TOTAL_SCORE) }),
      C: z.strictObject({ minScore: z.literal(0) }),
    }),
    knockouts: z.array(
      z.strictObject({ field: z.enum(BOOLEAN_FIELDS), label: z.string().min(1), measures: z.array(z.string().min(1)) }),
    ),
    gradeCaps: z.array(
      z.strictObject({
        id: z.string().min(1),
        label: z.string().min(1),
        field: z.enum(NUMERIC_FIELDS),
        when: z.strictObject(boundsShape),
        maxGrade: z.enum(GRADES),
      }),
    ),
    terms: z.strictObject({ A: termsSchema, B: termsSchema, C: termsSchema }),
    /** Recommended limits are rounded down to a multiple of this (1 = whole yuan). */
    limitRoundDownTo: z.number().positive(),
    approval: z.strictObject({
      /** Four eyes: one person may not decide two steps of the same application. */
      distinctApprovers: z.boolean(),
      roleLabels: z.strictObject(
        Object.fromEntries(ROLES.map((r) => [r, z.string().min(1)])) as Record<Role, z.ZodString>,
      ),
      routes: z
        .array(
          z.strictObject({
            maxRequestedLimit: z.number().positive().optional(),
            roles: z.array(z.enum(ROLES)).min(1),
          }),
        )
        .min(1),
    }),
  })
  .superRefine((p, ctx) => {
    const issue = (pathParts: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path: pathParts, message });

    let weights = 0;
    for (const dim of DIMENSIONS) {
      const d = p.dimensions[dim];
      weights += d.weight;
      let maxPoints = 0;
      const ids = new Set<string>();
      d.rules.forEach((rule, i) => {
        const at = ['dimensions', dim, 'rules', i];
        if (ids.has(rule.id)) issue([...at, 'id'], `duplicate rule id ${rule.id}`);
        ids.add(rule.id);
        if (rule.bands) {
          if (rule.input.field && !(NUMERIC_FIELDS as readonly string[]).includes(rule.input.field)) {
            issue([...at, 'input', 'field'], `bands need a numeric field, ${rule.input.field} is categorical`);
          }
          checkBands(rule.bands, (j, msg) => issue([...at, 'bands', ...j], msg));
          maxPoints += Math.max(...rule.bands.map((b) => b.points));
        }
        if (rule.table) {
          const field = rule.input.field;
          if (!field || !(ENUM_FIELD_NAMES as string[]).includes(field)) {
            issue([...at, 'input'], 'a table needs a categorical `field` (guaranteeType, industryOutlook)');
          } else {
            checkKeys(rule.table, ENUM_FIELDS[field as EnumField], (msg) => issue([...at, 'table'], msg));
          }
          maxPoints += Math.max(...Object.values(rule.table), 0);
        }
        const discount = rule.input.discountBy;
        if (discount) {
          checkKeys(discount.factors, ENUM_FIELDS[discount.field], (msg) =>
            issue([...at, 'input', 'discountBy', 'factors'], msg),
          );
        }
      });
      if (Math.abs(maxPoints - d.weight) > 1e-9) {
        issue(['dimensions', dim, 'weight'], `weight is ${d.weight} but its rules can award at most ${maxPoints}`);
      }
    }
    if (Math.abs(weights - TOTAL_SCORE) > 1e-9) {
      issue(['dimensions'], `dimension weights add up to ${weights}, expected ${TOTAL_SCORE}`);
    }

    if (!(p.grades.A.minScore > p.grades.B.minScore && p.grades.B.minScore > p.grades.C.minScore)) {
      issue(['grades'], 'minScore must fall from A to B to C');
    }

    const seen = new Set<string>();
    p.knockouts.forEach((k, i) => {
      if (seen.has(k.field)) issue(['knockouts', i, 'field'], `duplicate knock-out ${k.field}`);
      seen.add(k.field);
    });
    p.gradeCaps.forEach((cap, i) => {
      if (!hasBounds(cap.when)) issue(['gradeCaps', i, 'when'], 'a cap needs at least one bound (min, above, max, below)');
    });

    let previous = 0;
    p.approval.routes.forEach((route, i) => {
      const last = i === p.approval.routes.length - 1;
      if (last && route.maxRequestedLimit !== undefined) {
        issue(['approval', 'routes', i], 'the last route must have no maxRequestedLimit (it takes everything above)');
      }
      if (!last && route.maxRequestedLimit === undefined) {
        issue(['approval', 'routes', i], 'only the last route may omit maxRequestedLimit');
      }
      if (route.maxRequestedLimit !== undefined) {
        if (route.maxRequestedLimit <= previous) {
          issue(['approval', 'routes', i, 'maxRequestedLimit'], 'thresholds must increase');
        }
        previous = route.maxRequestedLimit;
      }
      if (new Set(route.roles).size !== route.roles.length) {
        issue(['approval', 'routes', i, 'roles'], 'a role appears twice in one route');
      }
    });
  });

function checkBands(bands: readonly Band[], issue: (at: (string | number)[], msg: string) => void): void {
  bands.forEach((band, j) => {
    const last = j === bands.length - 1;
    if (band.min !== undefined && band.above !== undefined) issue([j], 'use either min or above, not both');
    if (band.max !== undefined && band.below !== undefined) issue([j], 'use either max or below, not both');
    if (last && hasBounds(band)) issue([j], 'the last band must be a catch-all (no bounds), so every value scores');
    if (!last && !hasBounds(band)) issue([j], 'only the last band may be a catch-all');
  });
}

function checkKeys(
  table: Readonly<Record<string, number>>,
  expected: readonly string[],
  issue: (msg: string) => void,
): void {
  const missing = expected.filter((k) => !Object.hasOwn(table, k));
  const extra = Object.keys(table).filter((k) => !expected.includes(k));
  if (missing.length) issue(`missing ${missing.join(', ')}`);
  if (extra.length) issue(`unknown ${extra.join(', ')} (expected ${expected.join(', ')})`);
}

export type CreditPolicy = z.output<typeof policySchema>;
export type ScoringRule = CreditPolicy['dimensions'][Dimension]['rules'][number];

/** Where the policy ships: `<repo>/knowledge/credit-policy.yaml`, or under a configured KNOWLEDGE_DIR. */
export function creditPolicyPath(knowledgeDir?: string): string {
  if (knowledgeDir) return path.resolve(knowledgeDir, 'credit-policy.yaml');
  return fileURLToPath(new URL('../../knowledge/credit-policy.yaml', import.meta.url));
}

/** Loads and validates; throws DataFileError naming file:line for each problem. */
export function loadCreditPolicy(file: string = creditPolicyPath()): CreditPolicy {
  return loadDataFile(file, policySchema);
}

export function parseCreditPolicy(file: string, text: string): CreditPolicy {
  return parseDataFile(file, text, policySchema);
}

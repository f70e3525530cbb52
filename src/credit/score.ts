import type { CreditApplication } from './application.js';
import { bandPoints, tablePoints, withinBounds } from './bands.js';
import { DIMENSIONS, GRADES, type CreditPolicy, type Dimension, type Grade, type Role, type ScoringRule } from './policy.js';

/** Exactly the CLI's `credit --json` shape. */
export interface CreditScore {
  ok: true;
  score: number;
  grade: Grade;
  breakdown: Record<Dimension, number>;
  knockouts: string[];
  recommendedLimit: number;
  termDays: number;
  measures: string[];
  approvalRoute: Role[];
}

export interface RulePoints {
  dimension: Dimension;
  id: string;
  label: string;
  points: number;
}

/** The score plus what the replies show beside it (never part of the CLI shape). */
export interface CreditAssessment {
  result: CreditScore;
  rules: RulePoints[];
  /** Score grade before knock-outs and caps, for explaining a downgrade. */
  scoreGrade: Grade;
  caps: string[];
  paymentMode: string;
}

/** Avoids 0.1 + 0.2 noise in displayed sums without hiding real fractions. */
const tidy = (n: number) => Math.round(n * 100) / 100;

function ruleInput(rule: ScoringRule, app: CreditApplication): number | string {
  const { input } = rule;
  if (input.field !== undefined) return app[input.field];
  const [numField, denField] = input.ratio!;
  const numerator = app[numField];
  const denominator = app[denField];
  let ratio = denominator > 0 ? numerator / denominator : numerator > 0 ? Infinity : 0;
  if (input.discountBy) ratio *= input.discountBy.factors[app[input.discountBy.field]] ?? 0;
  return ratio;
}

function rulePoints(rule: ScoringRule, app: CreditApplication): number {
  const value = ruleInput(rule, app);
  if (rule.table) return tablePoints(rule.table, String(value));
  return typeof value === 'number' ? bandPoints(rule.bands!, value) : 0;
}

function gradeForScore(score: number, policy: CreditPolicy): Grade {
  if (score >= policy.grades.A.minScore) return 'A';
  if (score >= policy.grades.B.minScore) return 'B';
  return 'C';
}

/** The worse of two grades (A best). */
const worse = (a: Grade, b: Grade): Grade => (GRADES.indexOf(a) >= GRADES.indexOf(b) ? a : b);

export function approvalRoute(requestedLimit: number, policy: CreditPolicy): Role[] {
  const route =
    policy.approval.routes.find((r) => r.maxRequestedLimit === undefined || requestedLimit <= r.maxRequestedLimit) ??
    policy.approval.routes[policy.approval.routes.length - 1]!;
  return [...route.roles];
}

export function assessApplication(app: CreditApplication, policy: CreditPolicy): CreditAssessment {
  const rules: RulePoints[] = [];
  const breakdown = {} as Record<Dimension, number>;
  for (const dimension of DIMENSIONS) {
    let sum = 0;
    for (const rule of policy.dimensions[dimension].rules) {
      const points = rulePoints(rule, app);
      sum += points;
      rules.push({ dimension, id: rule.id, label: rule.label, points });
    }
    breakdown[dimension] = tidy(sum);
  }
  const score = tidy(DIMENSIONS.reduce((s, d) => s + breakdown[d], 0));
  const scoreGrade = gradeForScore(score, policy);

  const hitKnockouts = policy.knockouts.filter((k) => app[k.field]);
  const caps = policy.gradeCaps.filter((c) => withinBounds(c.when, app[c.field]));
  let grade = scoreGrade;
  for (const cap of caps) grade = worse(grade, cap.maxGrade);
  if (hitKnockouts.length) grade = 'C';

  const terms = policy.terms[grade];
  const termDays = Math.min(app.requestedTermDays, terms.maxTermDays);
  const byTerm = (app.avgMonthlySales * termDays) / 30 * terms.limitFactor;
  const step = policy.limitRoundDownTo;
  // The epsilon keeps 179999.99999 (float) from rounding down a whole step.
  const recommendedLimit = Math.max(0, Math.floor(Math.min(app.requestedLimit, byTerm) / step + 1e-9) * step);

  const measures = [...new Set([...terms.measures, ...hitKnockouts.flatMap((k) => k.measures)])];

  return {
    result: {
      ok: true,
      score,
      grade,
      breakdown,
      knockouts: hitKnockouts.map((k) => k.field),
      recommendedLimit: tidy(recommendedLimit),
      termDays,
      measures,
      approvalRoute: approvalRoute(app.requestedLimit, policy),
    },
    rules,
    scoreGrade,
    caps: caps.filter((c) => GRADES.indexOf(c.maxGrade) > GRADES.indexOf(scoreGrade)).map((c) => c.label),
    paymentMode: terms.paymentMode,
  };
}

export function scoreApplication(app: CreditApplication, policy: CreditPolicy): CreditScore {
  return assessApplication(app, policy).result;
}

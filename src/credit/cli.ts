import { readFileSync } from 'node:fs';
import { validateApplication, type FieldError } from './application.js';
import { DIMENSIONS, loadCreditPolicy, type CreditPolicy } from './policy.js';
import { scoreApplication, type CreditScore } from './score.js';

export type CreditCliResult = CreditScore | { ok: false; errors: FieldError[] };

/**
 * `cli credit <file.json> --json`: scoring only, no workflow. A file that cannot be read or
 * parsed is reported like a field error (field `(file)`) so the caller has one error shape
 * and one exit code (2) for every bad input. A broken policy file throws DataFileError:
 * that is a deployment fault, not the rep's.
 */
export function creditFileToJson(
  file: string,
  options: { policy?: CreditPolicy; now?: Date } = {},
): CreditCliResult {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    return { ok: false, errors: [{ field: '(file)', message: `无法读取文件 / cannot read ${file} (${code})` }] };
  }
  let input: unknown;
  try {
    input = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch (err) {
    return {
      ok: false,
      errors: [{ field: '(file)', message: `不是有效的 JSON / not valid JSON: ${(err as Error).message}` }],
    };
  }
  const validated = validateApplication(input, options.now);
  if (!validated.ok) return { ok: false, errors: validated.errors };
  return scoreApplication(validated.application, options.policy ?? loadCreditPolicy());
}

/**
 * The plain-text form of a result for `cli credit` without --json: the grade and limit, and
 * why — each dimension's points, the knock-outs that forced grade C, the measures required —
 * so a zero limit never stands unexplained.
 */
export function creditResultText(r: CreditScore, policy: CreditPolicy = loadCreditPolicy()): string {
  const lines = [`等级 Grade ${r.grade} (${r.score}/100)，建议额度 limit ${r.recommendedLimit} 元，账期 term ${r.termDays} 天 days`];
  lines.push(`评分 Score: ${DIMENSIONS.map((d) => `${policy.dimensions[d].label} ${r.breakdown[d]}/${policy.dimensions[d].weight}`).join('，')}`);
  for (const field of r.knockouts) {
    const k = policy.knockouts.find((x) => x.field === field);
    lines.push(`否决项 Knock-out: ${k?.label ?? field} (${field}) → 等级 C grade`);
  }
  if (r.measures.length) lines.push(`风控措施 Measures: ${r.measures.join('；')}`);
  lines.push(`审批路线 Route: ${r.approvalRoute.map((role) => `${policy.approval.roleLabels[role]} (${role})`).join(' → ')}`);
  return lines.join('\n');
}

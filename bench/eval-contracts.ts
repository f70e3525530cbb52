/**
 * `npm run eval -- --contracts DIR [--verbose]`: runs the pre-check on every contract listed in
 * DIR/expected.json (`mustFind` / `mustNotFind` rule ids, `verdict`) through the same reader as
 * uploads (.txt, .docx, .pdf), and prints per-contract results, findings precision / recall and
 * verdict accuracy. A rule id in `mustFind` that is found is a true positive, one that is not is
 * a miss; a `mustNotFind` id that is found is a false positive. Rules listed in neither are not
 * scored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPrechecker } from '../src/precheck/engine.js';
import { loadOwnCompanies } from '../src/precheck/rules.js';
import { precheckFile, PrecheckInputError } from '../src/precheck/input.js';

interface Expectation {
  mustFind: string[];
  mustNotFind: string[];
  verdict?: string | string[];
}

export interface ContractEvalRow {
  file: string;
  verdict: string;
  verdictOk: boolean;
  missed: string[];
  falsePositives: string[];
  truePositives: number;
}

/**
 * @param extraOwnCompanies company names an operator would add to `ownCompanies` (a set's author's own
 *   company), on top of the shipped contract.yaml.
 */
export async function evaluateContracts(dir: string, extraOwnCompanies: readonly string[] = []): Promise<{ rows: ContractEvalRow[]; precision: number; recall: number; verdictAccuracy: number }> {
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, Expectation>;
  const prechecker = createPrechecker(extraOwnCompanies.length ? { ownCompanies: [...loadOwnCompanies(), ...extraOwnCompanies] } : {});
  const rows: ContractEvalRow[] = [];
  for (const [file, exp] of Object.entries(expected)) {
    let found = new Set<string>();
    let verdict: string;
    try {
      const { result } = await precheckFile(path.join(dir, file), prechecker, { skipModelReview: true });
      found = new Set(result.findings.map((f) => f.rule));
      verdict = result.verdict;
    } catch (e) {
      verdict = e instanceof PrecheckInputError ? `error: ${e.problem}` : `crash: ${(e as Error).message}`;
    }
    const allowed = exp.verdict === undefined ? [verdict] : Array.isArray(exp.verdict) ? exp.verdict : [exp.verdict];
    rows.push({
      file,
      verdict,
      verdictOk: allowed.includes(verdict),
      missed: exp.mustFind.filter((id) => !found.has(id)),
      falsePositives: exp.mustNotFind.filter((id) => found.has(id)),
      truePositives: exp.mustFind.filter((id) => found.has(id)).length,
    });
  }
  const tp = rows.reduce((n, r) => n + r.truePositives, 0);
  const fp = rows.reduce((n, r) => n + r.falsePositives.length, 0);
  const fn = rows.reduce((n, r) => n + r.missed.length, 0);
  return {
    rows,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    verdictAccuracy: rows.filter((r) => r.verdictOk).length / Math.max(1, rows.length),
  };
}

export async function printContractEval(dir: string, extraOwnCompanies: readonly string[] = []): Promise<void> {
  const { rows, precision, recall, verdictAccuracy } = await evaluateContracts(dir, extraOwnCompanies);
  const own = extraOwnCompanies.length ? ` (ownCompanies + ${extraOwnCompanies.join('、')})` : '';
  console.log(`Pre-check on ${rows.length} contracts in ${dir}${own}\n`);
  console.log('| contract | verdict | missed (must find) | wrongly found (must not find) |');
  console.log('|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.file} | ${r.verdictOk ? '' : '✗ '}${r.verdict} | ${r.missed.join(', ')} | ${r.falsePositives.join(', ')} |`);
  }
  const f = (x: number) => x.toFixed(3);
  console.log(`\nfindings precision ${f(precision)} · recall ${f(recall)} · verdicts right ${rows.filter((r) => r.verdictOk).length}/${rows.length} (${f(verdictAccuracy)})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--contracts');
  const dir = at !== -1 ? process.argv[at + 1] : process.argv[2];
  if (!dir) {
    console.error('usage: tsx scripts/eval-contracts.ts --contracts DIR');
    process.exit(2);
  }
  await printContractEval(path.resolve(dir));
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { readContractDocument } from '../../src/precheck/read/index.js';

/**
 * The first held-out set of issue 14 (written blind by another helper, run once after the first
 * method was final: precision 0.773, recall 0.630, verdicts 11/15). It has been LOOKED AT since:
 * its failures were diagnosed and the classes they belong to fixed in general form (each with its
 * own positive and negative test in tests/precheck/generalise.test.ts, worded unlike this set), so
 * it is a diagnostic set now, no longer an estimate of unseen contracts. What still fails is listed
 * here, not hidden by bending expected.json.
 */
interface Expectation {
  mustFind: string[];
  mustNotFind: string[];
  verdict?: string | string[];
}

/** After the second round of fixes: precision 1.000, recall 1.000, verdicts 15/15 — nothing left to list. */
const KNOWN_FAILURES: Record<string, { missed?: string[]; wronglyFound?: string[]; verdictWrong?: true }> = {};

const root = path.join(import.meta.dirname, '..', 'fixtures', 'contracts-diagnostic');
const expected = JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const prechecker = createPrechecker();

describe('precheck diagnostic set (the first held-out set, looked at)', () => {
  for (const [file, exp] of Object.entries(expected)) {
    const known = KNOWN_FAILURES[file] ?? {};
    it(file, async () => {
      const text = (await readContractDocument(file, readFileSync(path.join(root, file)))).text;
      const result = await prechecker.check(text);
      const found = new Set(result.findings.map((f) => f.rule));
      for (const id of exp.mustFind) {
        if (known.missed?.includes(id)) expect(found, `${file}: ${id} is still missed`).not.toContain(id);
        else expect(found, `${file} must find ${id}`).toContain(id);
      }
      for (const id of exp.mustNotFind) {
        if (known.wronglyFound?.includes(id)) expect(found, `${file}: ${id} is still wrongly found`).toContain(id);
        else expect(found, `${file} must not find ${id}`).not.toContain(id);
      }
      const allowed = exp.verdict === undefined ? [] : Array.isArray(exp.verdict) ? exp.verdict : [exp.verdict];
      if (allowed.length) expect(allowed.includes(result.verdict), `${file} verdict ${result.verdict}`).toBe(!known.verdictWrong);
    });
  }
});

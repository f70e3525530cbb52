import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { readContractDocument } from '../../src/precheck/read/index.js';

/**
 * The second held-out set of issue 14 (/work/evalsets/contracts-c, written blind by another helper,
 * copied to tests/fixtures/contracts-heldout2). It was run exactly once, after the method of the
 * second round was final (commit 6457c90): precision 0.917, recall 0.733, verdicts 10/14. These
 * tests assert what passed then; what failed is listed as measured, not hidden by bending
 * expected.json. A general fix that makes a listed failure pass should remove it from this list.
 */
interface Expectation {
  mustFind: string[];
  mustNotFind: string[];
  verdict?: string | string[];
}

const KNOWN_FAILURES: Record<string, { missed?: string[]; wronglyFound?: string[]; verdictWrong?: true }> = {
  'c02-equipment-lease.txt': { missed: ['unilateral', 'liability.unlimited'], verdictWrong: true },
  'c06-annual-framework.txt': { missed: ['kickback'], verdictWrong: true },
  'c06-annual-framework.docx': { missed: ['kickback'], verdictWrong: true },
  'c01-tech-dev.pdf': { wronglyFound: ['amount.mismatch'], verdictWrong: true },
};

const root = path.join(import.meta.dirname, '..', 'fixtures', 'contracts-heldout2');
const expected = JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const prechecker = createPrechecker();

describe('precheck second held-out set: what passed on the one run', () => {
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

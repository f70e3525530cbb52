import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { readContractDocument } from '../../src/precheck/read/index.js';

/**
 * The held-out set of issue 14 (tests/fixtures/contracts-heldout, written blind by another helper
 * and run once, after the method was final). The code was not changed after that run, so these
 * tests assert what passed then; what failed is listed here as measured, not hidden by bending
 * expected.json. A fix that makes a listed failure pass should remove it from this list.
 */
interface Expectation {
  mustFind: string[];
  mustNotFind: string[];
  verdict?: string | string[];
}

/** Measured on the first and only run (precision 0.773, recall 0.630, verdicts 11/15). */
const KNOWN_FAILURES: Record<string, { missed?: string[]; wronglyFound?: string[]; verdictWrong?: true }> = {
  'b01-industrial-model-blank.txt': { missed: ['dispute.missing'] },
  'b02-sales-model-halffilled-zht.txt': { missed: ['payment.missing', 'dispute.missing'] },
  'b03-sales-model-filled.txt': { missed: ['payment.credit-required'] },
  'b04-equipment-model-filled.txt': { wronglyFound: ['dispute.ambiguous'], verdictWrong: true },
  'b06-software-license-zht.txt': { missed: ['auto-renewal', 'unilateral'], verdictWrong: true },
  'b06-software-license-zht.docx': { missed: ['auto-renewal', 'unilateral'], verdictWrong: true },
  'b08-dealer-agreement-zht.txt': { missed: ['kickback'], wronglyFound: ['price.missing'] },
  'b08-dealer-agreement-zht.pdf': { missed: ['kickback'], wronglyFound: ['price.missing', 'amount.mismatch'] },
  'b09-quote-confirmation.txt': { wronglyFound: ['parties.missing'], verdictWrong: true },
};

const root = path.join(import.meta.dirname, '..', 'fixtures', 'contracts-heldout');
const expected = JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const prechecker = createPrechecker();

describe('precheck held-out set: what passed on the one run', () => {
  for (const [file, exp] of Object.entries(expected)) {
    const known = KNOWN_FAILURES[file] ?? {};
    it(file, async () => {
      const text = file.endsWith('.txt') ? readFileSync(path.join(root, file), 'utf8') : (await readContractDocument(file, readFileSync(path.join(root, file)))).text;
      const result = await prechecker.check(text);
      const found = new Set(result.findings.map((f) => f.rule));
      for (const id of exp.mustFind) {
        if (known.missed?.includes(id)) expect(found, `${file}: ${id} was missed on the held-out run`).not.toContain(id);
        else expect(found, `${file} must find ${id}`).toContain(id);
      }
      for (const id of exp.mustNotFind) {
        if (known.wronglyFound?.includes(id)) expect(found, `${file}: ${id} was wrongly found on the held-out run`).toContain(id);
        else expect(found, `${file} must not find ${id}`).not.toContain(id);
      }
      const allowed = exp.verdict === undefined ? [] : Array.isArray(exp.verdict) ? exp.verdict : [exp.verdict];
      if (allowed.length) expect(allowed.includes(result.verdict), `${file} verdict ${result.verdict}`).toBe(!known.verdictWrong);
    });
  }
});

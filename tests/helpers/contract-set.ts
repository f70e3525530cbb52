import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { readContractDocument } from '../../src/precheck/read/index.js';
import { loadOwnCompanies } from '../../src/precheck/rules.js';

interface Expectation {
  mustFind: string[];
  mustNotFind: string[];
  verdict?: string | string[];
}

/** What a blind set's one run got wrong, listed as measured instead of bending expected.json. */
export type KnownFailures = Record<string, { missed?: string[]; wronglyFound?: string[]; verdictWrong?: true }>;

/**
 * One test per file of a contract set under tests/fixtures: what passed must keep passing, and a
 * listed failure must still fail (a general fix that mends it removes it from the list).
 */
export function describeContractSet(
  title: string,
  fixtureFolder: string,
  knownFailures: KnownFailures,
  /** Names an operator would add to the shipped `ownCompanies` (the set author's own company). */
  extraOwnCompanies: readonly string[] = [],
): void {
  const root = path.join(import.meta.dirname, '..', 'fixtures', fixtureFolder);
  const expected = JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as Record<string, Expectation>;
  const prechecker = createPrechecker(extraOwnCompanies.length ? { ownCompanies: [...loadOwnCompanies(), ...extraOwnCompanies] } : {});
  describe(title, () => {
    for (const [file, exp] of Object.entries(expected)) {
      const known = knownFailures[file] ?? {};
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
}

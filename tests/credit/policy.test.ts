import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bandPoints, tablePoints, withinBounds } from '../../src/credit/bands.js';
import { creditPolicyPath, loadCreditPolicy, parseCreditPolicy } from '../../src/credit/policy.js';
import { DataFileError } from '../../src/data-files/data-file.js';

const FILE = 'knowledge/credit-policy.yaml';
const shipped = readFileSync(creditPolicyPath(), 'utf8');

/** Line (1-based) of the first line containing `needle`, so tests do not hard-code line numbers. */
function lineOf(text: string, needle: string, after = 0): number {
  const lines = text.split('\n');
  for (let i = after; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`not found: ${needle}`);
}

function problemsOf(text: string): DataFileError['problems'] {
  try {
    parseCreditPolicy(FILE, text);
  } catch (err) {
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as Error).message).toContain(FILE);
    return (err as DataFileError).problems;
  }
  throw new Error('expected the policy to be refused');
}

describe('credit policy file', () => {
  it('ships a valid policy with the five weights from the issue', () => {
    const policy = loadCreditPolicy();
    expect(Object.fromEntries(Object.entries(policy.dimensions).map(([k, d]) => [k, d.weight]))).toEqual({
      character: 30,
      capacity: 25,
      capital: 20,
      collateral: 15,
      conditions: 10,
    });
    expect(policy.grades.A.minScore).toBe(80);
    expect(policy.grades.B.minScore).toBe(60);
    expect(policy.knockouts.map((k) => k.field).sort()).toEqual(['badDebt2y', 'businessAbnormal', 'litigation']);
    expect(policy.terms.A).toMatchObject({ limitFactor: 1, maxTermDays: 60 });
    expect(policy.terms.B).toMatchObject({ limitFactor: 0.6, maxTermDays: 30 });
    expect(policy.terms.C).toMatchObject({ limitFactor: 0, maxTermDays: 0 });
  });

  it('names file and line when a band points at a field that does not exist', () => {
    const broken = shipped.replace('input: { field: overdueCount12m }', 'input: { field: overdueCount }');
    const problems = problemsOf(broken);
    expect(problems.some((p) => p.line === lineOf(broken, 'field: overdueCount }') && p.path.includes('field'))).toBe(true);
  });

  it('refuses rules that no longer add up to their dimension weight, on the weight line', () => {
    const broken = shipped.replace('- { max: 0, points: 12 }', '- { max: 0, points: 14 }');
    const problems = problemsOf(broken);
    const weightLine = lineOf(broken, 'weight: 30');
    expect(problems).toContainEqual(
      expect.objectContaining({ line: weightLine, path: 'dimensions.character.weight' }),
    );
    expect(problems.find((p) => p.line === weightLine)!.message).toMatch(/32/);
  });

  it('requires the last band to be a catch-all', () => {
    const start = lineOf(shipped, 'id: debt-ratio');
    const catchAllLine = lineOf(shipped, '- { points: 0 }', start);
    const lines = shipped.split('\n');
    lines[catchAllLine - 1] = lines[catchAllLine - 1]!.replace('{ points: 0 }', '{ min: 0, points: 0 }');
    const problems = problemsOf(lines.join('\n'));
    expect(problems).toContainEqual(expect.objectContaining({ line: catchAllLine }));
  });

  it('requires a table to cover every category', () => {
    const broken = shipped.replace('table: { growing: 10, stable: 6, declining: 2 }', 'table: { growing: 10, stable: 6 }');
    const problems = problemsOf(broken);
    const p = problems.find((x) => x.message.includes('declining'));
    expect(p?.line).toBe(lineOf(broken, 'table: { growing: 10, stable: 6 }'));
  });

  it('requires increasing route thresholds', () => {
    const broken = shipped.replace('maxRequestedLimit: 1000000', 'maxRequestedLimit: 100000');
    const problems = problemsOf(broken);
    expect(problems).toContainEqual(
      expect.objectContaining({ line: lineOf(broken, 'maxRequestedLimit: 100000'), message: expect.stringMatching(/increase/) }),
    );
  });

  it('points an unknown key at its own line', () => {
    const broken = shipped.replace('  distinctApprovers: true', '  distinctApprovers: true\n  selfApproval: true');
    const problems = problemsOf(broken);
    expect(problems).toContainEqual(
      expect.objectContaining({ line: lineOf(broken, 'selfApproval: true'), message: expect.stringContaining('selfApproval') }),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const lines = shipped.split('\n');
    const at = lineOf(shipped, 'limitRoundDownTo');
    lines[at - 1] = 'limitRoundDownTo: [1';
    const problems = problemsOf(lines.join('\n'));
    expect(problems[0]!.line).toBeGreaterThanOrEqual(at);
  });
});

describe('band and table evaluator', () => {
  const bands = [
    { max: 0, points: 12 },
    { max: 3, points: 5 },
    { above: 3, below: 10, points: 2 },
    { points: 0 },
  ];
  it('picks the first band whose bounds hold', () => {
    expect(bandPoints(bands, 0)).toBe(12);
    expect(bandPoints(bands, 1)).toBe(5);
    expect(bandPoints(bands, 3)).toBe(5);
    expect(bandPoints(bands, 3.5)).toBe(2);
    expect(bandPoints(bands, 10)).toBe(0);
    expect(bandPoints(bands, Infinity)).toBe(0);
  });
  it('treats min/max as inclusive and above/below as exclusive', () => {
    expect(withinBounds({ min: 5 }, 5)).toBe(true);
    expect(withinBounds({ above: 5 }, 5)).toBe(false);
    expect(withinBounds({ max: 5 }, 5)).toBe(true);
    expect(withinBounds({ below: 5 }, 5)).toBe(false);
  });
  it('looks categories up and gives unknown keys nothing', () => {
    expect(tablePoints({ growing: 10, stable: 6 }, 'stable')).toBe(6);
    expect(tablePoints({ growing: 10 }, 'toString')).toBe(0);
  });
});

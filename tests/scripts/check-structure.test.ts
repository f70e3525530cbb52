import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkStructure, isKnown, MAX_LINES, type Problem } from '../../scripts/check-structure.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A throwaway src/ tree from `{ 'core/a.ts': 'source' }`. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'structure-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const kinds = (problems: Problem[]) => problems.map((p) => p.kind).sort();

describe('the structure check', () => {
  it('passes this repository, apart from the problems other open issues remove', () => {
    const fresh = checkStructure(path.resolve('src')).filter((p) => !isKnown(p));
    expect(fresh.map((p) => p.message)).toEqual([]);
  });

  it('accepts imports downward and sideways within a layer', () => {
    const root = tree({
      'text/a.ts': 'export const a = 1;\n',
      'core/types.ts': "import { a } from '../text/a.js';\nexport type T = typeof a;\n",
      'credit/x.ts': "import type { T } from '../core/types.js';\nimport { y } from '../schedule/y.js';\nexport const x: T = y;\n",
      'schedule/y.ts': "export const y = 1;\n",
      'platforms/slack/adapter.ts': "import { App } from '@slack/bolt';\nimport '../shared/kit.js';\nexport { App };\n",
      'platforms/shared/kit.ts': "export {};\n",
    });
    expect(checkStructure(root)).toEqual([]);
  });

  it('finds an import loop between files, through static, dynamic and re-export imports', () => {
    const root = tree({
      'core/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'core/b.ts': "export async function b() { return import('./c.js'); }\n",
      'core/c.ts': "export { a } from './a.js';\n",
    });
    const problems = checkStructure(root);
    expect(kinds(problems)).toEqual(['cycle']);
    expect(problems[0]!.message).toContain('src/core/a.ts, src/core/b.ts, src/core/c.ts');
    expect(isKnown(problems[0]!)).toBe(false);
  });

  it('reports a loop closed only by `import type` as a warning: the compiler erases it', () => {
    const root = tree({
      'core/a.ts': "import type { B } from './b.js';\nexport type A = B | 1;\nexport const one = 1;\n",
      'core/b.ts': "import { one } from './a.js';\nexport type B = typeof one;\n",
    });
    const problems = checkStructure(root);
    expect(kinds(problems)).toEqual(['type-cycle']);
    expect(isKnown(problems[0]!)).toBe(true);
  });

  it('finds a folder loop within one layer that no single file loop shows', () => {
    const root = tree({
      'credit/a.ts': "import { c } from '../schedule/c.js';\nexport const a = c;\n",
      'credit/b.ts': 'export const b = 1;\n',
      'schedule/c.ts': 'export const c = 1;\n',
      'schedule/d.ts': "import { b } from '../credit/b.js';\nexport const d = b;\n",
    });
    expect(kinds(checkStructure(root))).toEqual(['folder-cycle']);
  });

  it('refuses an upward import, a platform SDK outside its adapter, an oversized file and an unlayered folder', () => {
    const root = tree({
      'answer/a.ts': "import type { Reply } from '../core/types.js';\nexport type A = Reply;\n",
      'core/types.ts': 'export type Reply = 1;\n',
      'core/core.ts': "import * as lark from '@larksuiteoapi/node-sdk';\nexport { lark };\n",
      'platforms/shared/kit.ts': "// import { App } from '@slack/bolt' is only a comment here\nexport {};\n",
      'credit/big.ts': 'export const x = 1;\n'.repeat(MAX_LINES + 1),
      'misc/z.ts': 'export {};\n',
    });
    const problems = checkStructure(root);
    expect(kinds(problems)).toEqual(['platform-sdk', 'size', 'unlayered', 'upward']);
    expect(problems.find((p) => p.kind === 'upward')!.message).toContain('src/answer/a.ts (handbook) imports src/core/types.ts (core');
  });
});

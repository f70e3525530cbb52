import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { staleBuildWarning } from '../../src/ops/build-freshness.js';

const root = mkdtempSync(path.join(tmpdir(), 'freshness-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, srcAgeS: number, distAgeS: number): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'src', 'cli'), { recursive: true });
  mkdirSync(path.join(dir, 'dist', 'cli'), { recursive: true });
  const src = path.join(dir, 'src', 'cli', 'commands.ts');
  const entry = path.join(dir, 'dist', 'cli', 'main.js');
  writeFileSync(src, '');
  writeFileSync(entry, '');
  const now = Date.now() / 1000;
  utimesSync(src, now - srcAgeS, now - srcAgeS);
  utimesSync(entry, now - distAgeS, now - distAgeS);
  return pathToFileURL(entry).href;
}

describe('stale build warning', () => {
  it('names the source file edited after the last build', () => {
    expect(staleBuildWarning(project('stale', 10, 60))).toMatch(/commands\.ts changed after the last build — run "npm run build"/);
  });

  it('stays quiet when the build is newer, when running from src/, and when no src/ ships', () => {
    expect(staleBuildWarning(project('fresh', 60, 10))).toBeNull();
    expect(staleBuildWarning(pathToFileURL(path.join(root, 'fresh', 'src', 'cli', 'commands.ts')).href)).toBeNull();
    rmSync(path.join(root, 'fresh', 'src'), { recursive: true });
    const image = project('image', 10, 60);
    expect(staleBuildWarning(image)).not.toBeNull();
    rmSync(path.join(root, 'image', 'src'), { recursive: true });
    expect(staleBuildWarning(image)).toBeNull();
  });
});

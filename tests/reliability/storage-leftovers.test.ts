import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanLeftoverBuilds } from '../../src/knowledge/leftover-builds.js';

/**
 * Issue 15, storage: a build killed mid-way left `.index-<pid>-<hex>` and `index.old-<hex>`
 * folders (hundreds of MB at scale) for ever. They go at start and before each build; a build
 * in progress (its process alive, or a swap a moment old) is never touched.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(parent: string, name: string, ageMs = 0): string {
  const full = path.join(parent, name);
  mkdirSync(full);
  writeFileSync(path.join(full, 'bm25.bin'), 'x');
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(full, t, t);
  return full;
}

describe('leftover index builds', () => {
  it('removes a dead process’s temporary build and an old swapped-out index; keeps the live index', () => {
    const data = mkdtempSync(path.join(tmpdir(), 'leftovers-'));
    dirs.push(data);
    folder(data, 'index');
    folder(data, '.index-999999-deadbeef'); // no such pid
    folder(data, 'index.old-0badcafe', 10 * 60_000);
    const removed = cleanLeftoverBuilds(path.join(data, 'index'), false);
    expect(removed.sort()).toEqual(['.index-999999-deadbeef', 'index.old-0badcafe']);
    expect(readdirSync(data)).toEqual(['index']);
  });

  it('keeps a build of a live process and a swap in progress (negative); at start our own pid counts as a leftover', () => {
    const data = mkdtempSync(path.join(tmpdir(), 'leftovers-'));
    dirs.push(data);
    folder(data, `.index-${process.pid}-0000aaaa`);
    folder(data, `.index-${process.ppid}-0000bbbb`);
    folder(data, 'index.old-00000001'); // a swap happening now
    expect(cleanLeftoverBuilds(path.join(data, 'index'), false)).toEqual([]);
    expect(cleanLeftoverBuilds(path.join(data, 'index'), true)).toEqual([`.index-${process.pid}-0000aaaa`]);
    expect(existsSync(path.join(data, `.index-${process.ppid}-0000bbbb`))).toBe(true);
  });
});

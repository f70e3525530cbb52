import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/knowledge/content-hash.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'content-hash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function knowledge(): string {
  const dir = path.join(tmp, Math.random().toString(36).slice(2));
  cpSync(path.resolve('knowledge'), dir, { recursive: true });
  return dir;
}

describe('content hash', () => {
  it('reuses the digest of a file whose size and time are unchanged, and re-reads one that changed', () => {
    const dir = knowledge();
    const first = contentHash(dir, 'salt');
    // A digest that does not match the content would show if it were reused for a changed file.
    const forged = Object.fromEntries(Object.entries(first.files).map(([name, d]) => [name, { ...d, sha256: 'remembered' }]));
    expect(contentHash(dir, 'salt', forged).hash).not.toBe(first.hash);
    expect(contentHash(dir, 'salt', first.files).hash).toBe(first.hash);

    const file = path.join(dir, 'handbook', '销售安全管理指南.txt');
    writeFileSync(file, '同样长度的内容会被重新读取吗');
    const changed = contentHash(dir, 'salt', first.files);
    expect(changed.hash).not.toBe(first.hash);
    expect(changed.files['handbook/销售安全管理指南.txt']!.sha256).not.toBe(first.files['handbook/销售安全管理指南.txt']!.sha256);
  });

  it('notices a same-size rewrite through its modification time, and new or removed files', () => {
    const dir = knowledge();
    const file = path.join(dir, 'handbook', 'note.md');
    writeFileSync(file, '# 甲\n');
    utimesSync(file, 1_000, 1_000);
    const before = contentHash(dir, 'salt');
    writeFileSync(file, '# 乙\n');
    utimesSync(file, 2_000, 2_000);
    expect(contentHash(dir, 'salt', before.files).hash).not.toBe(before.hash);
    rmSync(file);
    expect(contentHash(dir, 'salt', before.files).hash).not.toBe(before.hash);
    expect(contentHash(dir, 'other salt', before.files).hash).not.toBe(before.hash);
  });
});

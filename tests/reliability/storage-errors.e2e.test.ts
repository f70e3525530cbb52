import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/database.js';
import { StorageUnavailable } from '../../src/storage/storage-error.js';

/**
 * Issue 15, storage errors at start: a DATA_DIR the service cannot use used to end in a raw stack
 * trace with a misleading errno. Now one line names the path and the cause, and the process exits
 * with the configuration exit code (2).
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('storage errors at start', () => {
  it('a DATA_DIR under a file: the real process prints one line naming the path and the cause, exit code 2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'storage-err-'));
    dirs.push(dir);
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, DATA_DIR: path.join(blocker, 'data'), LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', FEISHU_APP_ID: '', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
      input: '',
    });
    const lines = res.stderr.trim().split('\n').filter((l) => !/build is older|npm run build/.test(l));
    expect(res.status).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path.join(blocker, 'data'));
    expect(lines[0]).toMatch(/a part of the path is a file, not a folder \(ENOTDIR\)/);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a database file that is not SQLite is named as such; a usable folder opens (negative)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'storage-err-'));
    dirs.push(dir);
    const bogus = path.join(dir, 'assistant.db');
    writeFileSync(bogus, 'this is not a database, just text long enough to have a header'.repeat(20));
    const err = await openStorage({ sqliteFile: bogus }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailable);
    expect((err as Error).message).toMatch(new RegExp(`${bogus.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the file is not a SQLite database`));
    const ok = await openStorage({ sqliteFile: path.join(dir, 'fresh', 'assistant.db') });
    await ok.db.destroy();
  });
});

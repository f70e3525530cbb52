import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'backup-'));
const saved = process.env.DATA_DIR;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  process.env.DATA_DIR = path.join(tmp, `data-${Math.random().toString(36).slice(2)}`);
});
afterEach(() => {
  if (saved === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = saved;
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The live SQLite file as the bot keeps it (WAL mode), written to directly by the test. */
function openDatabase(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return db;
}

describe('cli backup', () => {
  it('copies the live database, including writes still in the WAL, while another connection holds it open', async () => {
    const live = openDatabase(path.join(process.env.DATA_DIR!, 'assistant.db'));
    live.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = live.prepare('INSERT INTO notes (body) VALUES (?)');
    for (let i = 0; i < 500; i++) insert.run(`note ${i}`);
    const target = path.join(tmp, 'copy.db');
    try {
      const r = await cli('backup', target);
      expect(r.code).toBe(0);
      expect(r.out).toContain('integrity check ok');
      insert.run('written after the backup');
    } finally {
      live.close();
    }
    // One self-contained file: no -wal / -shm beside it.
    expect(readdirSync(tmp).filter((f) => f.startsWith('copy.db'))).toEqual(['copy.db']);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 500 });
    copy.close();
  });

  it('names a destination folder that does not exist instead of creating it', async () => {
    openDatabase(path.join(process.env.DATA_DIR!, 'assistant.db')).close();
    const target = path.join(tmp, 'no-such-folder', 'deeper', 'copy.db');
    const r = await cli('backup', target);
    expect(r.code).toBe(2);
    expect(r.err).toContain(path.join(tmp, 'no-such-folder', 'deeper'));
    expect(existsSync(path.join(tmp, 'no-such-folder'))).toBe(false);
    mkdirSync(path.join(tmp, 'no-such-folder', 'deeper'), { recursive: true });
    expect((await cli('backup', target)).code).toBe(0);
  });

  it('refuses to overwrite a file unless told to, and says when there is no database yet', async () => {
    const target = path.join(tmp, 'exists.db');
    writeFileSync(target, 'keep me');
    const noDb = await cli('backup', target);
    expect(noDb.code).toBe(2);
    expect(noDb.err).toMatch(/no database/);
    openDatabase(path.join(process.env.DATA_DIR!, 'assistant.db')).close();
    const exists = await cli('backup', target);
    expect(exists.code).toBe(2);
    expect(exists.err).toContain('--force');
    expect((await cli('backup', target, '--force')).code).toBe(0);
    expect((await cli('backup')).code).toBe(2);
  });
});

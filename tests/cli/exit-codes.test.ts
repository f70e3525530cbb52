import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.js';
import { ConfigError } from '../../src/config/config.js';
import { DataFileError } from '../../src/data-files/data-file.js';
import { exitCodeFor, InputError } from '../../src/errors/input-error.js';
import { NoTextFoundError, UnsupportedDocumentError } from '../../src/knowledge/loaders.js';
import { PrecheckInputError } from '../../src/precheck/input.js';
import { ReminderError } from '../../src/schedule/registry.js';

describe('exit codes: every bad input is 2, anything else 1', () => {
  it('maps each user-facing error class by instanceof, and a plain failure to 1', () => {
    for (const err of [
      new ConfigError(['PORT: expected number']),
      new DataFileError('x.yaml', [{ line: 3, message: 'bad' }]),
      new PrecheckInputError('empty', 'nothing to check'),
      new ReminderError('reminder text is empty'),
      new UnsupportedDocumentError('contract.xls'),
      new NoTextFoundError('scan.pdf'),
    ]) {
      expect(err).toBeInstanceOf(InputError);
      expect(exitCodeFor(err)).toBe(2);
    }
    expect(exitCodeFor(new Error('disk on fire'))).toBe(1);
    expect(exitCodeFor('thrown string')).toBe(1);
  });

  describe('a broken policy file exits 2 whichever file it is', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(path.join(tmpdir(), 'exit-codes-'));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const runWith = async (knowledgeDir: string, ...argv: string[]) => {
      const err: string[] = [];
      const out: string[] = [];
      const prev = { DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: process.env.LOG_LEVEL, KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR };
      Object.assign(process.env, { DATA_DIR: mkdtempSync(path.join(root, 'data-')), LOG_LEVEL: 'silent', KNOWLEDGE_DIR: knowledgeDir });
      try {
        const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
        return { code, err: err.join('\n'), out: out.join('\n') };
      } finally {
        for (const [k, v] of Object.entries(prev)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    };

    /** A copy of the shipped knowledge folder with one file's line replaced. */
    const brokenCopy = (name: string, file: string, from: RegExp, to: string) => {
      const dir = path.join(root, name);
      cpSync(path.resolve('knowledge'), dir, { recursive: true });
      const target = path.join(dir, file);
      const text = readFileSync(target, 'utf8');
      expect(text).toMatch(from);
      writeFileSync(target, text.replace(from, to));
      return dir;
    };

    it('the shipped files load: schedule next exits 0', async () => {
      const r = await runWith(path.resolve('knowledge'), 'schedule', 'next', '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      // The shipped reminders are disabled placeholders: the plain listing says so instead of printing nothing.
      expect(JSON.parse(r.out)).toEqual([]);
      expect((await runWith(path.resolve('knowledge'), 'schedule', 'next')).out).toMatch(/Nothing is scheduled: no reminder is enabled/);
    });

    it('a reminders.yaml with a bad cron exits 2 and names the file', async () => {
      const dir = brokenCopy('reminders', 'reminders.yaml', /cron: "[^"]+"/, 'cron: "not a cron"');
      const r = await runWith(dir, 'schedule', 'next', '--json');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/reminders/);
    });

    it('a credit policy with a broken value exits 2 as well', async () => {
      const dir = brokenCopy('credit', 'credit-policy.yaml', /^(\s*)([a-zA-Z]+):\s*\d+/m, '$1$2: [unclosed');
      const r = await runWith(dir, 'schedule', 'next', '--json');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/credit-policy\.yaml/);
    });
  });
});

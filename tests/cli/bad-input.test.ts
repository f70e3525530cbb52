import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/commands.js';

/**
 * Adversarial input through the real adapters and the real app: empty, huge, binary,
 * malformed, wrong-platform, forged and replayed requests. The bot answers clearly (or
 * ignores what is not for it), never crashes, never answers one event twice, and keeps
 * message text and secrets out of its info-level logs.
 */

describe('CLI: bad input', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bad-input-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const prev = { DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: process.env.LOG_LEVEL };
    process.env.DATA_DIR = dataDir;
    process.env.LOG_LEVEL = 'silent';
    try {
      const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      for (const [k, v] of Object.entries(prev)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };

  it('search with a binary / control-character query → a normal "nothing relevant" answer, no raw escapes echoed', async () => {
    const r = await run('search', '\u0000\u0001\u001b[31m\u0007\uFFFD\u202E');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Nothing relevant');
    // Echoing the query must not pass terminal control sequences through.
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);

    const json = await run('search', '\u0000\u001b[2J回扣', '--json');
    expect(json.code).toBe(0);
    expect(() => JSON.parse(json.out)).not.toThrow();
  });

  it('ask with empty or blank input → exit 2 and a one-line error on stderr', async () => {
    for (const argv of [['ask'], ['ask', ''], ['ask', '   \n\t']]) {
      const r = await run(...argv);
      expect(r.code, JSON.stringify(argv)).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/missing question/);
    }
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'log-injection-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A pino logger at `level` whose lines land in `lines` (parsed). */
function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}

const contract = readFileSync('tests/fixtures/contracts/d2-amount-kickback.txt', 'utf8');
const origin = { platform: 'slack' as const, userId: 'U1', channelId: 'C1', conversationId: 'T1' };

describe('the logger is injected: features log through the app logger and nowhere else', () => {
  it('a /precheck logs its result line through the logger the app was given', async () => {
    const { log, lines } = capture('info');
    const app = await createApp(loadConfig({ DATA_DIR: path.join(tmp, 'a') }, null), log, { dbFile: ':memory:' });
    try {
      await app.core.handleCommand({ ...origin, name: 'precheck', args: contract });
      expect(lines.some((l) => l.msg === 'precheck done')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('a quiet logger (the interactive console runs at warn) gets no pre-check info lines', async () => {
    const { log, lines } = capture('warn');
    const app = await createApp(loadConfig({ DATA_DIR: path.join(tmp, 'b'), LOG_LEVEL: 'info' }, null), log, { dbFile: ':memory:' });
    try {
      const reply = await app.core.handleCommand({ ...origin, name: 'precheck', args: contract });
      expect(reply?.blocks.length).toBeGreaterThan(0);
      expect(lines.filter((l) => Number(l.level) < 40)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

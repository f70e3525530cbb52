import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The real entry point, as systemd or Docker would start it: stdin is not a terminal. */
const tmp = mkdtempSync(path.join(tmpdir(), 'service-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PLATFORM_VARS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'FEISHU_APP_ID', 'FEISHU_APP_SECRET', 'LOG_LEVEL'];

function start(env: Record<string, string>, args: string[] = [], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !PLATFORM_VARS.includes(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    env: { ...base, DATA_DIR: path.join(tmp, 'data'), PORT: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(stdin);
  const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('npm start as a service', () => {
  it('refuses a half-configured Slack with a non-zero exit naming the missing variable', async () => {
    const r = await start({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET/);
    expect(r.stdout).not.toMatch(/console/i);
  });

  it('names SLACK_BOT_TOKEN when only the signing secret is set', async () => {
    const r = await start({ SLACK_SIGNING_SECRET: 'abc' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN is missing');
  });

  it('refuses a half-configured Feishu the same way', async () => {
    const r = await start({ FEISHU_APP_ID: 'cli_0123456789abcdef' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FEISHU_APP_SECRET is missing');
  });

  it('reports a bad LOG_LEVEL in one line, without a stack trace', async () => {
    const r = await start({ LOG_LEVEL: 'loud' });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^configuration error: LOG_LEVEL: .*"loud"/);
  });

  it('rejects an unknown option', async () => {
    const r = await start({}, ['--consol']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--consol');
  });

  it('runs the console when no platform is configured, and with --console even when one is half set', async () => {
    const plain = await start({ LOG_LEVEL: 'silent' }, [], '/help\n');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('/precheck');
    const forced = await start({ LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-1' }, ['--console'], '/help\n');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('/precheck');
  });
});

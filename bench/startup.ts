/**
 * Start-up times of the shipped (compiled) code, as a user meets them:
 * - bot ready: `node dist/main.js` in Slack HTTP mode against a loopback stand-in for Slack's
 *   `auth.test`, with the handbook index already built, until the "bot ready" log line;
 * - one-shot CLI: `node dist/cli/main.js precheck <contract> --json` until the process exits;
 * each next to the same thing run from the TypeScript sources through tsx (how it ran before).
 * Medians of several runs; the machine is shared, so read ratios rather than single numbers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

export interface StartupResult {
  runs: number;
  /** 1-minute load average before and after (the machine is shared: read the numbers with it). */
  load: [number, number];
  botReadyMs: { compiled: number; tsx: number; npmStart: number };
  precheckMs: { compiled: number; tsx: number };
  emptyFileRejectedMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Just enough of Slack's Web API for the adapter to start: auth.test. */
async function fakeSlackAuth(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url?.includes('auth.test') ? { ok: true, user_id: 'UBENCH', bot_id: 'BBENCH', team_id: 'T1' } : { ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Wall time from spawn until `ready(stderr)` is true (then the process is stopped) or it exits. */
function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, ready?: (stderr: string) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let done = false;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!done && ready?.(stderr)) {
        done = true;
        resolve(performance.now() - started);
        child.kill('SIGTERM');
      }
    });
    child.on('exit', (code) => {
      if (done) return;
      done = true;
      if (ready) reject(new Error(`exited (${code}) before ready: ${stderr.slice(-500)}`));
      else resolve(performance.now() - started);
    });
  });
}

export async function benchStartup(runs = 7): Promise<StartupResult> {
  if (!existsSync('dist/main.js')) execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  const loadBefore = loadavg()[0]!;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
  const slack = await fakeSlackAuth();
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|FEISHU|OPENAI|LLM|EMBEDDINGS)_/.test(k)));
  const env = {
    ...clean,
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'info',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: slack.url,
    SCHEDULER_ENABLED: 'false',
  };
  const ready = (s: string) => s.includes('"bot ready"');
  const tsx = path.resolve('node_modules/.bin/tsx');
  const contract = path.resolve('tests/fixtures/contracts/d2-amount-kickback.txt');
  const empty = path.join(dataDir, 'empty.txt');
  (await import('node:fs')).writeFileSync(empty, '');
  try {
    // The first start builds the index; every measured run loads it.
    await timeProcess(process.execPath, ['dist/main.js'], env, ready);
    const compiled: number[] = [];
    const viaTsx: number[] = [];
    const viaNpm: number[] = [];
    const precheck: number[] = [];
    const precheckTsx: number[] = [];
    const emptyRejected: number[] = [];
    for (let i = 0; i < runs; i++) {
      compiled.push(await timeProcess(process.execPath, ['dist/main.js'], env, ready));
      viaTsx.push(await timeProcess(tsx, ['src/main.ts'], env, ready));
      viaNpm.push(await timeProcess('npm', ['start', '-s'], env, ready));
      precheck.push(await timeProcess(process.execPath, ['dist/cli/main.js', 'precheck', contract, '--json'], env));
      precheckTsx.push(await timeProcess(tsx, ['src/cli/main.ts', 'precheck', contract, '--json'], env));
      emptyRejected.push(await timeProcess(process.execPath, ['dist/cli/main.js', 'precheck', empty, '--json'], env));
    }
    return {
      runs,
      load: [loadBefore, loadavg()[0]!],
      botReadyMs: { compiled: median(compiled), tsx: median(viaTsx), npmStart: median(viaNpm) },
      precheckMs: { compiled: median(precheck), tsx: median(precheckTsx) },
      emptyFileRejectedMs: median(emptyRejected),
    };
  } finally {
    await slack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { Origin, Reply } from '../src/core/types.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { silentLogger as log } from '../src/log/logger.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'app-test-'));
let app: App;
const origin: Origin = { platform: 'slack', userId: 'U1', channelId: 'C1', conversationId: 'T1' };
const textOf = (r: Reply | null) =>
  (r?.blocks ?? [])
    .map((b) => ('text' in b ? b.text : b.type === 'citations' ? b.items.map((c) => `[${c.n}] ${c.title} › ${c.section} ${c.quote}`).join('\n') : ''))
    .join('\n');

beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: path.join(tmp, 'data'), ADMIN_IDS: 'slack:UADMIN', LOG_LEVEL: 'silent' }, null);
  app = await createApp(config, log, { dbFile: ':memory:' });
});
afterAll(async () => {
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Whether the app's database still runs a query (false once it is closed). */
async function databaseAnswers(app: App): Promise<boolean> {
  try {
    await app.db.selectFrom('seen_events').select('id').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}

describe('app lifecycle', () => {
  it('start() starts the scheduler and close() stops every feature before closing the database', async () => {
    const config = loadConfig({ DATA_DIR: path.join(tmp, 'life'), LOG_LEVEL: 'silent' }, null);
    const own = await createApp(config, log, { dbFile: ':memory:' });
    const stopped: string[] = [];
    for (const feature of own.features) {
      const stop = feature.stop?.bind(feature);
      (feature as { stop?: () => unknown }).stop = async () => {
        expect(await databaseAnswers(own), `${feature.name} stops before the database closes`).toBe(true);
        stopped.push(feature.name);
        await stop?.();
      };
    }
    await own.start();
    expect(own.scheduling.scheduler.isRunning).toBe(true);
    await own.close();
    expect(stopped).toEqual(['knowledge', 'documents', 'schedule', 'precheck', 'credit']);
    expect(own.scheduling.scheduler.isRunning).toBe(false);
    expect(await databaseAnswers(own)).toBe(false);
  });
});

describe('the assembled bot', () => {
  it('offers every feature as a command on every platform', () => {
    expect(app.core.listCommands().map((c) => c.name).sort()).toEqual(['ask', 'credit', 'digest', 'help', 'kb', 'precheck', 'remind', 'whoami']);
  });

  it('is a list of features, each registered with the core in one piece', () => {
    expect(app.features.map((f) => f.name)).toEqual(['credit', 'precheck', 'schedule', 'documents', 'knowledge']);
    const registered = new Set(app.core.listCommands().map((c) => c.name));
    for (const feature of app.features) for (const command of feature.commands ?? []) expect(registered.has(command.name), command.name).toBe(true);
  });

  it('answers a handbook question with citations in the script of the question', async () => {
    const simp = await app.core.handleMessage({ ...origin, text: '签合同之前必须做哪些风险控制？' });
    expect(textOf(simp)).toContain('信用评估');
    expect(simp!.blocks.some((b) => b.type === 'citations')).toBe(true);
    const trad = await app.core.handleMessage({ ...origin, conversationId: 'T2', text: '簽合同之前必須做哪些風險控制？' });
    expect(textOf(trad)).toContain('信用評估');
  });

  it('says so when the handbook does not cover a question', async () => {
    const r = await app.core.handleMessage({ ...origin, conversationId: 'T3', text: '周末去哪里爬山比较好？' });
    expect(textOf(r)).toMatch(/没有|不涵盖|合规团队/u);
    expect(r!.blocks.some((b) => b.type === 'citations')).toBe(false);
  });

  it('follows up within a conversation', async () => {
    await app.core.handleMessage({ ...origin, conversationId: 'T4', text: '可以给客户回扣吗？' });
    const r = await app.core.handleMessage({ ...origin, conversationId: 'T4', text: '那违反了会怎样？' });
    expect(textOf(r)).toMatch(/处罚|处分/u);
  });

  it('pre-checks a contract sent as a bare file', async () => {
    const data = readFileSync('tests/fixtures/contracts/d2-amount-kickback.txt');
    const r = await app.core.handleMessage({ ...origin, text: '', files: [{ name: 'contract.txt', size: data.length, data }] });
    expect(textOf(r)).toContain('amount.mismatch');
  });

  it('shows the knowledge base to anyone and reloads it only for admins', async () => {
    expect(textOf(await app.core.handleMessage({ ...origin, text: '/kb' }))).toContain('銷售部管理規章制度修訂版');
    expect(textOf(await app.core.handleMessage({ ...origin, text: '/kb reload' }))).toContain('ADMIN_IDS');
    const before = app.knowledge.status.builtAt;
    const reloaded = await app.core.handleMessage({ ...origin, userId: 'UADMIN', text: '/kb reload' });
    expect(textOf(reloaded)).toContain('Reloaded');
    expect(app.knowledge.status.builtAt >= before).toBe(true);
    expect(app.knowledge.status.rebuilt).toBe(true);
  });
});

describe('configuration', () => {
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' }, null)).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', FEISHU_MODE: 'carrier-pigeon', SCHEDULER_ENABLED: 'maybe' }, null);
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('FEISHU_MODE');
      expect(msg).toContain('SCHEDULER_ENABLED');
    }
  });

  it('shows a bad connection string without the password it carries', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://admin:Hunter2Pass@db.internal/sales' }, null);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('mysql://admin:***@db.internal/sales');
    expect(message).not.toContain('Hunter2Pass');
  });

  it('still echoes a bad value that carries no credentials, so the operator sees the typo', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgress//db.internal/sales' }, null)).toThrow(/got "postgress\/\/db\.internal\/sales"/);
    expect(() => loadConfig({ PORT: 'eighty' }, null)).toThrow(/got "eighty"/);
  });

  it('enables a platform only when its credentials are complete', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }, null).slackEnabled).toBe(false);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, null).slackEnabled).toBe(true);
    expect(loadConfig({ FEISHU_APP_ID: 'cli_1' }, null).feishuEnabled).toBe(false);
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }, null).llmEnabled).toBe(false);
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', LLM_MODEL: 'qwen2.5' }, null).llmEnabled).toBe(true);
  });
});

function runMain(input: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm start without a chat platform', () => {
  it('answers lines from stdin in console mode and exits at end of input', async () => {
    const r = await runMain('可以给客户回扣吗？\n/help\n', { DATA_DIR: path.join(tmp, 'console'), PORT: '0', LOG_LEVEL: 'warn' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('回扣');
    expect(r.stdout).toMatch(/\[1\] .+ › /u);
    expect(r.stdout).toContain('/precheck');
  }, 60_000);

  it('refuses an invalid configuration with a message naming the variable, exit code 2', async () => {
    const r = await runMain('', { DATA_DIR: path.join(tmp, 'bad'), PORT: 'not-a-port' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT');
  }, 60_000);
});

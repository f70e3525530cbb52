import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { freePort, REPO, serviceReady, spawnService, until, type ServiceProcess } from '../helpers/service-process.js';

/**
 * Issue 15, scheduled posts: the whole bot is killed with SIGKILL while a case digest waits on
 * the model for its summary (the run is claimed, nothing sent yet). The restarted bot resumes that
 * fire time once its lease has run out and posts it once, instead of losing it.
 */

const TOKEN = 'xoxb-schedule-kill';

interface Run {
  schedule_id: string;
  fire_time: string;
  status: string;
  sent_at: string | null;
  attempts: number;
}

describe('a digest interrupted while the model is writing its summary', () => {
  const dirs: string[] = [];
  const services: ServiceProcess[] = [];
  let slack: FakeSlack;
  let llm: FakeOpenAI;

  afterAll(async () => {
    for (const s of services) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    await slack?.stop();
    await llm?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('is resumed after a kill -9 and posted once for its fire time', async () => {
    slack = await new FakeSlack(TOKEN).start();
    // The first process's summary request hangs (it is killed while waiting); later ones answer.
    let hang = true;
    llm = await startFakeOpenAI(() => (hang ? { content: '迟到的摘要', delayMs: 600_000 } : { content: '本案提醒：不得向客户经办人支付任何形式的好处费。' }));
    const knowledgeDir = mkdtempSync(path.join(tmpdir(), 'kill-knowledge-'));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kill-data-'));
    dirs.push(knowledgeDir, dataDir);
    cpSync(path.join(REPO, 'knowledge'), knowledgeDir, { recursive: true });
    writeFileSync(
      path.join(knowledgeDir, 'reminders.yaml'),
      ['reminders:', '  - id: minute-digest', "    cron: '* * * * *'", '    target: { platform: slack, channel: CDIGEST }', '    content: { digest: { count: 1 } }', ''].join('\n'),
    );
    const env = {
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: knowledgeDir,
      PROMPTS_DIR: path.join(REPO, 'prompts'),
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: 'schedule-kill-secret',
      SLACK_API_URL: slack.apiUrl,
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_API_KEY: 'sk-fake',
      LLM_MODEL: 'fake-model',
      LLM_TIMEOUT_MS: '600000',
      SCHEDULER_ENABLED: 'true',
      SCHEDULE_LEASE_SECONDS: '3',
    };
    const first = spawnService(env, await freePort());
    services.push(first);
    await serviceReady(first, ['slack']);
    // The next minute's digest asks the model for a summary, which hangs: kill the bot there.
    await until(() => llm.requests.find((r) => JSON.stringify(r.messages).length > 0), 90_000, 'the digest to ask the model');
    first.child.kill('SIGKILL');
    await first.exited;

    const db = new Database(path.join(dataDir, 'assistant.db'), { readonly: true });
    const runsNow = () => db.prepare('SELECT schedule_id, fire_time, status, sent_at, attempts FROM schedule_runs ORDER BY fire_time').all() as Run[];
    const [interrupted] = runsNow();
    expect(interrupted).toMatchObject({ schedule_id: 'minute-digest', status: 'posting', sent_at: null });
    expect(slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CDIGEST')).toHaveLength(0);

    hang = false;
    const second = spawnService(env, await freePort());
    services.push(second);
    await serviceReady(second, ['slack']);
    const resumed = await until(() => runsNow().find((r) => r.fire_time === interrupted!.fire_time && r.status === 'posted'), 60_000, 'the interrupted fire time to be posted');
    expect(resumed.attempts).toBe(2);
    // Every run that sent a post did so once; the interrupted fire time is among them.
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CDIGEST');
    const sent = runsNow().filter((r) => r.sent_at !== null);
    expect(posts).toHaveLength(sent.length);
    expect(new Set(sent.map((r) => r.fire_time)).size).toBe(sent.length);
    expect(JSON.stringify(posts[0]!.params.blocks)).toContain('不得向客户经办人支付任何形式的好处费');
    db.close();
  }, 240_000);
});

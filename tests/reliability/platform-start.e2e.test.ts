import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { BotMetrics } from '../../src/ops/metrics.js';
import { startService, type RunningService } from '../../src/service.js';
import { commandBody, FakeSlack, FORM, sendSigned } from '../helpers/fake-slack.js';

/**
 * Issue 15, Slack at start-up: `auth.test` answering 503 used to disable Slack until a restart
 * while /healthz said ok. The start is retried with backoff; meanwhile /healthz reports Slack down.
 */

const TOKEN = 'xoxb-start-retry';
const SECRET = 'start-retry-signing-secret';
const tmp = mkdtempSync(path.join(tmpdir(), 'platform-start-'));
let fake: FakeSlack;
let app: App;
let service: RunningService;

afterAll(async () => {
  await service?.stop();
  await app?.close();
  await fake?.stop().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  fake = await new FakeSlack(TOKEN).start();
  const config = loadConfig(
    { DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'silent', PORT: '0', SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, HEALTH_PROBE_TTL_MS: '0', SCHEDULER_ENABLED: 'false', ...env },
    null,
  );
  app = await createApp(config, log, { dbFile: ':memory:' });
  return config;
}

describe('Slack auth.test failing at start', () => {
  it('503s: the service starts, /healthz says Slack is down and retrying, then Slack comes up and answers', async () => {
    await start({});
    for (let i = 0; i < 5; i++) fake.failNext('auth.test', { status: 503, body: { ok: false, error: 'service_unavailable' } });
    service = await startService(app, new BotMetrics(), log);
    const base = `http://127.0.0.1:${service.port}`;
    const down = (await (await fetch(`${base}/healthz`)).json()) as any;
    expect(down.ok).toBe(false);
    expect(down.parts.slack.detail).toMatch(/not started.*retry/);

    const deadline = Date.now() + 40_000;
    let health: any = down;
    while (Date.now() < deadline) {
      health = await (await fetch(`${base}/healthz`)).json();
      if (health.parts.slack.ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(health.parts.slack.ok).toBe(true);
    const responseUrl = fake.responseUrl();
    const res = await sendSigned(`${base}/slack/events`, commandBody({ command: '/help', response_url: responseUrl }), FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    await fake.waitFor(() => fake.responsesTo(responseUrl.split('/').pop()!)[0]);
  }, 60_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { silentLogger as log } from '../src/log/logger.js';
import { BotMetrics } from '../src/ops/metrics.js';
import { startService, type RunningService } from '../src/service.js';
import { commandBody, FakeSlack, FORM, sendSigned } from './helpers/fake-slack.js';

const SECRET = 'health-test-signing-secret';
const TOKEN = 'xoxb-test-token';
const tmp = mkdtempSync(path.join(tmpdir(), 'health-'));
let fake: FakeSlack;
let app: App;
let metrics: BotMetrics;
let service: RunningService;
let base: string;

beforeAll(async () => {
  fake = await new FakeSlack(TOKEN).start();
  const config = loadConfig(
    {
      DATA_DIR: path.join(tmp, 'data'),
      LOG_LEVEL: 'silent',
      PORT: '0',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      HEALTH_PROBE_TTL_MS: '0',
      SCHEDULER_ENABLED: 'false',
    },
    null,
  );
  metrics = new BotMetrics();
  app = await createApp(config, log, { dbFile: ':memory:', metrics });
  service = await startService(app, metrics, log);
  base = `http://127.0.0.1:${service.port}`;
});
afterAll(async () => {
  await service?.stop();
  await app?.close();
  await fake?.stop().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
});

const metricValue = (text: string, line: RegExp) => Number(text.split('\n').find((l) => line.test(l))?.split(' ').pop() ?? NaN);

describe('/healthz and /metrics', () => {
  it('answers a question through Slack and counts it in /metrics', async () => {
    const before = await (await fetch(`${base}/metrics`)).text();
    expect(metricValue(before, /^compliance_questions_total\{answered="true"/)).toBeNaN();
    const r = await sendSigned(
      `${base}/slack/events`,
      commandBody({ command: '/ask', text: '可以给客户回扣吗？', response_url: fake.responseUrl() }),
      FORM,
      { secret: SECRET },
    );
    expect(r.status).toBe(200);
    // The answer goes to the response_url after the ack; wait for it.
    for (let i = 0; i < 100 && fake.responses.length === 0; i++) await new Promise((res) => setTimeout(res, 50));
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(metricValue(text, /^compliance_questions_total\{answered="true",mode="extractive"\}/)).toBe(1);
    expect(metricValue(text, /^compliance_answer_seconds_count\{mode="extractive"\}/)).toBe(1);
    expect(metricValue(text, /^compliance_ack_seconds_count\{route="\/slack\/events"\}/)).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, /^compliance_answered_ratio /)).toBe(1);
    expect(text).toContain('compliance_queue_depth 0');
    expect(text).toContain('# TYPE compliance_platform_api_errors_total counter');
    expect(text).toMatch(/^compliance_process_resident_memory_bytes \d/m);
    expect(text).not.toContain('process_process');
  });

  it('counts pre-checks by verdict', async () => {
    await app.core.handleMessage({ platform: 'slack', userId: 'U1', channelId: 'C1', conversationId: 'P1', text: '/precheck 甲方：甲公司 乙方：乙公司 合同金额：人民币十万元（¥100,000）' });
    const text = await (await fetch(`${base}/metrics`)).text();
    const verdicts = text.split('\n').filter((l) => l.startsWith('compliance_prechecks_total{'));
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatch(/verdict="(block|review|pass)"\} 1$/);
  });

  it('counts a failed Slack Web API call by method', async () => {
    fake.failNext('chat.postMessage', { body: { ok: false, error: 'channel_not_found' } });
    fake.failNext('chat.postMessage', { body: { ok: false, error: 'channel_not_found' } });
    const ts = '1700000900.000100';
    await sendSigned(
      `${base}/slack/events`,
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T0001',
        api_app_id: 'A0001',
        event_id: 'EvApiErr1',
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'app_mention', user: 'U0001', text: '<@UBOT0001> 可以给客户回扣吗？', ts, channel: 'C0001', event_ts: ts },
      }),
      'application/json',
      { secret: SECRET },
    );
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = await (await fetch(`${base}/metrics`)).text();
      if (/compliance_platform_api_errors_total\{platform="slack",method="chat.postMessage"\} [1-9]/.test(text)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(metricValue(text, /^compliance_platform_api_errors_total\{platform="slack",method="chat.postMessage"\}/)).toBeGreaterThanOrEqual(1);
  });

  it('reports every part, and turns 503 naming Slack when the fake Slack stops answering', async () => {
    const up = await fetch(`${base}/healthz`);
    expect(up.status).toBe(200);
    const body = (await up.json()) as { ok: boolean; parts: Record<string, { ok: boolean; [k: string]: unknown }> };
    expect(body.ok).toBe(true);
    expect(Object.keys(body.parts).sort()).toEqual(['credit_outbox', 'database', 'index', 'scheduler', 'slack']);
    expect(body.parts.index).toMatchObject({ ok: true, chunks: expect.any(Number), ageSeconds: expect.any(Number) });
    expect(body.parts.slack).toMatchObject({ ok: true, mode: 'http' });

    await fake.stop();
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    const downBody = (await down.json()) as typeof body;
    expect(downBody.parts.slack.ok).toBe(false);
    expect(downBody.parts.database.ok).toBe(true);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { BotMetrics } from '../../src/ops/metrics.js';
import { startService, type RunningService } from '../../src/service.js';
import { FakeSlack } from '../helpers/fake-slack.js';

/**
 * Issue 15: `/healthz` reports the credit outbox: how old the oldest undelivered message is, how
 * many are being retried, how many were given up lately; down when one waits too long or was
 * given up.
 */

const TOKEN = 'xoxb-outbox-health';
const tmp = mkdtempSync(path.join(tmpdir(), 'outbox-health-'));
let fake: FakeSlack;
let app: App;
let service: RunningService;
let base: string;

beforeAll(async () => {
  fake = await new FakeSlack(TOKEN).start();
  const config = loadConfig(
    { DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'silent', PORT: '0', SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: 'outbox-health-secret', SLACK_API_URL: fake.apiUrl, HEALTH_PROBE_TTL_MS: '0', SCHEDULER_ENABLED: 'false' },
    null,
  );
  app = await createApp(config, log, { dbFile: ':memory:' });
  service = await startService(app, new BotMetrics(), log);
  base = `http://127.0.0.1:${service.port}`;
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await app?.close();
  await fake?.stop().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
});

async function outboxPart(): Promise<{ status: number; part: Record<string, unknown> }> {
  const res = await fetch(`${base}/healthz`);
  const body = (await res.json()) as { parts: Record<string, Record<string, unknown>> };
  return { status: res.status, part: body.parts.credit_outbox! };
}

/** A row another (dead) replica holds: not due for an hour, so this process leaves it alone. */
async function heldRow(createdAgoMs: number, status: 'pending' | 'failed' = 'pending', attempts = 0): Promise<void> {
  const now = Date.now();
  await app.db
    .insertInto('outbox')
    .values({
      ref: 'CR-HEALTH',
      message_json: JSON.stringify({ ref: 'CR-HEALTH', kind: 'applicant_update', person: { platform: 'slack', userId: 'UREP' }, reply: { blocks: [], fallbackText: 'x' } }),
      status,
      attempts,
      next_attempt_at: status === 'failed' ? now : now + 3600_000,
      last_error: attempts ? 'platform down' : null,
      created_at: now - createdAgoMs,
    })
    .execute();
}

describe('/healthz reports the credit outbox', () => {
  it('nothing owed, then a message waiting two minutes and being retried: up, with its age and failing (negative for down)', async () => {
    expect(await outboxPart()).toMatchObject({ status: 200, part: { ok: true, undelivered: 0, oldestUndeliveredSeconds: null, failing: false } });
    await heldRow(2 * 60_000, 'pending', 1);
    const { status, part } = await outboxPart();
    expect(status).toBe(200);
    expect(part).toMatchObject({ ok: true, undelivered: 1, retrying: 1, failing: true });
    expect(part.oldestUndeliveredSeconds).toBeGreaterThanOrEqual(119);
  });

  it('a message undelivered for 20 minutes, or one given up today, makes the outbox (and /healthz) down', async () => {
    await app.db.deleteFrom('outbox').execute();
    await heldRow(20 * 60_000);
    let r = await outboxPart();
    expect(r.status).toBe(503);
    expect(r.part).toMatchObject({ ok: false, undelivered: 1 });
    expect(String(r.part.detail)).toMatch(/waited \d+ s/);

    await app.db.deleteFrom('outbox').execute();
    await heldRow(60_000, 'failed', 12);
    r = await outboxPart();
    expect(r.status).toBe(503);
    expect(r.part).toMatchObject({ ok: false, gaveUpLastDay: 1, failing: true });
  });
});

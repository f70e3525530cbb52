import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger as log } from '../../../src/log/logger.js';
import { createSlackAdapter } from '../../../src/platforms/slack/adapter.js';
import { slackProbe } from '../../../src/platforms/slack/health.js';
import { createTestCore } from '../../helpers/core.js';
import { FakeSlack } from '../../helpers/fake-slack.js';

const TOKEN = 'xoxb-test-token';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('waitUntil: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Slack health', () => {
  it('the probe passes with the right token, and says why otherwise', async () => {
    const fake = await new FakeSlack(TOKEN).start();
    cleanups.push(() => fake.stop());
    expect(await slackProbe({ SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl })()).toEqual({ ok: true, mode: 'http' });
    const wrong = await slackProbe({ SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_API_URL: fake.apiUrl, SLACK_APP_TOKEN: 'xapp-1' })();
    expect(wrong).toEqual({ ok: false, mode: 'socket', detail: 'auth.test: invalid_auth' });
  });

  it('Socket Mode reports the WebSocket up after hello, and down once it is closed', async () => {
    const fake = await new FakeSlack(TOKEN).start();
    fake.enableSocketMode();
    cleanups.push(() => fake.stop());
    const adapter = createSlackAdapter({
      config: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: fake.apiUrl, PORT: 0 },
      core: (await createTestCore()).core,
      log,
      retry: { retries: 0, minTimeoutMs: 10, maxTimeoutMs: 10 },
    });
    expect(adapter.connection()).toMatchObject({ connected: false });
    await adapter.start();
    await waitUntil(() => adapter.connection()?.connected === true);
    expect(fake.socketConnections).toBe(1);
    await adapter.stop();
    expect(adapter.connection()).toMatchObject({ connected: false, detail: expect.stringMatching(/stopped|disconnected/) });
  });

  it('HTTP mode has no connection to report', async () => {
    const adapter = createSlackAdapter({
      config: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: undefined, SLACK_API_URL: undefined, PORT: 0 },
      core: (await createTestCore()).core,
      log,
    });
    expect(adapter.connection()).toBeNull();
  });
});

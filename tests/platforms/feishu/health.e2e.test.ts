import { afterEach, describe, expect, it } from 'vitest';
import { EventDeduper } from '../../../src/core/dedupe.js';
import { silentLogger as silentLog } from '../../../src/log/logger.js';
import { createFeishuAdapter } from '../../../src/platforms/feishu/adapter.js';
import { feishuProbe } from '../../../src/platforms/feishu/health.js';
import { createTestCore } from '../../helpers/core.js';
import { FAKE_APP_ID, FAKE_APP_SECRET, FakeFeishu, waitFor } from '../../helpers/fake-feishu.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fakeFeishu() {
  const fake = new FakeFeishu();
  const base = await fake.start();
  cleanups.push(() => fake.stop());
  return { fake, base };
}

describe('Feishu health', () => {
  it('the probe passes with valid credentials and names the error otherwise', async () => {
    const { base } = await fakeFeishu();
    const ok = await feishuProbe({ FEISHU_APP_ID: FAKE_APP_ID, FEISHU_APP_SECRET: FAKE_APP_SECRET, FEISHU_DOMAIN: base, FEISHU_MODE: 'ws' })();
    expect(ok).toEqual({ ok: true, mode: 'ws' });
    const bad = await feishuProbe({ FEISHU_APP_ID: FAKE_APP_ID, FEISHU_APP_SECRET: 'wrong', FEISHU_DOMAIN: base, FEISHU_MODE: 'ws' })();
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(/code 10014/);
  });

  it('the long connection reports itself down when the gateway drops it', async () => {
    const { fake, base } = await fakeFeishu();
    const ctx = await createTestCore();
    const adapter = createFeishuAdapter({
      config: { FEISHU_APP_ID: FAKE_APP_ID, FEISHU_APP_SECRET: FAKE_APP_SECRET, FEISHU_DOMAIN: base, FEISHU_MODE: 'ws', FEISHU_ENCRYPT_KEY: undefined, FEISHU_VERIFICATION_TOKEN: undefined },
      core: ctx.core,
      log: silentLog,
      dedupe: new EventDeduper(ctx.db),
      tuning: { retry: { baseDelayMs: 5 } },
    });
    cleanups.push(() => adapter.stop());
    expect(adapter.connection()).toMatchObject({ connected: false });
    await adapter.start();
    await waitFor(() => fake.wsConnections === 1);
    await waitFor(() => adapter.connection()?.connected === true);
    fake.dropConnections();
    await waitFor(() => adapter.connection()?.connected === false);
    expect(adapter.connection()?.detail).toMatch(/reconnecting|failed/);
  });
});

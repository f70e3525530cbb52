import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger as log } from '../../../src/log/logger.js';
import { FeishuApi } from '../../../src/platforms/feishu/api.js';
import { FAKE_APP_ID, FAKE_APP_SECRET, FakeFeishu } from '../../helpers/fake-feishu.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function api() {
  const fake = new FakeFeishu();
  const base = await fake.start();
  cleanups.push(() => fake.stop());
  const failed: string[] = [];
  const client = new FeishuApi({ appId: FAKE_APP_ID, appSecret: FAKE_APP_SECRET, domain: base, log, retry: { attempts: 1 }, onError: (l) => failed.push(l) });
  return { fake, client, failed };
}

describe('Feishu API error counting', () => {
  it('reports a call that finally failed, by label', async () => {
    const { fake, client, failed } = await api();
    fake.failNext(/\/im\/v1\/messages\/om_1\/reply/, 1, 400, { code: 230002, msg: 'bot not in chat' });
    await expect(client.replyText('om_1', 'hi', false)).rejects.toThrow();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/reply/);
  });

  it('reports nothing for calls that succeed', async () => {
    const { client, failed } = await api();
    await client.replyText('om_2', 'hi', false);
    expect(failed).toEqual([]);
  });
});

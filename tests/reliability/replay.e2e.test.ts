import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelope, postWebhook, textMessageEvent } from '../helpers/fake-feishu.js';
import { ENCRYPT_KEY, startFeishuApp, VERIFY_TOKEN, type FeishuAppHarness } from '../helpers/feishu-app-harness.js';

/**
 * Issue 15, replayed and stale Feishu webhooks: a request signed long ago (a captured request
 * sent again) is refused as Slack's are, and an old event re-signed after the dedupe window has
 * forgotten its id is refused too, so neither is answered a second time.
 */

describe('Feishu webhook: stale and replayed requests', () => {
  let h: FeishuAppHarness;
  beforeAll(async () => {
    h = await startFeishuApp();
  });
  afterAll(async () => h?.close());

  const question = (id: string) => textMessageEvent({ text: '可以收客户回扣吗？', messageId: id });

  it('a request signed three days ago is refused and not answered', async () => {
    const env = eventEnvelope('im.message.receive_v1', question('om_replay_old'), { token: VERIFY_TOKEN, createdMs: Date.now() - 3 * 86400_000 });
    const res = await postWebhook(h.eventsUrl, env, { encryptKey: ENCRYPT_KEY, timestampSeconds: Math.floor(Date.now() / 1000) - 3 * 86400 });
    expect(res.status).toBe(401);
    await h.adapter.idle();
    expect(h.replies()).toHaveLength(0);
  });

  it('a request from the future beyond the clock skew is refused', async () => {
    const env = eventEnvelope('im.message.receive_v1', question('om_replay_future'), { token: VERIFY_TOKEN });
    const res = await postWebhook(h.eventsUrl, env, { encryptKey: ENCRYPT_KEY, timestampSeconds: Math.floor(Date.now() / 1000) + 600 });
    expect(res.status).toBe(401);
  });

  it('an event created 25 h ago, freshly signed (after the dedupe window), is refused', async () => {
    const env = eventEnvelope('im.message.receive_v1', question('om_replay_window'), { token: VERIFY_TOKEN, createdMs: Date.now() - 25 * 3600_000 });
    const res = await postWebhook(h.eventsUrl, env, { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(401);
    await h.adapter.idle();
    expect(h.replies()).toHaveLength(0);
  });

  it('a request signed a minute ago (normal delivery delay) is answered once, its replay not again', async () => {
    const env = eventEnvelope('im.message.receive_v1', question('om_fresh_1'), { token: VERIFY_TOKEN, createdMs: Date.now() - 60_000 });
    const first = await postWebhook(h.eventsUrl, env, { encryptKey: ENCRYPT_KEY, timestampSeconds: Math.floor(Date.now() / 1000) - 60 });
    expect(first.status).toBe(200);
    await h.adapter.idle();
    expect(h.replies()).toHaveLength(1);
    const again = await postWebhook(h.eventsUrl, env, { encryptKey: ENCRYPT_KEY });
    expect(again.status).toBe(200);
    await h.adapter.idle();
    expect(h.replies()).toHaveLength(1);
  });
});

import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { Answerer } from '../../src/answer/types.js';
import { silentLogger as silentLog } from '../../src/log/logger.js';
import { createFeishuAdapter, type FeishuAdapter, type FeishuConfig, type FeishuTuning } from '../../src/platforms/feishu/index.js';
import { HttpServer } from '../../src/server/http.js';
import { openTestDb } from './storage.js';
import type { Db } from '../../src/storage/database.js';
import { createTestCore, ScriptedAnswerer } from './core.js';
import { eventEnvelope, FAKE_APP_ID, FAKE_APP_SECRET, FAKE_BOT_OPEN_ID, FakeFeishu, postWebhook, type SentMessage } from './fake-feishu.js';

export const ENCRYPT_KEY = 'enc-key-for-tests-0001';
export const VERIFY_TOKEN = 'verify-token-0001';
export const vectors = JSON.parse(readFileSync(new URL('../fixtures/platform-vectors.json', import.meta.url), 'utf8'));

export const botMention = { key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: '合规助手' };

export function cardText(card: any): string {
  return JSON.stringify(card);
}

/** Every button value in a card (plain buttons and form submits). */
export function buttonValues(card: any): any[] {
  const out: any[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (node.tag === 'button') for (const b of node.behaviors ?? []) if (b.type === 'callback') out.push(b.value);
    for (const v of Object.values(node)) walk(v);
  };
  walk(card);
  return out;
}

export interface Harness {
  fake: FakeFeishu;
  server: HttpServer;
  url: string;
  adapter: FeishuAdapter;
  ctx: Awaited<ReturnType<typeof createTestCore>>;
  answerer: ScriptedAnswerer;
  send(event: unknown, opts?: { eventId?: string; type?: string; token?: string }): Promise<{ status: number; json: any }>;
  replies(): SentMessage[];
  /** Stops the adapter, its HTTP server and the fake open API. */
  close(): Promise<void>;
}

export async function setup(
  opts: { tuning?: Partial<FeishuTuning>; answerer?: Answerer; log?: pino.Logger; db?: Db } = {},
): Promise<Harness> {
  const fake = new FakeFeishu();
  const base = await fake.start();
  const answerer = (opts.answerer ?? new ScriptedAnswerer()) as ScriptedAnswerer;
  const ctx = await createTestCore(opts.db ?? await openTestDb(':memory:'), answerer);
  const server = new HttpServer();
  const port = await server.listen(0, '127.0.0.1');
  const config: FeishuConfig = {
    FEISHU_APP_ID: FAKE_APP_ID,
    FEISHU_APP_SECRET: FAKE_APP_SECRET,
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: VERIFY_TOKEN,
    FEISHU_DOMAIN: base,
    FEISHU_MODE: 'webhook',
  };
  const adapter = createFeishuAdapter({
    config,
    core: ctx.core,
    server,
    log: opts.log ?? silentLog,
    dedupe: ctx.dedupe,
    tuning: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, progressDelayMs: 5_000, ...opts.tuning },
  });
  await adapter.start();
  const url = `http://127.0.0.1:${port}/feishu/events`;
  return {
    fake,
    server,
    url,
    adapter,
    ctx,
    answerer,
    async close() {
      await adapter.stop();
      await server.close();
      await fake.stop();
    },
    async send(event, o = {}) {
      const env = eventEnvelope(o.type ?? 'im.message.receive_v1', event, { eventId: o.eventId, token: o.token ?? VERIFY_TOKEN });
      const res = await postWebhook(url, env, { encryptKey: ENCRYPT_KEY });
      await adapter.idle();
      return res;
    },
    replies: () => fake.messages.filter((m) => m.kind === 'reply'),
  };
}

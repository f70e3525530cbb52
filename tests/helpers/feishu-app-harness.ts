import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger as silentLog } from '../../src/log/logger.js';
import { createFeishuAdapter, type FeishuAdapter } from '../../src/platforms/feishu/index.js';
import { HttpServer } from '../../src/server/http.js';
import { enabledRemindersFile } from './reminders.js';
import {
  eventEnvelope,
  FAKE_APP_ID,
  FAKE_APP_SECRET,
  FAKE_BOT_OPEN_ID,
  FakeFeishu,
  postWebhook,
  type SentMessage,
} from './fake-feishu.js';

/**
 * The real application (createApp: real knowledge base, answerer, /precheck, /credit,
 * scheduling) behind the real Feishu adapter in webhook mode, wired the way main.ts does it,
 * talking to the local FakeFeishu open API. Events and card callbacks are encrypted and
 * signed as Feishu sends them.
 */

export const ENCRYPT_KEY = 'features-enc-key-0001';
export const VERIFY_TOKEN = 'features-verify-token-0001';
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `@bot` mention for group messages (`@_user_1` in the text). */
export const BOT_MENTION = { key: '@_user_1', openId: FAKE_BOT_OPEN_ID, name: '合规助手' };

export interface FeishuAppHarness {
  app: App;
  fake: FakeFeishu;
  server: HttpServer;
  adapter: FeishuAdapter;
  eventsUrl: string;
  cardUrl: string;
  /** Posts an `im.message.receive_v1` event and waits until the adapter has answered it. */
  send(event: unknown, opts?: { eventId?: string }): Promise<{ status: number; json: any }>;
  /** Posts a `card.action.trigger` callback to `/feishu/card`; resolves with the callback response. */
  cardAction(a: {
    operator: string;
    value: unknown;
    formValue?: Record<string, unknown>;
    chatId?: string;
    messageId?: string;
    eventId?: string;
  }): Promise<{ status: number; json: any }>;
  /** Messages the bot sent as replies. */
  replies(): SentMessage[];
  /** Messages the bot created (`im.v1.message.create`) for a receive id. */
  created(receiveId?: string): SentMessage[];
  /** receive_id_type of each `im.v1.message.create` call, with its receive id. */
  createCalls(): { type: string; id: string }[];
  close(): Promise<void>;
}

export async function startFeishuApp(
  opts: { env?: Record<string, string>; now?: () => number; log?: Logger; progressDelayMs?: number } = {},
): Promise<FeishuAppHarness> {
  const fake = new FakeFeishu();
  const base = await fake.start();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'feishu-features-'));
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: path.join(REPO_ROOT, 'knowledge'),
      REMINDERS_FILE: enabledRemindersFile(dataDir),
      PROMPTS_DIR: path.join(REPO_ROOT, 'prompts'),
      LOG_LEVEL: 'silent',
      // The fake open API only issues tokens to its own app id and secret.
      FEISHU_APP_ID: FAKE_APP_ID,
      FEISHU_APP_SECRET: FAKE_APP_SECRET,
      FEISHU_MODE: 'webhook',
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: VERIFY_TOKEN,
      FEISHU_DOMAIN: base,
      CREDIT_ROLE_SALES_MANAGER: 'feishu:ou_mgr',
      CREDIT_ROLE_FINANCE: 'feishu:ou_fin',
      CREDIT_ROLE_FINANCE_DIRECTOR: 'feishu:ou_dir',
      CREDIT_ROLE_GENERAL_MANAGER: 'feishu:ou_gm',
      CREDIT_APPROVAL_CHANNEL: 'feishu:oc_fin',
      ADMIN_IDS: 'feishu:ou_admin',
      CHANNEL_ADMIN_IDS: 'feishu:ou_admin',
      PORT: '0',
      ...opts.env,
    },
    null,
  );
  const log = opts.log ?? silentLog;
  const app = await createApp(config, log, { dbFile: ':memory:', ...(opts.now ? { now: opts.now } : {}) });
  // As in main.ts: one HttpServer, the adapter mounted on it, the core's deduper shared.
  const server = new HttpServer();
  const adapter = createFeishuAdapter({
    config,
    core: app.core,
    server,
    log,
    dedupe: app.dedupe,
    tuning: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, progressDelayMs: opts.progressDelayMs ?? 10_000 },
  });
  await adapter.start();
  const port = await server.listen(config.PORT, '127.0.0.1');
  const eventsUrl = `http://127.0.0.1:${port}/feishu/events`;
  const cardUrl = `http://127.0.0.1:${port}/feishu/card`;

  return {
    app,
    fake,
    server,
    adapter,
    eventsUrl,
    cardUrl,
    async send(event, o = {}) {
      const env = eventEnvelope('im.message.receive_v1', event, { eventId: o.eventId, token: VERIFY_TOKEN });
      const res = await postWebhook(eventsUrl, env, { encryptKey: ENCRYPT_KEY });
      await adapter.idle();
      return res;
    },
    async cardAction(a) {
      const event = {
        operator: { open_id: a.operator },
        token: 'c-token',
        action: { tag: 'button', value: a.value, ...(a.formValue ? { form_value: a.formValue } : {}) },
        context: { open_chat_id: a.chatId ?? 'oc_p2p_1', open_message_id: a.messageId ?? 'om_card' },
      };
      const env = eventEnvelope('card.action.trigger', event, { eventId: a.eventId, token: VERIFY_TOKEN });
      const res = await postWebhook(cardUrl, env, { encryptKey: ENCRYPT_KEY });
      await adapter.idle();
      return res;
    },
    replies: () => fake.messages.filter((m) => m.kind === 'reply'),
    created: (receiveId) => fake.messages.filter((m) => m.kind === 'create' && (receiveId === undefined || m.target === receiveId)),
    createCalls: () =>
      fake.callsTo(/^POST \/open-apis\/im\/v1\/messages$/).map((c) => ({ type: String(c.query.receive_id_type), id: String(c.body?.receive_id) })),
    async close() {
      await adapter.stop();
      await server.close();
      await app.close();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
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

/** The visible text of a card: header title and every markdown / plain-text content, in order. */
export function cardText(card: any): string {
  const out: string[] = [];
  if (card?.header?.title?.content) out.push(card.header.title.content);
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node.tag === 'markdown' && typeof node.content === 'string') out.push(node.content);
    if (node.tag === 'plain_text' && typeof node.content === 'string') out.push(node.content);
    for (const [k, v] of Object.entries(node)) if (k !== 'header' && k !== 'config') walk(v);
  };
  walk(card?.body);
  return out.join('\n');
}

/** Whether a card holds a form container (a Feishu card form). */
export function hasForm(card: any): boolean {
  return JSON.stringify(card?.body ?? {}).includes('"tag":"form"');
}

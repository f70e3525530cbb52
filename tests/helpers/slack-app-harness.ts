import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/platforms/slack/adapter.js';
import { HttpServer } from '../../src/server/http.js';
import { commandBody, FakeSlack, FORM, interactionBody, sendSigned, type FakeResponse } from './fake-slack.js';
import { enabledRemindersFile } from './reminders.js';

/**
 * The real composition root (createApp: real knowledge base, answerer, credit, precheck and
 * scheduling) behind the real Slack adapter in HTTP mode, talking to a FakeSlack on 127.0.0.1.
 * Requests to the bot are signed exactly as Slack signs them.
 */

export const APP_SECRET = 'e2e-features-signing-secret-42';
export const APP_TOKEN = 'xoxb-test';

export interface SlackAppHarness {
  app: App;
  fake: FakeSlack;
  adapter: SlackAdapter;
  /** The bot's HTTP server (the adapter is mounted on it). */
  server: HttpServer;
  url: string;
  send(body: string, type: string): ReturnType<typeof sendSigned>;
  /** Runs a slash command; resolves with the first `count` response_url posts. */
  command(p: { command: string; text?: string; user?: string; channel?: string; triggerId?: string; count?: number }): Promise<{
    status: number;
    responses: FakeResponse[];
    responseUrl: string;
    id: string;
  }>;
  /** A block_actions press on a message (channel message unless `ephemeral`). */
  press(p: {
    user: string;
    channel: string;
    actionId: string;
    value: string;
    messageTs?: string;
    ephemeral?: boolean;
    responseUrl?: string;
    triggerId?: string;
  }): ReturnType<typeof sendSigned>;
  /** A view_submission of `view` (as passed to views.open) with `state.values`. */
  submitView(user: string, view: Record<string, any>, values: Record<string, Record<string, unknown>>): ReturnType<typeof sendSigned>;
  close(): Promise<void>;
}

let actionSeq = 0;

export async function startSlackApp(env: Record<string, string> = {}, logger?: Logger, appOptions: Omit<AppOptions, 'dbFile'> = {}): Promise<SlackAppHarness> {
  const fake = await new FakeSlack(APP_TOKEN).start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'slack-features-'));
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: path.resolve('knowledge'),
      REMINDERS_FILE: enabledRemindersFile(dataDir),
      PROMPTS_DIR: path.resolve('prompts'),
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: APP_TOKEN,
      SLACK_SIGNING_SECRET: APP_SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      CREDIT_APPROVAL_CHANNEL: 'slack:CFIN',
      CREDIT_ROLE_SALES_MANAGER: 'slack:UMGR',
      CREDIT_ROLE_FINANCE: 'slack:UFIN',
      CREDIT_ROLE_FINANCE_DIRECTOR: 'slack:UDIR',
      CREDIT_ROLE_GENERAL_MANAGER: 'slack:UGM',
      ADMIN_IDS: 'slack:UADMIN',
      CHANNEL_ADMIN_IDS: 'slack:UADMIN',
      SCHEDULER_ENABLED: 'false',
      ...env,
    },
    null,
  );
  const log = logger ?? createLogger('silent');
  const app = await createApp(config, log, { dbFile: ':memory:', ...appOptions });
  const server = new HttpServer();
  const adapter = createSlackAdapter({
    config,
    core: app.core,
    server,
    log,
    retry: { retries: 1, minTimeoutMs: 20, maxTimeoutMs: 50 },
    formAckBudgetMs: 2000,
  });
  await adapter.start();
  const port = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/slack/events`;
  const send = (body: string, type: string) => sendSigned(url, body, type, { secret: APP_SECRET });

  return {
    app,
    fake,
    adapter,
    server,
    url,
    send,
    async command(p) {
      const responseUrl = fake.responseUrl();
      const id = responseUrl.split('/').pop()!;
      const res = await send(
        commandBody({
          command: p.command,
          text: p.text ?? '',
          user_id: p.user ?? 'UREP',
          channel_id: p.channel ?? 'C0001',
          response_url: responseUrl,
          ...(p.triggerId ? { trigger_id: p.triggerId } : {}),
        }),
        FORM,
      );
      const want = p.count ?? 1;
      const responses = want === 0 ? [] : await fake.waitFor(() => (fake.responsesTo(id).length >= want ? fake.responsesTo(id) : null), 15_000);
      return { status: res.status, responses, responseUrl, id };
    },
    press(p) {
      const seq = ++actionSeq;
      const ts = p.messageTs ?? '1700000000.000001';
      return send(
        interactionBody({
          type: 'block_actions',
          user: { id: p.user, username: p.user.toLowerCase(), team_id: 'T0001' },
          api_app_id: 'A0001',
          token: 'legacy',
          container: { type: 'message', message_ts: ts, channel_id: p.channel, is_ephemeral: p.ephemeral ?? false },
          trigger_id: p.triggerId ?? `trig-action-${seq}`,
          team: { id: 'T0001', domain: 'fake' },
          channel: { id: p.channel, name: 'chan' },
          ...(p.ephemeral ? {} : { message: { ts, type: 'message' } }),
          response_url: p.responseUrl ?? fake.responseUrl(),
          actions: [{ action_id: p.actionId, block_id: 'b1', value: p.value, type: 'button', action_ts: `1700009000.${String(seq).padStart(6, '0')}` }],
        }),
        FORM,
      );
    },
    submitView(user, view, values) {
      return send(
        interactionBody({
          type: 'view_submission',
          team: { id: 'T0001', domain: 'fake' },
          user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
          api_app_id: 'A0001',
          token: 'legacy',
          trigger_id: `trig-view-${++actionSeq}`,
          view: { ...view, id: `VSUB${actionSeq}`, team_id: 'T0001', hash: 'h', state: { values } },
        }),
        FORM,
      );
    },
    async close() {
      await adapter.stop();
      await server.close();
      await app.close();
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Builds a modal's `state.values` from plain field values, shaped per input element as Slack sends them. */
export function viewState(view: Record<string, any>, values: Record<string, string | number | boolean>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const block of view.blocks) {
    if (block.type !== 'input') continue;
    const el = block.element;
    const raw = values[block.block_id];
    let state: Record<string, unknown>;
    switch (el.type) {
      case 'checkboxes':
        state = { type: 'checkboxes', selected_options: raw === true || raw === 'true' ? [el.options[0]] : [] };
        break;
      case 'static_select': {
        const opt = el.options.find((o: any) => o.value === String(raw));
        state = { type: 'static_select', selected_option: opt ?? null };
        break;
      }
      default:
        state = { type: el.type, value: raw === undefined ? null : String(raw) };
    }
    out[block.block_id] = { [el.action_id]: state };
  }
  return out;
}

export function blocksText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

export function buttonsOf(blocks: any[] | undefined): { action_id: string; value: string; text: { text: string } }[] {
  return (blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements);
}

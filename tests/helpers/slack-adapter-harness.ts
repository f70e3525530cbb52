import { silentLogger as log, type Logger } from '../../src/log/logger.js';
import { createSlackAdapter, type SlackAdapter } from '../../src/platforms/slack/adapter.js';
import { HttpServer } from '../../src/server/http.js';
import { openTestDb } from './storage.js';
import type { Db } from '../../src/storage/database.js';
import { createTestCore, ScriptedAnswerer } from './core.js';
import { commandBody, FakeSlack, FORM, interactionBody, sendSigned } from './fake-slack.js';

export const SECRET = 'test-signing-secret-0123456789';
export const TOKEN = 'xoxb-test-token';

export interface Harness {
  fake: FakeSlack;
  server: HttpServer;
  adapter: SlackAdapter;
  url: string;
  core: Awaited<ReturnType<typeof createTestCore>>['core'];
  analytics: Awaited<ReturnType<typeof createTestCore>>['analytics'];
  answerer: ScriptedAnswerer;
  db: Db;
  send(body: string, type: string, extra?: Partial<Parameters<typeof sendSigned>[3]>): ReturnType<typeof sendSigned>;
}

export const cleanups: (() => Promise<void> | void)[] = [];
/** Stops everything the tests in a file started; each file runs it after every test. */
export async function closeAll(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
}

export async function setup(opts: { db?: Db; fake?: FakeSlack; log?: Logger; answerer?: ScriptedAnswerer; apiTimeoutMs?: number } = {}): Promise<Harness> {
  const fake = opts.fake ?? (await new FakeSlack(TOKEN).start());
  if (!opts.fake) cleanups.push(() => fake.stop());
  const answerer = opts.answerer ?? new ScriptedAnswerer();
  const { core, analytics, db } = await createTestCore(opts.db ?? await openTestDb(':memory:'), answerer);
  const server = new HttpServer();
  const adapter = createSlackAdapter({
    config: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: 0 },
    core,
    server,
    log: opts.log ?? log,
    retry: { retries: 2, minTimeoutMs: 20, maxTimeoutMs: 100 },
    formAckBudgetMs: 1500,
    ...(opts.apiTimeoutMs ? { apiTimeoutMs: opts.apiTimeoutMs } : {}),
  });
  await adapter.start();
  const port = await server.listen(0, '127.0.0.1');
  cleanups.push(async () => {
    await adapter.stop();
    await server.close();
  });
  const url = `http://127.0.0.1:${port}/slack/events`;
  return {
    fake,
    server,
    adapter,
    url,
    core,
    analytics,
    answerer,
    db,
    send: (body, type, extra = {}) => sendSigned(url, body, type, { secret: SECRET, ...extra }),
  };
}

export function blocksText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

export function buttons(blocks: any[]): { action_id: string; value: string }[] {
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
}

export function mention(text: string, ts: string, extra: Record<string, unknown> = {}) {
  return { type: 'app_mention', user: 'U0001', text, ts, channel: 'C0001', event_ts: ts, ...extra };
}

export function blockAction(h: Harness, p: { actionId: string; value: string; responseUrl: string; ephemeral?: boolean; messageTs?: string; threadTs?: string }) {
  return interactionBody({
    type: 'block_actions',
    user: { id: 'U0001', username: 'alice', team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'legacy',
    container: { type: 'message', message_ts: p.messageTs ?? '1700000000.000001', channel_id: 'C0001', is_ephemeral: p.ephemeral ?? true, ...(p.threadTs ? { thread_ts: p.threadTs } : {}) },
    trigger_id: `trig-${Math.random()}`,
    team: { id: 'T0001', domain: 'fake' },
    channel: { id: 'C0001', name: 'sales' },
    ...(p.ephemeral === false ? { message: { ts: p.messageTs, thread_ts: p.threadTs, type: 'message' } } : {}),
    response_url: p.responseUrl,
    actions: [{ action_id: p.actionId, block_id: 'b1', value: p.value, type: 'button', action_ts: `${Date.now() / 1000}${Math.random()}` }],
  });
}

export async function askViaCommand(h: Harness, question = '可以给客户回扣吗？') {
  const responseUrl = h.fake.responseUrl();
  const res = await h.send(commandBody({ command: '/ask', text: question, response_url: responseUrl }), FORM);
  const id = responseUrl.split('/').pop()!;
  const [answer] = await h.fake.waitFor(() => (h.fake.responsesTo(id).length ? h.fake.responsesTo(id) : null));
  return { res, answer: answer!, responseUrl, id };
}

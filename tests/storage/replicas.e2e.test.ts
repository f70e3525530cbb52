import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelope, FAKE_APP_ID, FAKE_APP_SECRET, FakeFeishu, postWebhook, textMessageEvent } from '../helpers/fake-feishu.js';
import { commandBody, eventBody, FakeSlack, FORM, interactionBody, JSON_TYPE, sendSigned, type FakeCall } from '../helpers/fake-slack.js';
import { freePort, REPO, serviceReady, spawnService, until } from '../helpers/service-process.js';
import { createTestDatabase, postgresAvailable } from '../helpers/storage.js';

/**
 * Two bot processes (`src/main.ts`, nothing stubbed) on one PostgreSQL database, each behind its
 * own fake Slack (HTTP mode) and fake Feishu (webhook mode), as two replicas behind a load
 * balancer that delivers the same event to both. Whatever one replica does, the other sees in
 * the database; each fake shows what its replica sent.
 */

const TOKEN = 'xoxb-replicas';
const SIGNING_SECRET = 'replicas-signing-secret';
const ENCRYPT_KEY = 'replicas-enc-key-0001';
const VERIFY_TOKEN = 'replicas-verify-token';

interface Replica {
  name: string;
  child: ChildProcess;
  port: number;
  slack: FakeSlack;
  feishu: FakeFeishu;
  output: string[];
  exited: Promise<void>;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RUN = postgresAvailable();

describe.skipIf(!RUN)('two replicas on one PostgreSQL', () => {
  const dirs: string[] = [];
  const replicas: Replica[] = [];
  let database: { url: string; drop(): Promise<void> };
  let sql: pg.Client;

  function slackCalls(method: string, channel?: string): (FakeCall & { replica: string })[] {
    return replicas.flatMap((r) =>
      r.slack.calls.filter((c) => c.method === method && (!channel || c.params.channel === channel)).map((c) => ({ ...c, replica: r.name })),
    );
  }

  async function startReplica(name: string, knowledgeDir: string): Promise<Replica> {
    const slack = await new FakeSlack(TOKEN).start();
    const feishu = new FakeFeishu();
    const feishuBase = await feishu.start();
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), `replica-${name}-`));
    dirs.push(dataDir);
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: knowledgeDir,
      PROMPTS_DIR: path.join(REPO, 'prompts'),
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      FEISHU_APP_ID: FAKE_APP_ID,
      FEISHU_APP_SECRET: FAKE_APP_SECRET,
      FEISHU_MODE: 'webhook',
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: VERIFY_TOKEN,
      FEISHU_DOMAIN: feishuBase,
      CREDIT_ROLE_SALES_MANAGER: 'slack:UMGR1,slack:UMGR2',
      CREDIT_ROLE_FINANCE: 'slack:UFIN',
      CREDIT_ROLE_FINANCE_DIRECTOR: 'slack:UDIR',
      CREDIT_ROLE_GENERAL_MANAGER: 'slack:UGM',
      CREDIT_APPROVAL_CHANNEL: 'slack:CFIN',
      ADMIN_IDS: 'slack:UADMIN',
      KB_FOLLOW_SECONDS: '1',
      SCHEDULER_ENABLED: 'true',
      // Short, so the survivor's handling of a dead replica's post is seen within the test.
      SCHEDULE_LEASE_SECONDS: '3',
    };
    const { child, output, exited } = spawnService(env, port);
    const replica: Replica = { name, child, port, slack, feishu, output, exited };
    replicas.push(replica);
    return replica;
  }

  async function ready(r: Replica): Promise<void> {
    await serviceReady({ child: r.child, port: r.port, output: r.output, exited: r.exited }, ['slack', 'feishu']);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new pg.Client({ connectionString: database.url });
    const knowledgeDir = mkdtempSync(path.join(tmpdir(), 'replica-knowledge-'));
    dirs.push(knowledgeDir);
    cpSync(path.join(REPO, 'knowledge'), knowledgeDir, { recursive: true });
    // Two reminders every minute: one posts normally, the other's post call is held by the fake
    // Slack (and its replica killed while it waits).
    writeFileSync(
      path.join(knowledgeDir, 'reminders.yaml'),
      [
        'reminders:',
        '  - id: every-minute',
        "    cron: '* * * * *'",
        '    target: { platform: slack, channel: CREM }',
        '    content: { message: 每分钟的合规提醒 }',
        '  - id: held-post',
        "    cron: '* * * * *'",
        '    target: { platform: slack, channel: CHOLD }',
        '    content: { message: 这条提醒的发送会卡住 }',
        '',
      ].join('\n'),
    );
    const a = await startReplica('A', knowledgeDir);
    const b = await startReplica('B', knowledgeDir);
    for (const r of [a, b]) r.slack.holdCalls((method, params) => method === 'chat.postMessage' && params.channel === 'CHOLD');
    await Promise.all([ready(a), ready(b)]);
    await sql.connect();
  }, 240_000);

  afterAll(async () => {
    for (const r of replicas) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await Promise.all(replicas.map((r) => r.exited));
    for (const r of replicas) {
      await r.slack.stop();
      await r.feishu.stop();
    }
    await sql?.end();
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a Slack event delivered to both replicas (the delivery to one, Slack\'s retry to the other) is answered once', async () => {
    const body = eventBody(
      { type: 'app_mention', user: 'UREP', text: '<@UBOT0001> 可以给客户回扣吗？', ts: '1700000100.000100', channel: 'C0001', event_ts: '1700000100.000100' },
      'EvBothReplicas1',
    );
    const [a, b] = replicas as [Replica, Replica];
    const first = await sendSigned(`http://127.0.0.1:${a.port}/slack/events`, body, JSON_TYPE, { secret: SIGNING_SECRET });
    // Slack retries an event whose acknowledgement it did not see (seconds later, when A is at
    // work on it); the load balancer sends the retry to B.
    await until(async () => (await sql.query("SELECT 1 FROM seen_events WHERE id LIKE '%EvBothReplicas1%'")).rowCount, 30_000, 'A to claim the event');
    const retry = await sendSigned(`http://127.0.0.1:${b.port}/slack/events`, body, JSON_TYPE, {
      secret: SIGNING_SECRET,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    for (const res of [first, retry]) expect(res.status).toBe(200);
    await until(() => slackCalls('chat.update', 'C0001').length + slackCalls('chat.postMessage', 'C0001').length >= 2, 60_000, 'the answer');
    await settle(2000);
    // One replica answered (its placeholder, then the answer in place); the other sent nothing.
    const sent = [...slackCalls('chat.update', 'C0001'), ...slackCalls('chat.postMessage', 'C0001'), ...slackCalls('chat.delete', 'C0001')];
    expect(new Set(sent.map((c) => c.replica))).toEqual(new Set(['A']));
    expect(slackCalls('chat.update', 'C0001')).toHaveLength(1);
    expect(slackCalls('chat.postMessage', 'C0001')).toHaveLength(1);
    expect(JSON.stringify(slackCalls('chat.update', 'C0001')[0]!.params.blocks)).toMatch(/回扣|賄賂|贿赂/);
  });

  it('the same event sent to both replicas as first deliveries is still answered once', async () => {
    const body = eventBody(
      { type: 'app_mention', user: 'UREP', text: '<@UBOT0001> 账期最长多少天？', ts: '1700000200.000100', channel: 'C0002', event_ts: '1700000200.000100' },
      'EvBothReplicas2',
    );
    const results = await Promise.all(replicas.map((r) => sendSigned(`http://127.0.0.1:${r.port}/slack/events`, body, JSON_TYPE, { secret: SIGNING_SECRET })));
    for (const res of results) expect(res.status).toBe(200);
    await until(() => slackCalls('chat.update', 'C0002').length >= 1, 60_000, 'the answer');
    await settle(2000);
    // Exactly one answer. The losing replica may have flashed its "Searching…" placeholder
    // before the database told it the event was taken; if so it deleted it again.
    expect(slackCalls('chat.update', 'C0002')).toHaveLength(1);
    const placeholders = slackCalls('chat.postMessage', 'C0002');
    const deleted = slackCalls('chat.delete', 'C0002');
    expect(placeholders.length - deleted.length).toBe(1);
  });

  it('a Feishu event delivered to both replicas is answered once', async () => {
    const event = textMessageEvent({ text: '签合同之前必须做哪些风险控制？', chatType: 'p2p', chatId: 'oc_p2p_r', userId: 'ou_rep' });
    const envelope = eventEnvelope('im.message.receive_v1', event, { eventId: 'ev_both_replicas_1', token: VERIFY_TOKEN });
    const results = await Promise.all(replicas.map((r) => postWebhook(`http://127.0.0.1:${r.port}/feishu/events`, envelope, { encryptKey: ENCRYPT_KEY })));
    for (const res of results) expect(res.status).toBe(200);
    const replies = () => replicas.flatMap((r) => r.feishu.messages.filter((m) => m.kind === 'reply').map((m) => ({ ...m, replica: r.name })));
    await until(() => replies().length >= 1, 60_000, 'the Feishu answer');
    await settle(2000);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.target).toBe(event.message.message_id);
  });

  it('two approvers pressing Approve on different replicas give one decision and one next-step card', async () => {
    const application = JSON.parse(readFileSync(path.join(REPO, 'tests/fixtures/credit/valid-a.json'), 'utf8')) as Record<string, unknown>;
    // ≤ 200,000 → route sales_manager → finance.
    const json = JSON.stringify({ ...application, customerName: '南京秦淮数字物流有限公司', uscc: '91320104MA1N2P3Q4W', requestedLimit: 150000, requestedTermDays: 30 });
    const [a, b] = replicas as [Replica, Replica];
    const responseUrl = a.slack.responseUrl();
    await sendSigned(
      `http://127.0.0.1:${a.port}/slack/events`,
      commandBody({ command: '/credit', text: json, user_id: 'UREP', channel_id: 'DREP', response_url: responseUrl }),
      FORM,
      { secret: SIGNING_SECRET },
    );
    const card = await until(() => slackCalls('chat.postMessage', 'CFIN')[0], 60_000, 'the approval card');
    const appId = /CR-[0-9A-F]+/.exec(JSON.stringify(card.params.blocks))![0];
    const approve = (card.params.blocks as any[])
      .filter((blk) => blk.type === 'actions')
      .flatMap((blk) => blk.elements)
      .find((el: any) => String(el.action_id).startsWith('credit.approve'));
    expect(approve).toBeDefined();

    const press = (r: Replica, user: string, seq: number) =>
      sendSigned(
        `http://127.0.0.1:${r.port}/slack/events`,
        interactionBody({
          type: 'block_actions',
          user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
          api_app_id: 'A0001',
          token: 'legacy',
          container: { type: 'message', message_ts: '1700007000.000100', channel_id: 'CFIN', is_ephemeral: false },
          trigger_id: `trig-approve-${seq}`,
          team: { id: 'T0001', domain: 'fake' },
          channel: { id: 'CFIN', name: 'finance' },
          message: { ts: '1700007000.000100', type: 'message' },
          response_url: r.slack.responseUrl(),
          actions: [{ action_id: approve.action_id, block_id: 'b1', value: approve.value, type: 'button', action_ts: `1700009000.00000${seq}` }],
        }),
        FORM,
        { secret: SIGNING_SECRET },
      );
    const presses = await Promise.all([press(a, 'UMGR1', 1), press(b, 'UMGR2', 2)]);
    for (const p of presses) expect(p.status).toBe(200);

    await until(() => slackCalls('chat.postMessage', 'CFIN').length >= 2, 60_000, 'the next-step card');
    await settle(2000);
    const decisions = await sql.query('SELECT by_user_id, step FROM credit_decisions WHERE application_id = $1', [appId]);
    expect(decisions.rows).toHaveLength(1);
    const app = await sql.query('SELECT step, status FROM credit_applications WHERE id = $1', [appId]);
    expect(app.rows[0]).toEqual({ step: 1, status: 'pending' });
    // The first approval card and exactly one card for the finance step.
    const cards = slackCalls('chat.postMessage', 'CFIN').filter((c) => JSON.stringify(c.params.blocks).includes(appId));
    expect(cards).toHaveLength(2);
  });

  it('/kb reload on one replica reaches the other', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const indexedAt = async (r: Replica) => ((await (await fetch(`http://127.0.0.1:${r.port}/healthz`)).json()) as { parts: { index: { builtAt: string } } }).parts.index.builtAt;
    const before = await indexedAt(b);
    const responseUrl = a.slack.responseUrl();
    const res = await sendSigned(
      `http://127.0.0.1:${a.port}/slack/events`,
      commandBody({ command: '/kb', text: 'reload', user_id: 'UADMIN', channel_id: 'DADMIN', response_url: responseUrl }),
      FORM,
      { secret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    const id = responseUrl.split('/').pop()!;
    const [reply] = await until(() => (a.slack.responsesTo(id).length ? a.slack.responsesTo(id) : null), 120_000, 'the reload reply');
    expect(JSON.stringify(reply!.body)).toContain('Reloaded');
    // B was not asked, yet rebuilds its own index within its follow interval.
    await until(async () => (await indexedAt(b)) !== before, 120_000, 'replica B to reload');
    const version = await sql.query('SELECT version FROM knowledge_version WHERE id = 1');
    expect(version.rows[0].version).toBe(1);
  });

  it('every reminder is posted once while both run, and once when the replica posting it is killed mid-post', async () => {
    // Both replicas wake at the next minute; one claims each reminder.
    const held = await until(() => slackCalls('chat.postMessage', 'CHOLD')[0], 75_000, 'the held reminder post');
    const poster = replicas.find((r) => r.name === held.replica)!;
    const survivor = replicas.find((r) => r !== poster)!;
    poster.child.kill('SIGKILL');
    await poster.exited;

    // The survivor leaves the dead replica's post alone while its lease runs, then closes it
    // (the post call went out, so it may be in the channel) instead of posting it again.
    const closed = await until(
      async () => {
        const res = await sql.query("SELECT fire_time, status, error FROM schedule_runs WHERE schedule_id = 'held-post' AND status = 'failed'");
        return res.rows[0] as { fire_time: string; status: string; error: string } | undefined;
      },
      30_000,
      'the survivor to close the interrupted post',
    );
    expect(closed.error).toMatch(/interrupted after the post was sent/);
    expect(survivor.child.exitCode).toBeNull();

    // Each fire time of each reminder reached Slack at most once: as many post calls as runs
    // that sent one, and no fire time twice.
    const runs = await sql.query("SELECT schedule_id, fire_time, status, sent_at FROM schedule_runs ORDER BY fire_time");
    for (const [id, channel] of [['every-minute', 'CREM'], ['held-post', 'CHOLD']] as const) {
      const sent = runs.rows.filter((r) => r.schedule_id === id && r.sent_at !== null);
      expect(slackCalls('chat.postMessage', channel)).toHaveLength(sent.length);
      expect(new Set(sent.map((r) => r.fire_time)).size).toBe(sent.length);
    }
    const minuteRuns = runs.rows.filter((r) => r.schedule_id === 'every-minute');
    expect(minuteRuns.length).toBeGreaterThanOrEqual(1);
    expect(slackCalls('chat.postMessage', 'CREM').length).toBeGreaterThanOrEqual(1);
    // The held fire time was sent once, by the killed replica, and never by the survivor.
    const heldCalls = slackCalls('chat.postMessage', 'CHOLD');
    expect(heldCalls.filter((c) => c.replica === poster.name)).toHaveLength(1);
  }, 150_000);
});

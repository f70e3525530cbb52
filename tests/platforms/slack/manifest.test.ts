import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/config.js';
import { silentLogger as log } from '../../../src/log/logger.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { COMMAND_FAMILY } from '../../../src/core/core.js';
import { PRECHECK_SHORTCUT, SLACK_EVENTS_PATH } from '../../../src/platforms/slack/adapter.js';
import { createTestCore } from '../../helpers/core.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'manifest-'));
let app: App;
beforeAll(async () => {
  app = await createApp(loadConfig({ DATA_DIR: tmp, LOG_LEVEL: 'silent' }, null), log, { dbFile: ':memory:' });
});
afterAll(async () => {
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
});
const MANIFESTS = readdirSync(ROOT).filter((f) => /^slack-app-manifest.*\.yaml$/.test(f));

/**
 * Slack's built-in commands (Slack help centre, "Use built-in slash commands"): an app may not
 * take them, and typing one reaches Slack, not us.
 */
const SLACK_BUILT_INS = [
  'active', 'away', 'archive', 'call', 'collapse', 'dm', 'expand', 'feed', 'feedback', 'invite', 'join', 'kick',
  'leave', 'close', 'me', 'msg', 'mute', 'open', 'prefs', 'remind', 'remove', 'rename', 'search', 'shortcuts',
  'shrug', 'star', 'status', 'topic', 'who', 'apps',
];

/** The manifest fields we use, with the limits of Slack's app manifest reference. */
const slashCommand = z.object({
  command: z.string().regex(/^\/[a-z0-9_-]+$/).max(32),
  description: z.string().min(1).max(2000),
  usage_hint: z.string().max(1000).optional(),
  should_escape: z.boolean().optional(),
  url: z.string().url().startsWith('https://').optional(),
}).strict();
const manifestSchema = z.object({
  _metadata: z.object({ major_version: z.number().int().min(1).max(2), minor_version: z.number().int() }).strict().optional(),
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().max(140),
    background_color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    long_description: z.string().min(174).max(4000),
  }).strict(),
  features: z.object({
    app_home: z.object({ home_tab_enabled: z.boolean(), messages_tab_enabled: z.boolean(), messages_tab_read_only_enabled: z.boolean() }).strict(),
    bot_user: z.object({ display_name: z.string().regex(/^[a-z0-9._-]{1,80}$/), always_online: z.boolean() }).strict(),
    assistant_view: z
      .object({
        assistant_description: z.string().min(1).max(300),
        suggested_prompts: z.array(z.object({ title: z.string().min(1), message: z.string().min(1) }).strict()).max(4).optional(),
      })
      .strict()
      .optional(),
    slash_commands: z.array(slashCommand).min(1).max(50),
    shortcuts: z.array(z.object({
      name: z.string().min(1),
      type: z.enum(['global', 'message']),
      callback_id: z.string().max(255),
      description: z.string().max(150),
    }).strict()).max(10),
  }).strict(),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()).max(255) }).strict() }).strict(),
  settings: z.object({
    event_subscriptions: z.object({ request_url: z.string().url().optional(), bot_events: z.array(z.string()).max(100) }).strict(),
    interactivity: z.object({ is_enabled: z.boolean(), request_url: z.string().url().optional() }).strict(),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }).strict(),
}).strict();

/** Every .ts file of the Slack adapter, concatenated: what the code actually calls. */
function slackSource(): string {
  const dir = path.join(ROOT, 'src/platforms/slack');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const f = path.join(d, name);
      if (statSync(f).isDirectory()) walk(f);
      else if (f.endsWith('.ts')) files.push(f);
    }
  };
  walk(dir);
  // The shared platform kit, once it exists, can call Slack too.
  const shared = path.join(ROOT, 'src/platforms/shared');
  try {
    walk(shared);
  } catch {
    /* not there yet */
  }
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** Which code needs each scope: a scope the code never exercises must not be requested. */
const SCOPE_EVIDENCE: Record<string, RegExp[]> = {
  'app_mentions:read': [/event\(\s*'app_mention'/],
  'chat:write': [/chat\.(postMessage|update|postEphemeral|delete|startStream|appendStream|stopStream)\(/],
  commands: [/\.(command|shortcut)\(/],
  'files:read': [/url_private/],
  // message events from direct messages only (message.im)
  'im:history': [/event\(\s*'message'/, /channel_type\s*[!=]==\s*'im'/],
  'im:write': [/conversations\.open\(/],
  'assistant:write': [/assistant\.threads\s*\.setStatus\(/],
};
/** Web API methods that need a scope, and which. */
const METHOD_SCOPES: [RegExp, string][] = [
  [/client\.chat\.[a-zA-Z]+\(/, 'chat:write'],
  [/client\.conversations\.open\(/, 'im:write'],
  [/client\.assistant\.threads\s*\.setStatus\(/, 'assistant:write'],
  [/client\.reactions\.[a-z]+\(/i, 'reactions:write'],
  [/client\.users\.info\(/, 'users:read'],
];

describe.each(MANIFESTS)('%s', (file) => {
  const raw = readFileSync(path.join(ROOT, file), 'utf8');
  const manifest = parse(raw);

  it('follows the app manifest reference', () => {
    expect(MANIFESTS.sort()).toEqual(['slack-app-manifest.http.yaml', 'slack-app-manifest.socket.yaml']);
    const result = manifestSchema.safeParse(manifest);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('registers no Slack built-in command, and reaches every core command through /compliance', () => {
    const commands = manifest.features.slash_commands.map((c: { command: string }) => c.command.slice(1));
    for (const builtIn of SLACK_BUILT_INS) expect(commands).not.toContain(builtIn);
    expect(commands).toContain(COMMAND_FAMILY);
    expect(new Set(commands).size).toBe(commands.length);
    // Every alias is a command the assembled bot knows (a stale alias would answer "unknown command").
    for (const c of commands) if (c !== COMMAND_FAMILY) expect(app.core.hasCommand(c), c).toBe(true);
  });

  it('asks only for scopes the code uses, and for every scope a call it makes needs', () => {
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    const source = slackSource();
    for (const scope of scopes) {
      expect(SCOPE_EVIDENCE[scope], `no known use for ${scope}`).toBeDefined();
      for (const use of SCOPE_EVIDENCE[scope]!) expect(use.test(source), `${scope} is requested but the code never needs it`).toBe(true);
    }
    for (const [call, scope] of METHOD_SCOPES) if (call.test(source)) expect(scopes).toContain(scope);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual(['app_mention', 'message.im']);
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: PRECHECK_SHORTCUT })]);
  });

  it('matches its mode: Socket Mode has no URLs, HTTP mode sends everything to the one events path', () => {
    const urls = [...raw.matchAll(/^\s*(?:-\s*)?(?:request_)?url:\s*(\S+)/gm)].map((m) => new URL(m[1]!));
    if (file.includes('.socket.')) {
      expect(manifest.settings.socket_mode_enabled).toBe(true);
      expect(urls).toEqual([]);
    } else {
      expect(manifest.settings.socket_mode_enabled).toBe(false);
      // Without Socket Mode each slash command needs its own request URL.
      for (const c of manifest.features.slash_commands) expect(c.url).toBeDefined();
      expect(urls.length).toBe(manifest.features.slash_commands.length + 2);
      expect(new Set(urls.map((u) => u.pathname))).toEqual(new Set([SLACK_EVENTS_PATH]));
    }
  });
});

describe('/compliance', () => {
  const origin = { platform: 'slack' as const, userId: 'U1', channelId: 'C1', conversationId: 'c1' };
  const text = (r: Awaited<ReturnType<Awaited<ReturnType<typeof createTestCore>>['core']['handleCommand']>>) =>
    (r?.blocks ?? []).map((b) => ('text' in b ? b.text : '')).join('\n');

  it('runs the named command, shows help alone, and asks anything else', async () => {
    const { core } = await createTestCore();
    expect(text(await core.handleCommand({ ...origin, name: 'compliance', args: '' }))).toContain('/ask');
    expect(text(await core.handleCommand({ ...origin, name: 'compliance', args: 'help' }))).toContain(`/${COMMAND_FAMILY} remind`);
    expect(text(await core.handleCommand({ ...origin, name: 'compliance', args: 'ask 可以给客户回扣吗？' }))).toContain('回扣');
    expect(text(await core.handleCommand({ ...origin, name: 'compliance', args: 'Can I give a kickback?' }))).toContain('回扣');
  });

  it('does not loop on itself and keeps unknown words as a question', async () => {
    const { core } = await createTestCore();
    const nested = await core.handleCommand({ ...origin, name: 'compliance', args: 'compliance compliance' });
    expect(text(nested)).not.toMatch(/Unknown command/);
    expect(text(await core.handleCommand({ ...origin, name: 'compliance', args: 'weather tomorrow' }))).toContain('手册没有涵盖');
  });
});

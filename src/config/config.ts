import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseDotenv } from 'dotenv';
import { Cron } from 'croner';
import { z } from 'zod';
import { InputError } from '../errors/input-error.js';

/**
 * One typed view of the environment. Every variable is documented in `.env.example`.
 * Values come from `process.env`, then an optional `.env` file (process.env wins).
 */

/** Defaults resolve against the project folder, so the bot and CLI work from any working directory. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const inProject = (folder: string) => path.join(PROJECT_ROOT, folder);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const idList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const intWithDefault = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(def) : v.trim()))
    .pipe(z.string().regex(/^-?\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(min).max(max)));

const boolWithDefault = (def: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: 'expected true or false' });
      return z.NEVER;
    });

export const envSchema = z.object({
  NODE_ENV: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: intWithDefault(3000, 0, 65535),
  /** Open HTTP connections at most (past it the oldest idle one is closed); keep below `ulimit -n`. */
  HTTP_MAX_CONNECTIONS: intWithDefault(1000, 10, 100_000),
  /** Seconds a client has to send its request headers (idle, half-open sockets are closed after it). */
  HTTP_HEADERS_TIMEOUT_SECONDS: intWithDefault(10, 1, 600),
  /** Answers prepared at once after their ack; more wait in a queue of ANSWER_QUEUE_LIMIT. */
  ANSWER_CONCURRENCY: intWithDefault(2, 1, 256),
  /**
   * Worker threads preparing extractive answers (retrieval and sentence scoring off the bot's
   * thread, which then only accepts and acknowledges); 0 answers on the bot's thread. Default: one
   * fewer than the cores, at least 1.
   */
  ANSWER_WORKERS: intWithDefault(Math.max(1, availableParallelism() - 1), 0, 64),
  /** How much lower the answer threads' scheduling priority is (Linux nice, per thread): when the cores are busy the bot's thread, which acknowledges, runs first. */
  ANSWER_WORKERS_NICE: intWithDefault(5, 0, 19),
  /** Acknowledged messages waiting for an answer at most; past it the sender is told to retry in a minute. */
  ANSWER_QUEUE_LIMIT: intWithDefault(300, 0, 100_000),
  /** Commands (questions included) per person per minute; past it a clear "too many requests". */
  RATE_LIMIT_PER_USER_PER_MINUTE: intWithDefault(30, 1, 100_000),
  /** Commands per channel (or DM) per minute, all people together. */
  RATE_LIMIT_PER_CHANNEL_PER_MINUTE: intWithDefault(200, 1, 1_000_000),
  /** How long `/healthz` reuses a platform's last reachability probe (ms); 0 probes on every request. */
  HEALTH_PROBE_TTL_MS: intWithDefault(30_000, 0, 3_600_000),
  DATA_DIR: z.string().default(inProject('data')),
  /**
   * `postgres://user:password@host:5432/db` moves all state to PostgreSQL (several replicas share
   * it); unset keeps SQLite at DATA_DIR/assistant.db.
   */
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\/\S+$/i.test(v), {
    message: 'expected a postgres:// or postgresql:// URL (leave unset for SQLite under DATA_DIR)',
  }),
  /** How often each process checks whether another one changed a document or ran `/kb reload`. */
  KB_FOLLOW_SECONDS: intWithDefault(10, 1, 3600),
  /** Connections each process keeps to PostgreSQL. */
  DATABASE_POOL_SIZE: intWithDefault(10, 1, 200),
  KNOWLEDGE_DIR: z.string().default(inProject('knowledge')),
  PROMPTS_DIR: z.string().default(inProject('prompts')),
  /** Platform user ids (any platform) allowed to run `kb reload`, e.g. `slack:U123,feishu:ou_abc`. */
  ADMIN_IDS: idList,
  /** Opens the /admin dashboard (bearer token or login form); at least 16 characters. Unset: /admin refuses everyone. */
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Salt for hashing user ids in analytics, so raw ids never sit in the stats tables. */
  ANALYTICS_SALT: z.string().default('compliance-assistant'),

  // LLM (any OpenAI-compatible endpoint)
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString,
  LLM_MODEL: optionalString,
  LLM_TIMEOUT_MS: intWithDefault(20_000, 100, 600_000),
  EMBEDDINGS_MODEL: optionalString,

  // Slack
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: optionalString,

  // Feishu / Lark
  FEISHU_APP_ID: optionalString,
  FEISHU_APP_SECRET: optionalString,
  FEISHU_ENCRYPT_KEY: optionalString,
  FEISHU_VERIFICATION_TOKEN: optionalString,
  FEISHU_DOMAIN: z.string().default('feishu'),
  FEISHU_MODE: z.enum(['ws', 'webhook']).default('ws'),
  /** Feishu Docs/Wiki synced into the knowledge base: wiki space ids, drive folder tokens, docx document tokens. */
  FEISHU_SYNC_WIKI_SPACES: idList,
  FEISHU_SYNC_FOLDERS: idList,
  FEISHU_SYNC_DOCUMENTS: idList,
  /** When the sync runs (cron, Asia/Shanghai), besides start-up and `/kb sync`. */
  FEISHU_SYNC_CRON: z
    .string()
    .default('20 * * * *')
    .refine((v) => {
      try {
        new Cron(v, { paused: true }).stop();
        return true;
      } catch {
        return false;
      }
    }, 'not a valid cron expression'),

  // Pre-check
  PRECHECK_STORE_TEXT: boolWithDefault(false),

  // Credit workflow: role → platform user ids, e.g. `slack:U1,feishu:ou_2`
  CREDIT_APPROVAL_CHANNEL: optionalString,
  CREDIT_ROLE_SALES_MANAGER: idList,
  CREDIT_ROLE_FINANCE: idList,
  CREDIT_ROLE_FINANCE_DIRECTOR: idList,
  CREDIT_ROLE_GENERAL_MANAGER: idList,
  /**
   * How long the submitter's confirmation waits in the outbox for the direct reply to settle it;
   * after that (the process died before replying) the outbox sends it as a direct message.
   */
  CREDIT_CONFIRM_AFTER_SECONDS: intWithDefault(120, 1, 24 * 3600),
  /** How long a replica holds an owed credit message it is sending before another may send it: longer than one send with its retries. */
  OUTBOX_LEASE_SECONDS: intWithDefault(300, 1, 24 * 3600),

  // Scheduler
  SCHEDULER_ENABLED: boolWithDefault(true),
  SCHEDULE_GRACE_HOURS: intWithDefault(6, 0, 24 * 30),
  /**
   * How long a replica holds a scheduled post it claimed before another may take it over (if
   * nothing was sent yet) or close it (if the post call went out): longer than a render and post.
   */
  SCHEDULE_LEASE_SECONDS: intWithDefault(300, 1, 24 * 3600),
  /** The scheduled reminders; default KNOWLEDGE_DIR/reminders.yaml. A deployment can keep its own copy outside the repository. */
  REMINDERS_FILE: optionalString,
  /** Channel admins allowed to add/remove reminders from chat, e.g. `slack:U1,feishu:ou_2`. Empty = ADMIN_IDS. */
  CHANNEL_ADMIN_IDS: idList,
});

export type AppConfig = z.infer<typeof envSchema> & {
  llmEnabled: boolean;
  embeddingsEnabled: boolean;
  slackEnabled: boolean;
  feishuEnabled: boolean;
  feishuSyncEnabled: boolean;
};

export class ConfigError extends InputError {
  constructor(public readonly problems: string[]) {
    super(problems.map((p) => `configuration error: ${p}`).join('\n'));
  }
}

/**
 * Variables a platform still needs when some of its credentials are set but not all. A
 * half-configured platform is a mistake (a typo in a unit file, a missing secret), never a
 * request for the console, so the bot refuses to start and names what is missing.
 */
export function incompletePlatforms(c: AppConfig): string[] {
  const problems: string[] = [];
  if (!c.slackEnabled && (c.SLACK_BOT_TOKEN || c.SLACK_APP_TOKEN || c.SLACK_SIGNING_SECRET)) {
    problems.push(
      c.SLACK_BOT_TOKEN
        ? 'Slack is half-configured: SLACK_BOT_TOKEN is set but SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is missing'
        : `Slack is half-configured: ${c.SLACK_APP_TOKEN ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} is set but SLACK_BOT_TOKEN is missing`,
    );
  }
  if (!c.feishuEnabled && (c.FEISHU_APP_ID || c.FEISHU_APP_SECRET)) {
    problems.push(`Feishu is half-configured: ${c.FEISHU_APP_ID ? 'FEISHU_APP_SECRET' : 'FEISHU_APP_ID'} is missing`);
  }
  if (c.feishuEnabled && c.FEISHU_MODE === 'webhook' && !c.FEISHU_ENCRYPT_KEY) {
    problems.push('FEISHU_MODE=webhook needs FEISHU_ENCRYPT_KEY (and FEISHU_VERIFICATION_TOKEN) to tell real events from forged ones');
  }
  return problems;
}

/**
 * What a configuration error may show of a bad value: nothing for settings that are secrets, and
 * for anything else the value with a password written into a URL (`scheme://user:pw@host`) masked,
 * since connection strings carry credentials whatever their scheme.
 */
function echoedValue(name: string, value: string): string {
  if (/TOKEN|SECRET|KEY|SALT|PASSWORD/.test(name)) return '';
  const masked = value.replace(/(\/\/[^/@:\s]*):[^@\s]*@/g, '$1:***@');
  return ` (got "${masked.slice(0, 60)}")`;
}

/** Reads `.env` (if present) beneath process.env and validates; throws ConfigError naming each bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  dotenvPath: string | null = existsSync(path.resolve('.env')) ? path.resolve('.env') : path.join(PROJECT_ROOT, '.env'),
): AppConfig {
  const fromFile = dotenvPath && existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const merged = { ...fromFile, ...env };
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.join('.') || '(root)';
        const value = typeof merged[name as keyof typeof merged] === 'string' ? merged[name as keyof typeof merged] : undefined;
        const shown = value === undefined ? '' : echoedValue(name, String(value));
        return `${name}: ${i.message}${shown}`;
      }),
    );
  }
  const c = parsed.data;
  const llmEndpoint = Boolean(c.OPENAI_API_KEY || c.OPENAI_BASE_URL);
  return {
    ...c,
    llmEnabled: llmEndpoint && Boolean(c.LLM_MODEL),
    embeddingsEnabled: llmEndpoint && Boolean(c.EMBEDDINGS_MODEL),
    slackEnabled: Boolean(c.SLACK_BOT_TOKEN && (c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN)),
    feishuEnabled: Boolean(c.FEISHU_APP_ID && c.FEISHU_APP_SECRET),
    feishuSyncEnabled:
      Boolean(c.FEISHU_APP_ID && c.FEISHU_APP_SECRET) &&
      c.FEISHU_SYNC_WIKI_SPACES.length + c.FEISHU_SYNC_FOLDERS.length + c.FEISHU_SYNC_DOCUMENTS.length > 0,
  };
}

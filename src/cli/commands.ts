import path from 'node:path';
import { loadConfig, type AppConfig } from '../config/config.js';
import type { KnowledgeService } from '../knowledge/service.js';
import type { Prechecker } from '../precheck/index.js';
import { createLogger } from '../log/logger.js';
import { existsSync } from 'node:fs';
import type { KyselyDocumentStore } from '../documents/store.js';
import { exitCodeFor } from '../errors/input-error.js';
import { parseCommandArgs, parseK, requireQuestion, UsageError } from './args.js';
import { backupCommand } from './backup.js';

// Each command imports what it needs when it runs (`await import`): a one-shot call such as
// `precheck` or `credit` then never pays for the retrieval, LLM or platform code it does not use.

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

type Handler = (argv: string[], io: CliIo, config: AppConfig) => Promise<number>;

const USAGE = `usage: cli <command> [options]
  index                          build or rebuild the handbook index
  search "<question>" [--k 5] [--json]
  ask "<question>" [--json]
  stats [--json]
  precheck <file> [--json]
  credit <file.json> [--json]
  schedule next [--json]
  digest preview --channel <id> [--json]
  backup <file>                  online copy of the SQLite database (safe while the bot runs)
  kb add <file> | kb list | kb remove <docId>  [--json]`;

/** Progress of an index build on stderr, so a first run does not look hung (stdout may be JSON). */
const indexProgress = (step: string) => process.stderr.write(`Building the handbook index: ${step}…\n`);

/** Documents added from chat, the CLI or a sync live in the real database; read-only commands index them too. */
async function addedDocuments(config: AppConfig): Promise<KyselyDocumentStore | undefined> {
  const file = path.join(config.DATA_DIR, 'assistant.db');
  const [{ isPostgresUrl, openStorage }, { KyselyDocumentStore }] = await Promise.all([import('../storage/database.js'), import('../documents/store.js')]);
  if (!isPostgresUrl(config.DATABASE_URL) && !existsSync(file)) return undefined;
  const storage = await openStorage({ databaseUrl: config.DATABASE_URL, sqliteFile: file, poolSize: 1 });
  return new KyselyDocumentStore(storage.db);
}

async function openKnowledge(config: AppConfig, rebuild = false): Promise<KnowledgeService> {
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const [{ KnowledgeService }, { createEmbeddings }, { storeDocumentSource }] = await Promise.all([
    import('../knowledge/service.js'),
    import('../config/embeddings.js'),
    import('../documents/source.js'),
  ]);
  const store = await addedDocuments(config);
  const service = await KnowledgeService.open({
    onProgress: indexProgress,
    knowledgeDir: path.resolve(config.KNOWLEDGE_DIR),
    dataDir: path.resolve(config.DATA_DIR),
    embeddings: createEmbeddings(config),
    log,
    extraDocuments: store ? storeDocumentSource(store, log) : undefined,
  });
  if (rebuild && !service.status.rebuilt) await service.reload(true);
  return service;
}

const commands: Record<string, Handler> = {
  async index(argv, io, config) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } });
    const kb = await openKnowledge(config, true);
    const s = kb.status;
    if (values.json) {
      io.out(JSON.stringify({ documents: s.documents, chunks: s.chunks, buildMs: s.buildMs, skipped: s.skipped, embeddings: s.embeddings }));
      return 0;
    }
    io.out(`Indexed ${s.documents.length} documents into ${s.chunks} chunks in ${s.buildMs} ms (embeddings: ${s.embeddings}).`);
    for (const d of s.documents) io.out(`  ${d.docId}: ${d.title} (${d.chunks} chunks)`);
    for (const f of s.skipped) io.out(`  skipped ${f.file}: ${f.reason}`);
    return 0;
  },

  async search(argv, io, config) {
    const { values, positionals } = parseCommandArgs(argv, { k: { type: 'string' }, json: { type: 'boolean' } });
    const query = requireQuestion(positionals);
    const k = parseK(values.k);
    const kb = await openKnowledge(config);
    const result = await kb.search(query, { k });
    const json = {
      query,
      relevant: result.relevant,
      hits: result.hits.map((h) => ({
        rank: h.rank,
        docId: h.chunk.docId,
        title: h.chunk.title,
        section: h.chunk.section,
        text: h.chunk.text,
        score: h.score,
      })),
    };
    if (values.json) {
      io.out(JSON.stringify(json));
      return 0;
    }
    const shown = printable(query);
    io.out(result.relevant ? `Results for: ${shown}` : `Nothing relevant in the handbook for: ${shown}`);
    for (const h of json.hits) io.out(`\n[${h.rank}] ${h.title} › ${h.section}  (score ${h.score})\n${h.text}`);
    return 0;
  },
};

/** The query as echoed to a terminal: control characters (escape sequences, bidi overrides) become U+FFFD. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
}

/** A throwaway app (in-memory database) for commands that read but must not record anything. */
async function openApp(config: AppConfig, dbFile = ':memory:') {
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const [{ createApp }, documentStore] = await Promise.all([import('../app.js'), addedDocuments(config)]);
  return createApp(config, log, { dbFile, documentStore, onIndexProgress: indexProgress, warmAnswers: false, answerWorkers: 0 });
}

commands.ask = async (argv, io, config) => {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  const question = requireQuestion(positionals);
  const [app, { renderText }, { answerReply }, { detectScript }] = await Promise.all([
    openApp(config),
    import('../platforms/console/render.js'),
    import('../core/replies.js'),
    import('../text/script.js'),
  ]);
  try {
    const r = await app.answerer.ask(question);
    if (values.json) {
      io.out(JSON.stringify({ answered: r.answered, answer: r.answer, citations: r.citations, mode: r.mode, ...(r.fallbackReason ? { fallbackReason: r.fallbackReason } : {}) }));
    } else {
      io.out(renderText({ ...answerReply(r, detectScript(question), '', ''), actions: [] }));
    }
    return 0;
  } finally {
    await app.close();
  }
};

commands.stats = async (argv, io, config) => {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, top: { type: 'string' } });
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > 100) throw new UsageError('--top must be a whole number from 1 to 100');
  const file = path.join(config.DATA_DIR, 'assistant.db');
  const [{ openStorage }, { AnalyticsStore }] = await Promise.all([import('../storage/database.js'), import('../analytics/store.js')]);
  // Reading stats must not create a database file where there was none.
  const storage = await openStorage({
    databaseUrl: config.DATABASE_URL,
    sqliteFile: config.DATABASE_URL || existsSync(file) ? file : ':memory:',
  });
  try {
    const s = await new AnalyticsStore(storage.db, config.ANALYTICS_SALT).stats(top);
    if (values.json) io.out(JSON.stringify(s));
    else {
      io.out(`Questions: ${s.questions}, answered: ${s.answered} (${(s.answeredRate * 100).toFixed(1)}%)`);
      io.out(`Feedback: 👍 ${s.feedback.up}  👎 ${s.feedback.down}`);
      if (s.topUnanswered.length) io.out(`Most frequent unanswered:\n${s.topUnanswered.map((u) => `  ${u.count}× ${u.question}`).join('\n')}`);
    }
    return 0;
  } finally {
    await storage.close();
  }
};

commands.precheck = async (argv, io, config) => {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('usage: precheck <file> [--json]');
  if (!existsSync(file)) throw new UsageError(`file not found: ${file}`);
  const { PrecheckInputError, precheckFileToJson } = await import('../precheck/index.js');
  // The file is read and checked before the handbook index opens: bad input fails at once.
  let app: Awaited<ReturnType<typeof openApp>> | undefined;
  const checkerOnFirstUse: Prechecker = {
    rules: [],
    async check(text, opts) {
      app ??= await openApp(config);
      return app.prechecker.check(text, opts);
    },
  };
  try {
    const json = await precheckFileToJson(file, checkerOnFirstUse);
    if (values.json) io.out(JSON.stringify(json));
    else {
      io.out(`Verdict: ${json.verdict}`);
      for (const f of json.findings) io.out(`- [${f.severity}] ${f.rule}: ${f.message}${f.evidence ? `\n    “${f.evidence}”` : ''}\n    → ${f.suggestion} (${f.basis})`);
    }
    return 0;
  } catch (err) {
    if (err instanceof PrecheckInputError) throw new UsageError(err.message);
    throw err;
  } finally {
    await app?.close();
  }
};

commands.credit = async (argv, io) => {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('usage: credit <file.json> [--json]');
  const { creditFileToJson, creditResultText } = await import('../credit/index.js');
  const r = creditFileToJson(file);
  if (values.json || !r.ok) {
    (r.ok ? io.out : values.json ? io.out : io.err)(JSON.stringify(r));
  } else {
    io.out(creditResultText(r));
  }
  return r.ok ? 0 : 2;
};

commands.schedule = async (argv, io, config) => {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  if (positionals[0] !== 'next' || positionals.length > 1) throw new UsageError('usage: schedule next [--json]');
  const [app, { nextFireTimes }] = await Promise.all([openApp(config), import('../schedule/cli.js')]);
  try {
    const next = nextFireTimes(app.scheduling.registry.all(), new Date());
    if (values.json) io.out(JSON.stringify(next));
    else if (!next.length) io.out('Nothing is scheduled: no reminder is enabled (reminders.yaml skips `enabled: false` ones; /remind add adds one from chat).');
    else for (const n of next) io.out(`${n.nextLocal}  ${n.id}  (${n.cron} ${n.timezone} → ${n.platform}:${n.channel})`);
    return 0;
  } finally {
    await app.close();
  }
};

commands.digest = async (argv, io, config) => {
  const { values, positionals } = parseCommandArgs(argv, {
    json: { type: 'boolean' },
    channel: { type: 'string' },
    platform: { type: 'string' },
  });
  if (positionals[0] !== 'preview' || positionals.length > 1) throw new UsageError('usage: digest preview --channel <id> [--platform slack|feishu] [--json]');
  if (!values.channel?.trim()) throw new UsageError('--channel is required');
  if (values.platform && values.platform !== 'slack' && values.platform !== 'feishu') throw new UsageError('--platform must be slack or feishu');
  const file = path.join(config.DATA_DIR, 'assistant.db');
  const [app, { previewDigest }] = await Promise.all([openApp(config, existsSync(file) ? file : ':memory:'), import('../schedule/cli.js')]);
  try {
    const preview = await previewDigest(values.channel.trim(), app.scheduling, values.platform as 'slack' | 'feishu' | undefined);
    if (values.json) io.out(JSON.stringify(preview));
    else io.out(JSON.stringify(preview, null, 2));
    return 0;
  } finally {
    await app.close();
  }
};

commands.backup = backupCommand;

export function registerCliCommand(name: string, handler: Handler): void {
  commands[name] = handler;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help') {
    (name ? io.out : io.err)(USAGE);
    return name ? 0 : 2;
  }
  const handler = commands[name];
  if (!handler) {
    io.err(`unknown command "${name}" — run "cli help" for the list`);
    return 2;
  }
  try {
    const config = loadConfig();
    return await handler(rest, io, config);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}`);
      return 2;
    }
    io.err(`error: ${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}`);
    return exitCodeFor(err);
  }
}

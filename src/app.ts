import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AnalyticsStore } from './analytics/store.js';
import { createAnswerer, type ConfiguredAnswerer } from './answer/index.js';
import { createWorkerAnswerer, type WorkerAnswererOptions } from './answer-pool.js';
import { loadSmallTalk } from './core/small-talk.js';
import { BotCore } from './core/core.js';
import { EventDeduper } from './core/dedupe.js';
import { SharedReplies } from './core/shared-replies.js';
import { createKnowledgeFeature } from './knowledge/commands.js';
import { KnowledgeVersion } from './knowledge/shared-version.js';
import { SharedConversationMemory } from './answer/shared-memory.js';
import type { Feature, Platform, PostTarget, Reply } from './core/types.js';
import type { AppConfig } from './config/config.js';
import { createCreditFeature } from './credit/index.js';
import { KnowledgeService } from './knowledge/service.js';
import { createEmbeddings } from './config/embeddings.js';
import { createScheduling } from './schedule/index.js';
import { createChatModel } from './answer/llm.js';
import { createPrecheckAudit, createPrechecker, createPrecheckCommand, type Prechecker } from './precheck/index.js';
import { createLlmReview } from './precheck/llm-review.js';
import { createLlmSummariser } from './schedule/llm-summary.js';
import { openStorage, type Db, type Storage } from './storage/database.js';
import type { BotMetrics } from './ops/metrics.js';
import { createDocumentsFeature } from './documents/chat.js';
import { storeDocumentSource } from './documents/source.js';
import { KyselyDocumentStore, type DocumentStore } from './documents/store.js';
import { KnowledgeUpdater } from './documents/updater.js';
import { buildIndexOffThread } from './index-build.js';
import { loadCleaningRules } from './knowledge/cleaning.js';
import { syncDocuments } from './documents/sync.js';
import type { FeishuDocsReader } from './platforms/feishu/docs.js';

export interface App {
  config: AppConfig;
  log: Logger;
  storage: Storage;
  /** The database every store uses (tests read it directly). */
  db: Db;
  knowledge: KnowledgeService;
  answerer: ConfiguredAnswerer;
  analytics: AnalyticsStore;
  dedupe: EventDeduper;
  core: BotCore;
  /** Every feature registered with the core, in registration order. */
  features: readonly Feature[];
  credit: ReturnType<typeof createCreditFeature>;
  prechecker: Prechecker;
  scheduling: Awaited<ReturnType<typeof createScheduling>>;
  /** Documents added at run time (chat, CLI, dashboard, Feishu sync) and the live re-index. */
  documents: { store: DocumentStore; updater: KnowledgeUpdater };
  /** Starts the features' background work (the scheduler); main.ts calls it once platforms are up. */
  start(): Promise<void>;
  /** Stops every feature (last registered first), then closes the database. */
  close(): Promise<void>;
}

export interface AppOptions {
  /** Tests pass `:memory:`; default `DATA_DIR/assistant.db`. Ignored when DATABASE_URL is set. */
  dbFile?: string;
  /** Time source (ms) for the core, the answerer and the scheduler; tests move it by hand. */
  now?: () => number;
  /** Counts questions and pre-checks (the bot process; the CLI leaves it out). */
  metrics?: BotMetrics;
  /** Steps of an index build, for a progress line on the terminal. */
  onIndexProgress?: (step: string) => void;
  /**
   * Prepare every passage for answering at start (default). One-shot CLI calls skip it: they
   * answer at most one question, and the preparation costs more than that question.
   */
  warmAnswers?: boolean;
  /** Worker threads for answers; default ANSWER_WORKERS (one-shot CLI calls pass 0). */
  answerWorkers?: number;
  /** Tests: the module the answer threads run instead of answer-worker (slow, or dying), and its data. */
  answerWorker?: Pick<WorkerAnswererOptions, 'workerEntry' | 'workerData'>;
  /** Where added documents come from; default: this app's database. The CLI's throwaway apps read the real one. */
  documentStore?: DocumentStore;
}

/**
 * The composition root: every domain feature wired into one platform-neutral core. Platform
 * adapters and the HTTP server are attached by `main.ts`, so this is also what the CLI and
 * the tests build. Adding a feature: build it here and put it in `features`.
 */
export async function createApp(config: AppConfig, log: Logger, options: AppOptions = {}): Promise<App> {
  const dbFile = options.dbFile ?? path.join(config.DATA_DIR, 'assistant.db');
  const storage = await openStorage({ databaseUrl: config.DATABASE_URL, sqliteFile: dbFile, poolSize: config.DATABASE_POOL_SIZE });
  const db = storage.db;
  log.info({ storage: storage.where }, 'storage ready');
  const documentStore = options.documentStore ?? new KyselyDocumentStore(db);
  const handbookVersion = new KnowledgeVersion(db, log);
  const markAtOpen = await KnowledgeUpdater.mark(documentStore, handbookVersion);
  const knowledge = await KnowledgeService.open({
    knowledgeDir: path.resolve(config.KNOWLEDGE_DIR),
    dataDir: path.resolve(config.DATA_DIR),
    embeddings: createEmbeddings(config),
    log,
    onProgress: options.onIndexProgress,
    extraDocuments: storeDocumentSource(documentStore, log),
  });
  // Replicas share follow-up context through the database; one process keeps it in memory.
  const memory = storage.engine === 'postgres' ? new SharedConversationMemory(db, { now: options.now }) : undefined;
  const inProcess = createAnswerer({ retriever: knowledge, config, log, now: options.now, ...(memory ? { memory } : {}) });
  // LLM answers mostly wait on the network and stream from this thread: no pool for them.
  const answerWorkers = inProcess.preferredMode === 'llm' ? 0 : (options.answerWorkers ?? config.ANSWER_WORKERS);
  const pool =
    answerWorkers > 0
      ? createWorkerAnswerer({ inProcess, indexHash: () => knowledge.status.contentHash, config, workers: answerWorkers, log, ...options.answerWorker })
      : undefined;
  const answerer: ConfiguredAnswerer = pool ?? inProcess;
  options.metrics?.instrumentAnswerer(answerer);
  if (options.warmAnswers !== false) answerer.warm(knowledge.retriever.chunks);

  const analytics = new AnalyticsStore(db, config.ANALYTICS_SALT, config.PRECHECK_STORE_TEXT);
  const dedupe = new EventDeduper(db);
  const sharedReplies = new SharedReplies(db);
  // A knowledge folder kept from before small talk existed still starts (questions are then all searched).
  const smallTalkFile = path.join(config.KNOWLEDGE_DIR, 'small-talk.yaml');
  const smallTalk = existsSync(smallTalkFile) ? loadSmallTalk(smallTalkFile) : undefined;
  const core = new BotCore({
    answerer,
    questions: analytics,
    sharedReplies,
    dedupe,
    log,
    smallTalk,
    now: options.now,
    rateLimits: { perUserPerMinute: config.RATE_LIMIT_PER_USER_PER_MINUTE, perChannelPerMinute: config.RATE_LIMIT_PER_CHANNEL_PER_MINUTE },
  });

  const post = (target: PostTarget, reply: Reply) => core.post(target, reply);
  const notifyUser = (platform: Platform, userId: string, reply: Reply) => core.notifyUser(platform, userId, reply);
  const chatModel = config.llmEnabled ? createChatModel(config) : undefined;
  const cite = (topic: string) => knowledge.cite(topic);
  // The scheduler follows the same injectable time as the core, so tests can move its clock.
  const now = options.now;

  const credit = createCreditFeature({ db, engine: storage.engine, config, messenger: { post, notifyUser }, logger: log });
  const uncountedPrechecker = createPrechecker({
    rulesPath: path.join(config.KNOWLEDGE_DIR, 'rules', 'contract.yaml'),
    // Pre-check findings cite a handbook sentence only when it is about the rule.
    handbookPassages: async (topic) => {
      const { relevant, hits } = await knowledge.search(topic, { k: 5 });
      return relevant ? hits.map((h) => ({ docId: h.chunk.docId, title: h.chunk.title, section: h.chunk.section, text: h.chunk.text })) : [];
    },
    creditLookup: credit.workflow,
    llmReview: chatModel ? createLlmReview(chatModel, config.PROMPTS_DIR) : undefined,
    llmTimeoutMs: config.LLM_TIMEOUT_MS,
    log,
  });
  const prechecker = options.metrics ? options.metrics.instrumentPrechecker(uncountedPrechecker) : uncountedPrechecker;
  const precheck: Feature = {
    name: 'precheck',
    commands: [
      createPrecheckCommand({
        prechecker,
        audit: createPrecheckAudit(db, { salt: config.ANALYTICS_SALT, storeText: config.PRECHECK_STORE_TEXT }),
        // A kept copy quotes the contract's clauses: with PRECHECK_STORE_TEXT=false nothing is kept
        // and the report has no Share button (the asker can forward it themselves).
        ...(config.PRECHECK_STORE_TEXT ? { shareId: (reply: Reply) => sharedReplies.save({ ...reply, actions: [], visibility: 'in_channel' }) } : {}),
        log,
      }),
    ],
  };
  const scheduling = await createScheduling({
    db,
    config,
    post,
    citer: cite,
    summarise: chatModel ? createLlmSummariser(chatModel, config.PROMPTS_DIR, config.LLM_TIMEOUT_MS) : undefined,
    logger: log,
    ...(now ? { clock: { now: () => new Date(now()) } } : {}),
    // Replicas sharing PostgreSQL look at the store every 30 s for runs a dead replica left.
    ...(storage.engine === 'postgres' ? { maxSleepMs: 30_000 } : {}),
  });
  const features: Feature[] = [credit, precheck, scheduling];
  const afterReload = async () => {
    answerer.warm(knowledge.retriever.chunks);
    for (const feature of features) await feature.reload?.();
  };
  // A worker thread reads the documents through the storage layer (the SQLite file, or PostgreSQL)
  // and builds the index off the answer path; an in-memory SQLite database it cannot see.
  const workerCanRead = storage.engine === 'postgres' || dbFile !== ':memory:';
  const offThread = workerCanRead && !options.documentStore ? () => buildIndexOffThread(config, path.resolve(dbFile)) : undefined;
  const updater = new KnowledgeUpdater(knowledge, documentStore, afterReload, log, markAtOpen, offThread, handbookVersion);
  const documents = createDocumentsFeature({
    store: documentStore,
    knowledge,
    updater,
    watchEveryMs: config.KB_FOLLOW_SECONDS * 1000,
    cleaningRules: () => loadCleaningRules(path.join(config.KNOWLEDGE_DIR, 'cleaning.yaml')),
    adminIds: config.ADMIN_IDS,
    log,
    ...feishuSync(config, log, documentStore, () => updater),
    precheck: async (files, origin) => {
      const command = core.listCommands().find((c) => c.name === 'precheck');
      if (!command) throw new Error('pre-check is not available');
      return command.handle('', { origin, files });
    },
  });
  features.push(
    documents,
    createKnowledgeFeature({ knowledge, adminIds: config.ADMIN_IDS, afterReload, documents: documents.chat, reloadAll: () => updater.reloadAll() }),
  );
  for (const feature of features) core.registerFeature(feature);

  return {
    config,
    log,
    storage,
    db,
    knowledge,
    answerer,
    analytics,
    dedupe,
    core,
    features,
    credit,
    prechecker,
    scheduling,
    documents: { store: documentStore, updater },
    async start() {
      for (const feature of features) await feature.start?.();
    },
    async close() {
      for (const feature of [...features].reverse()) await feature.stop?.();
      await pool?.close();
      await storage.close();
    },
  };
}

/** Feishu Docs/Wiki sync into the document store, when spaces, folders or documents are configured. */
function feishuSync(config: AppConfig, log: Logger, store: DocumentStore, updater: () => KnowledgeUpdater) {
  if (!config.feishuSyncEnabled) return {};
  // The Feishu SDK loads when the first sync runs, not with every app (CLI calls, Slack-only bots).
  let reader: Promise<FeishuDocsReader> | undefined;
  const readerOnce = () =>
    (reader ??= Promise.all([import('./platforms/feishu/api.js'), import('./platforms/feishu/docs.js')]).then(
      ([{ FeishuApi, resolveDomain }, { FeishuDocsReader }]) =>
        new FeishuDocsReader(new FeishuApi({ appId: config.FEISHU_APP_ID!, appSecret: config.FEISHU_APP_SECRET!, domain: resolveDomain(config.FEISHU_DOMAIN), log }), {
          wikiSpaces: config.FEISHU_SYNC_WIKI_SPACES,
          folders: config.FEISHU_SYNC_FOLDERS,
          documents: config.FEISHU_SYNC_DOCUMENTS,
        }),
    ));
  return { sync: async () => syncDocuments(await readerOnce(), store, updater(), log), syncCron: config.FEISHU_SYNC_CRON };
}

import path from 'node:path';
import { loadConfig, type AppConfig } from '../config/config.js';
import { KnowledgeService } from '../knowledge/service.js';
import { createLogger } from '../log/logger.js';
import { createEmbeddings } from '../retrieval/embeddings-factory.js';
import { parseCommandArgs, parseK, requireQuestion, UsageError } from './args.js';

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
  digest preview --channel <id> [--json]`;

async function openKnowledge(config: AppConfig, rebuild = false): Promise<KnowledgeService> {
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const service = await KnowledgeService.open({
    knowledgeDir: path.resolve(config.KNOWLEDGE_DIR),
    dataDir: path.resolve(config.DATA_DIR),
    embeddings: createEmbeddings(config),
    log,
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
    io.out(result.relevant ? `Results for: ${query}` : `Nothing relevant in the handbook for: ${query}`);
    for (const h of json.hits) io.out(`\n[${h.rank}] ${h.title} › ${h.section}  (score ${h.score})\n${h.text}`);
    return 0;
  },
};

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
    const e = err as Error;
    io.err(`error: ${e.message?.split('\n')[0] ?? String(err)}`);
    return e.name === 'ConfigError' || e.name === 'DataFileError' ? 2 : 1;
  }
}

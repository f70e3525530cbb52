import { existsSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { createApp } from '../app.js';
import { parseCommandArgs, UsageError } from './args.js';
import type { CliIo } from './commands.js';
import type { AppConfig } from '../config/config.js';
import { loadCleaningRules } from '../knowledge/cleaning.js';
import { createLogger } from '../log/logger.js';
import { MAX_DOCUMENT_BYTES, previewDocument } from '../documents/preview.js';

const USAGE = 'usage: kb add <file> [--json] | kb list [--json] | kb remove <docId> [--json]';

function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** `cli kb add|list|remove`: the same document store and re-index as `/kb` in chat. */
export async function kbCli(argv: string[], io: CliIo, config: AppConfig): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
  const [sub, arg, ...extra] = positionals;
  if (!sub || extra.length) throw new UsageError(USAGE);
  if (sub === 'add') {
    if (!arg) throw new UsageError('usage: kb add <file> [--json]');
    if (!existsSync(arg) || !statSync(arg).isFile()) throw new UsageError(`file not found: ${arg}`);
    if (statSync(arg).size > MAX_DOCUMENT_BYTES) throw new UsageError(`file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB: ${arg}`);
  } else if (sub === 'remove') {
    if (!arg) throw new UsageError('usage: kb remove <docId> [--json]');
  } else if (sub !== 'list' || arg) {
    throw new UsageError(USAGE);
  }

  const app = await createApp(config, createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL), { answerWorkers: 0 });
  const { store, updater } = app.documents;
  try {
    if (sub === 'list') {
      const added = await store.list();
      const byId = new Map(added.map((d) => [d.docId, d]));
      const documents = app.knowledge.status.documents.map((d) => {
        const stored = byId.get(d.docId);
        return stored
          ? { docId: d.docId, title: d.title, source: stored.source, version: stored.version, fileName: stored.fileName, chunks: d.chunks, updatedAt: stored.updatedAt }
          : { docId: d.docId, title: d.title, source: 'handbook', chunks: d.chunks };
      });
      if (values.json) io.out(JSON.stringify({ documents }));
      else for (const d of documents) io.out(`${d.docId}\t${d.source}\t${d.title} (${d.chunks} chunks)`);
      return 0;
    }

    if (sub === 'remove') {
      const doc = await store.find(arg!);
      if (!doc) {
        const shipped = app.knowledge.status.documents.some((d) => d.docId === arg);
        throw new UsageError(shipped ? `${arg} ships with the bot (a file under the knowledge folder, KNOWLEDGE_DIR): edit or remove that file, then run kb reload` : `no added document "${arg}" (see kb list)`);
      }
      await store.remove(doc.docId, cliActor());
      const status = await updater.refresh();
      const out = { ok: true, removed: { docId: doc.docId, title: doc.title }, documents: status.documents.length, chunks: status.chunks };
      io.out(values.json ? JSON.stringify(out) : `Removed ${doc.docId} (${doc.title}); ${status.documents.length} documents, ${status.chunks} chunks.`);
      return 0;
    }

    const file = arg!;
    const data = new Uint8Array(readFileSync(file));
    const fileName = path.basename(file);
    const preview = await previewDocument(fileName, data, loadCleaningRules(path.join(config.KNOWLEDGE_DIR, 'cleaning.yaml')));
    const summary = {
      title: preview.title,
      sections: preview.sections.map((s) => s.join(' › ')),
      chunks: preview.chunkCount,
      characters: preview.characters,
      removed: preview.removed,
      warnings: preview.warnings,
    };
    if (preview.error) {
      if (values.json) io.out(JSON.stringify({ ok: false, error: preview.error, preview: summary }));
      else io.err(`error: ${preview.error}`);
      return 2;
    }
    const { document, outcome } = await store.add({ title: preview.title, fileName, data, actor: cliActor() });
    const status = await updater.refresh();
    const indexed = status.documents.find((d) => d.docId === document.docId);
    const out = { ok: true, outcome, docId: document.docId, title: document.title, source: document.source, version: document.version, indexedChunks: indexed?.chunks ?? 0, buildMs: status.buildMs, preview: summary };
    if (values.json) io.out(JSON.stringify(out));
    else {
      io.out(`${outcome} ${document.docId} v${document.version}: ${document.title} (${out.indexedChunks} chunks, ${summary.sections.length} sections)`);
      for (const w of preview.warnings) io.out(`  warning: ${w.message}`);
    }
    return 0;
  } finally {
    await app.close();
  }
}

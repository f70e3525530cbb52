import type { Logger } from 'pino';
import type { SyncOutcome } from './chat.js';
import type { DocumentStore } from './store.js';
import type { KnowledgeUpdater } from './updater.js';

/**
 * Keeps the knowledge base in step with an outside document system (Feishu Docs / Wiki): new and
 * changed documents are stored as new versions, documents gone from the source are removed, and
 * the index is rebuilt once at the end. A source that cannot be listed changes nothing, so an
 * outage never empties the knowledge base.
 */

export interface RemoteDocument {
  /** The source's id (Feishu document token). */
  ref: string;
  title: string;
  /** Changes with every edit (Feishu revision id); equal revision → not fetched again. */
  revision: string;
}

export interface DocumentSourceReader {
  /** Every document under the configured spaces, folders and tokens. Throws when any cannot be listed. */
  list(): Promise<RemoteDocument[]>;
  /** The document as markdown: headings as `#` lines (they become section paths), paragraphs as text. */
  markdown(ref: string): Promise<string>;
}

export const SYNC_ACTOR = 'feishu-sync';

/** The stored file name carries the revision, so an unchanged document is recognised without fetching it. */
export const syncedFileName = (d: RemoteDocument) => `feishu-${d.ref}-r${d.revision}.md`;

export async function syncDocuments(
  reader: DocumentSourceReader,
  store: DocumentStore,
  updater: KnowledgeUpdater,
  log?: Logger,
): Promise<SyncOutcome> {
  const outcome: SyncOutcome = { added: 0, updated: 0, removed: 0, unchanged: 0, failed: [] };
  const remote = await reader.list();
  const seen = new Set<string>();
  for (const doc of remote) {
    if (seen.has(doc.ref)) continue; // the same document linked from two places
    seen.add(doc.ref);
    const stored = await store.findBySource('feishu', doc.ref);
    if (stored && stored.fileName === syncedFileName(doc) && stored.title === doc.title) {
      outcome.unchanged++;
      continue;
    }
    try {
      const markdown = await reader.markdown(doc.ref);
      const result = await store.add({
        title: doc.title,
        fileName: syncedFileName(doc),
        data: new TextEncoder().encode(markdown),
        actor: SYNC_ACTOR,
        source: 'feishu',
        sourceRef: doc.ref,
      });
      if (result.outcome === 'added') outcome.added++;
      else if (result.outcome === 'replaced') outcome.updated++;
      else outcome.unchanged++;
    } catch (err) {
      // This document keeps its last synced version; the others go on.
      outcome.failed.push({ ref: doc.ref, reason: (err as Error).message.slice(0, 160) });
      log?.warn({ ref: doc.ref, err: (err as Error).message.slice(0, 160) }, 'feishu document not synced');
    }
  }
  for (const stored of await store.list()) {
    if (stored.source === 'feishu' && stored.sourceRef && !seen.has(stored.sourceRef)) {
      await store.remove(stored.docId, SYNC_ACTOR);
      outcome.removed++;
    }
  }
  if (outcome.added || outcome.updated || outcome.removed) await updater.refresh();
  log?.info({ ...outcome, failed: outcome.failed.length }, 'feishu documents synced');
  return outcome;
}

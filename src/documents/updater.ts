import type { Logger } from 'pino';
import type { KnowledgeStatus } from '../knowledge/knowledge-base.js';
import type { KnowledgeService } from '../knowledge/service.js';
import type { KnowledgeVersion } from '../knowledge/shared-version.js';
import type { DocumentStore } from './store.js';

/** What this replica has indexed: the document store's revision and the shared handbook version. */
export interface IndexedMark {
  documents: string;
  handbook: number;
}

/**
 * The one way a knowledge change reaches every replica. Re-indexes after a document change and
 * swaps the new index in; questions in flight keep the index they started with. Changes are
 * serialised: while one build runs, any number of further requests share one follow-up build, so
 * the last change is always indexed and never twice at once. `/kb reload` goes through `reloadAll`,
 * which bumps the shared handbook version. Other replicas see either change through `watch`,
 * which compares both marks with what they last indexed.
 */
export class KnowledgeUpdater {
  private running: Promise<KnowledgeStatus> | null = null;
  private queued: Promise<KnowledgeStatus> | null = null;
  /** The next queued build re-reads the handbook files too (a `/kb reload` elsewhere). */
  private forceNext = false;
  private indexed: IndexedMark | null;

  /** `markAtOpen`: read before the knowledge base was opened (a later change is then never missed). */
  constructor(
    private readonly knowledge: KnowledgeService,
    private readonly store: DocumentStore,
    private readonly afterReload: (status: KnowledgeStatus) => void | Promise<void>,
    private readonly log?: Logger,
    markAtOpen: IndexedMark | null = null,
    /** Builds the index elsewhere (a worker thread) so this thread only loads it; without it, it builds here. */
    private readonly buildOffThread?: () => Promise<unknown>,
    private readonly handbookVersion?: KnowledgeVersion,
  ) {
    this.indexed = markAtOpen;
  }

  static async mark(store: DocumentStore, version?: KnowledgeVersion): Promise<IndexedMark> {
    return { documents: await store.revision(), handbook: version ? await version.current() : 0 };
  }

  refresh(force = false): Promise<KnowledgeStatus> {
    if (force) this.forceNext = true;
    if (this.queued) return this.queued;
    if (this.running) {
      this.queued = this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = null;
          return this.run();
        });
      return this.queued;
    }
    return this.run();
  }

  /** `/kb reload`: re-read everything here, then tell the other replicas. */
  async reloadAll(): Promise<KnowledgeStatus> {
    const status = await this.refresh(true);
    if (this.handbookVersion) {
      const handbook = await this.handbookVersion.bump();
      if (this.indexed) this.indexed = { ...this.indexed, handbook: Math.max(this.indexed.handbook, handbook) };
    }
    return status;
  }

  /** Polls both marks; returns a stop function. */
  watch(intervalMs: number): () => void {
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return;
      polling = true;
      void (async () => {
        const mark = await KnowledgeUpdater.mark(this.store, this.handbookVersion);
        if (this.running) return;
        const handbookChanged = mark.handbook !== (this.indexed?.handbook ?? 0);
        if (mark.documents !== this.indexed?.documents || handbookChanged) {
          this.log?.info({ revision: mark.documents, handbook: mark.handbook }, 'knowledge changed elsewhere: re-indexing');
          await this.refresh(handbookChanged);
        }
      })()
        .catch((err) => this.log?.warn({ err: (err as Error).message }, 'knowledge watch failed'))
        .finally(() => {
          polling = false;
        });
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private run(): Promise<KnowledgeStatus> {
    const current = (async () => {
      const force = this.forceNext;
      this.forceNext = false;
      const mark = await KnowledgeUpdater.mark(this.store, this.handbookVersion);
      // A forced reload rebuilds from the files here anyway, so a worker's build would be wasted.
      if (this.buildOffThread && !force) {
        // A failed off-thread build is not fatal: the reload below then builds here.
        await this.buildOffThread().catch((err) => this.log?.warn({ err: (err as Error).message.slice(0, 200) }, 'index build in a worker failed; building in the bot thread'));
      }
      const status = await this.knowledge.reload(force);
      this.indexed = mark;
      await this.afterReload(status);
      return status;
    })();
    this.running = current;
    void current
      .catch(() => undefined)
      .finally(() => {
        if (this.running === current) this.running = null;
      });
    return current;
  }
}

import type { Logger } from 'pino';
import type { KnowledgeStatus } from '../knowledge/knowledge-base.js';
import type { KnowledgeService } from '../knowledge/service.js';
import type { DocumentStore } from './store.js';

/**
 * Re-indexes after a document change and swaps the new index in; questions in flight keep the
 * index they started with. Changes are serialised: while one build runs, any number of further
 * requests share one follow-up build, so the last change is always indexed and never twice at once.
 * Other replicas see a change through `watch`, which compares the store's revision.
 */
export class KnowledgeUpdater {
  private running: Promise<KnowledgeStatus> | null = null;
  private queued: Promise<KnowledgeStatus> | null = null;
  private indexedRevision: string | null;

  /** `revisionAtOpen`: the store's revision read before the knowledge base was opened (a later change is then never missed). */
  constructor(
    private readonly knowledge: KnowledgeService,
    private readonly store: DocumentStore,
    private readonly afterReload: (status: KnowledgeStatus) => void | Promise<void>,
    private readonly log?: Logger,
    revisionAtOpen: string | null = null,
    /** Builds the index elsewhere (a worker thread) so this thread only loads it; without it, it builds here. */
    private readonly buildOffThread?: () => Promise<unknown>,
  ) {
    this.indexedRevision = revisionAtOpen;
  }

  refresh(): Promise<KnowledgeStatus> {
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

  /** Polls the store's revision; returns a stop function. */
  watch(intervalMs: number): () => void {
    const timer = setInterval(() => {
      void (async () => {
        const revision = await this.store.revision();
        if (revision !== this.indexedRevision && !this.running) {
          this.log?.info({ revision }, 'knowledge documents changed elsewhere: re-indexing');
          await this.refresh();
        }
      })().catch((err) => this.log?.warn({ err: (err as Error).message }, 'knowledge document watch failed'));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private run(): Promise<KnowledgeStatus> {
    const current = (async () => {
      const revision = await this.store.revision();
      if (this.buildOffThread) {
        // A failed off-thread build is not fatal: the reload below then builds here.
        await this.buildOffThread().catch((err) => this.log?.warn({ err: (err as Error).message.slice(0, 200) }, 'index build in a worker failed; building in the bot thread'));
      }
      const status = await this.knowledge.reload(false);
      this.indexedRevision = revision;
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

import path from 'node:path';
import type { Logger } from 'pino';
import { bestSentence, shortQuote } from '../answer/extractive.js';
import { queryTerms } from '../answer/terms.js';
import { toSimplified } from '../text/script.js';
import type { EmbeddingsProvider } from '../retrieval/embeddings.js';
import type { HybridOptions } from '../retrieval/hybrid.js';
import type { HandbookCitation, Retriever, SearchOptions, SearchResult } from '../retrieval/types.js';
import { buildLexicalIndexInWorker } from './index-worker.js';
import { cleanLeftoverBuilds } from './leftover-builds.js';
import { loadKnowledgeBase, type ExtraDocumentSource, type KnowledgeBase, type KnowledgeStatus } from './knowledge-base.js';

/**
 * The live knowledge base: a Retriever whose index can be swapped (`kb reload`) without a
 * restart. A reload builds on a worker thread while answers keep coming from the current index,
 * which is replaced in one assignment when the new one is stored and open; searches in flight
 * keep the index they started with, and a failed build leaves the current index in place.
 */
export class KnowledgeService implements Retriever {
  /** The reload in progress: a second request while one runs waits for it instead of building twice. */
  private pending: Promise<KnowledgeStatus> | null = null;

  private constructor(
    private current: KnowledgeBase,
    private readonly options: {
      knowledgeDir: string;
      dataDir: string;
      embeddings?: EmbeddingsProvider | null;
      retrieval?: HybridOptions;
      log?: Logger;
      extraDocuments?: ExtraDocumentSource;
      /** Told each step of a (re)build, for a progress line. */
      onProgress?: (step: string) => void;
    },
  ) {}

  static async open(options: KnowledgeService['options']): Promise<KnowledgeService> {
    // Nothing of this process builds yet: any leftover of a killed build goes, ours by pid too.
    const removed = cleanLeftoverBuilds(path.join(options.dataDir, 'index'), true);
    if (removed.length) options.log?.warn({ removed }, 'knowledge: removed leftovers of an interrupted index build');
    return new KnowledgeService(await loadKnowledgeBase(options), options);
  }

  get status(): KnowledgeStatus {
    return this.current.status;
  }

  get retriever() {
    return this.current.retriever;
  }

  /** Rebuilds when the knowledge files changed (or always, with force) and swaps the index in. */
  reload(force = true): Promise<KnowledgeStatus> {
    this.pending ??= loadKnowledgeBase({ ...this.options, rebuild: force }, buildLexicalIndexInWorker)
      .then((next) => {
        this.current = next;
        return next.status;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** The current index's segmenter (it knows the loaded glossary's words). */
  get tokenizer() {
    return this.current.retriever.tokenizer;
  }

  englishTopics(query: string) {
    return this.current.retriever.englishTopics(query);
  }

  expandQuery(query: string) {
    return this.current.retriever.expandQuery(query);
  }

  search(query: string, options?: SearchOptions): Promise<SearchResult> {
    return this.current.retriever.search(query, options);
  }

  /** The best passage supporting a topic, for citations outside Q&A (pre-check, digests). */
  async cite(topic: string): Promise<HandbookCitation | null> {
    // Only the handbook: a pre-check finding or a case must not cite a rule explanation or a case as its source.
    const { relevant, hits } = await this.search(topic, { k: 5 });
    const top = hits.find((h) => (h.chunk.kind ?? 'handbook') === 'handbook');
    if (!relevant || !top) return null;
    // The sentence about the topic, cleaned and in one script, as answers quote it — not the
    // passage's first 160 characters with its line breaks and scraper debris.
    const sentence = bestSentence(top.chunk, queryTerms(topic, this.tokenizer));
    if (!sentence) return null;
    return {
      docId: top.chunk.docId,
      title: toSimplified(top.chunk.title),
      section: toSimplified(top.chunk.section),
      quote: shortQuote(toSimplified(sentence.text)),
    };
  }
}

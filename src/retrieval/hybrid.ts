import { normalise } from '../text/normalise.js';
import { Bm25Index } from './bm25.js';
import type { EmbeddingsProvider } from './embeddings.js';
import { englishNouns } from './english-lexicon.js';
import type { Glossary } from './glossary.js';
import { indexTerms, isEnglishQuestion, queryTerms, subWords, topicWords, translateQuestionEnglish, type EnglishTranslation, type WeightedTerm } from './tokenize.js';
import type { Chunk, Retriever, SearchHit, SearchOptions, SearchResult } from './types.js';
import type { VectorIndex } from './vector-index.js';

export type RetrievalMode = 'hybrid' | 'lexical' | 'dense';

export interface RelevanceDiagnostics {
  /** IDF-weighted share of the question's own topic words found in the best lexical hits. */
  coverage: number;
  /** Best dense cosine similarity. */
  topSimilarity: number;
  /** Number of the question's topic words that exist anywhere in the handbook. */
  knownTerms: number;
  /** Each topic word with its weight and the handbook forms it was matched through (none: unknown). */
  words?: { word: string; weight: number; present: string[] }[];
}

/** One thing the question asks about and the handbook words that would show a passage covers it. */
interface TopicUnit {
  word: string;
  forms: string[];
  /** How sure the question is about this unit: dictionary translations pick among several senses. */
  confidence: number;
}

/** A general-dictionary translation may be the wrong sense: it counts for this much of a curated one. */
const DICTIONARY_CONFIDENCE = 0.6;

export interface HybridOptions {
  mode?: RetrievalMode;
  /** Reciprocal-rank-fusion constant: small values trust the top ranks more. */
  rrfK?: number;
  /** Weight of the dense list in the fusion (lexical = 1). */
  denseWeight?: number;
  /** Minimum coverage for `relevant: true`. */
  minCoverage?: number;
  /** `score`: weighted sum of normalised scores; `rrf`: reciprocal-rank fusion. */
  fusion?: 'score' | 'rrf';
}

/** Weight of a question word the handbook never uses, relative to the rarest word it does use. */
const UNKNOWN_WORD_WEIGHT = 0.6;

export const DEFAULT_HYBRID: Required<HybridOptions> = {
  mode: 'hybrid',
  rrfK: 10,
  denseWeight: 0.15,
  minCoverage: 0.5,
  fusion: 'score',
};

/**
 * Lexical BM25 (words + bigrams + glossary) and dense vectors, fused by weighted reciprocal
 * rank. Relevance is judged separately from rank: a question is "covered" when enough of its
 * own topic words (IDF-weighted, glossary-expanded) occur in the best hits.
 */
export class HybridRetriever implements Retriever {
  private readonly bm25: Bm25Index;
  private readonly options: Required<HybridOptions>;

  constructor(
    readonly chunks: Chunk[],
    private readonly vectors: VectorIndex | null,
    private readonly embeddings: EmbeddingsProvider | null,
    private readonly glossary: Glossary,
    options: HybridOptions = {},
  ) {
    this.options = { ...DEFAULT_HYBRID, ...options };
    // Headings say what a passage is about: their terms count twice (a simple field boost).
    this.bm25 = new Bm25Index(chunks.map((c) => [...indexTerms(c.normText), ...indexTerms(normalise(c.section))]));
  }

  /** The weighted terms a query is searched with (own words, glossary synonyms and translations). */
  expandQuery(query: string): WeightedTerm[] {
    return queryTerms(normalise(query), this.glossary, query);
  }

  withOptions(options: HybridOptions): HybridRetriever {
    return new HybridRetriever(this.chunks, this.vectors, this.embeddings, this.glossary, { ...this.options, ...options });
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const { result } = await this.searchWithDiagnostics(query, options);
    return result;
  }

  async searchWithDiagnostics(
    query: string,
    options: SearchOptions = {},
  ): Promise<{ result: SearchResult; diagnostics: RelevanceDiagnostics }> {
    const k = options.k ?? 5;
    const norm = normalise(query);
    // Translated once: both the search terms and the relevance units are made from it.
    const english = translateQuestionEnglish(query, this.glossary);
    const terms = queryTerms(norm, this.glossary, query, english);
    const mode = this.options.mode;

    // The lexical ranking is always computed: relevance is judged on it whatever the mode.
    const lexicalRanking = this.lexicalRanking(terms);
    const lexical = mode === 'dense' ? [] : lexicalRanking;
    const dense = mode === 'lexical' || !this.vectors || !this.embeddings ? [] : await this.denseRanking(query, terms, norm);

    const fused = new Map<number, number>();
    if (this.options.fusion === 'rrf' || mode !== 'hybrid') {
      const addList = (list: { id: number }[], weight: number) =>
        list.forEach(({ id }, rank) => fused.set(id, (fused.get(id) ?? 0) + weight / (this.options.rrfK + rank + 1)));
      addList(lexical, 1);
      addList(dense, mode === 'dense' ? 1 : this.options.denseWeight);
    } else {
      // Score fusion keeps the margins RRF throws away: a clear lexical winner stays first
      // unless the dense side disagrees strongly.
      const top = lexical[0]?.score || 1;
      for (const { id, score } of lexical) fused.set(id, score / top);
      const sims = dense.map((d) => d.similarity);
      const lo = Math.min(...sims);
      const span = Math.max(...sims) - lo || 1;
      for (const { id, similarity } of dense) {
        fused.set(id, (fused.get(id) ?? 0) + this.options.denseWeight * ((similarity - lo) / span));
      }
    }

    const ranked = [...fused].sort((a, b) => b[1] - a[1]).slice(0, k);
    const diagnostics = this.relevance(this.topicTerms(query, norm, terms, english), lexicalRanking.slice(0, 3).map((l) => l.id), dense[0]?.similarity ?? 0);
    const relevant = ranked.length > 0 && diagnostics.coverage >= this.options.minCoverage;
    const hits: SearchHit[] = ranked.map(([id, score], i) => ({
      rank: i + 1,
      chunk: this.chunks[id]!,
      score: Math.round(score * 10000) / 10000,
    }));
    return { result: { query, relevant, hits }, diagnostics };
  }

  private lexicalRanking(terms: WeightedTerm[]): { id: number; score: number }[] {
    return [...this.bm25.score(terms)]
      .map(([id, score]) => ({ id, score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 50);
  }

  private async denseRanking(query: string, terms: WeightedTerm[], norm: string): Promise<{ id: number; similarity: number }[]> {
    // Embed the question together with the Chinese words its English terms map to, so an English
    // question lands near Chinese text even with the offline n-gram embedding.
    // For the n-gram embedding, stopwords only add noise: embed the keywords and their translations.
    const words = terms.filter((t) => t.weight >= 1).map((t) => t.term);
    const text = this.embeddings!.prefersKeywords ? (words.length ? words.join(' ') : norm) : query;
    const vector = await this.embeddings!.embedQuery(text);
    return this.vectors!.search(vector, 50);
  }

  /**
   * What the question is about, as units that count once each: its own Chinese topic words, the
   * curated translations of its English words, and in an English question each other content
   * word with its dictionary translations (none: a word the handbook has no term for).
   */
  private topicTerms(query: string, norm: string, terms: WeightedTerm[], english: EnglishTranslation): TopicUnit[] {
    const units = new Map<string, TopicUnit>();
    const add = (word: string, forms: string[], confidence = 1) => units.has(word) || units.set(word, { word, forms, confidence });
    for (const w of topicWords(query, this.glossary)) add(w, [w]);
    for (const t of terms) if (t.weight >= 1 && /\p{Script=Han}/u.test(t.term) && !norm.includes(t.term)) add(t.term, [t.term]);
    if (isEnglishQuestion(query)) {
      for (const { english: word, chinese } of english.dictionary) add(word, chinese, DICTIONARY_CONFIDENCE);
      const nouns = englishNouns(query);
      for (const word of english.untranslated) if (nouns.has(word)) add(word, []);
    }
    return [...units.values()];
  }

  /**
   * Coverage: of the question's own topic words (segmenter words and glossary translations
   * with full weight, known to the handbook or not), the IDF-weighted share that occurs in one
   * of the best lexical hits, where a word also counts as present when one of its glossary
   * synonyms is. Unknown words weigh as much as the rarest handbook word, so a question about
   * hiking or pizza cannot score on its one generic word.
   */
  private relevance(own: TopicUnit[], topIds: number[], topSimilarity: number): RelevanceDiagnostics {
    if (!own.length || !topIds.length) return { coverage: 0, topSimilarity, knownTerms: 0 };
    const maxIdf = this.bm25.idf('\u0000never-a-term');
    const words = own.map(({ forms, confidence }) => {
      const variants = (t: string) => [t, ...(this.glossary.synonyms.get(t) ?? [])].filter((v) => this.bm25.has(v));
      // A compound the handbook never uses whole (老客户) stands for its head, the known word it
      // ends with (客户): Chinese compounds are head-final, and 增值税 is not a kind of 增值.
      let present = [...new Set(forms.flatMap(variants))];
      if (!present.length) present = forms.flatMap((term) => subWords(term).filter((w) => term.endsWith(w)).flatMap(variants));
      // Words the handbook does not know at all weigh a little more than its common words: enough that
      // an off-topic question made of them fails, not so much that one colloquial word sinks a real one.
      return { present, idf: present.length ? confidence * Math.max(...present.map((v) => this.bm25.idf(v))) : maxIdf * UNKNOWN_WORD_WEIGHT };
    });
    const total = words.reduce((sum, w) => sum + w.idf, 0);
    // Per passage, not across passages: a covered question has its words together in one place,
    // while an unrelated one ("哪个国家是世界杯冠军") only finds stray words scattered over several.
    let best = 0;
    for (const id of topIds) {
      const found = words.reduce((sum, w) => sum + (w.present.some((v) => this.bm25.contains(id, v)) ? w.idf : 0), 0);
      best = Math.max(best, found);
    }
    return {
      coverage: total ? best / total : 0,
      topSimilarity,
      knownTerms: words.filter((w) => w.present.length).length,
      words: words.map((w, i) => ({ word: own[i]!.word, weight: Math.round(w.idf * 100) / 100, present: w.present })),
    };
  }

}

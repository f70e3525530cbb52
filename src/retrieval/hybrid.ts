import { normalise } from '../text/normalise.js';
import { unanswerableKind } from './answerability.js';
import { findReferenced, parseSectionReference } from './section-reference.js';
import type { Bm25Index } from './bm25.js';
import { indexChunks } from './index-chunks.js';
import type { EmbeddingsProvider } from './embeddings.js';
import { englishNouns } from './english-lexicon.js';
import { tokenizerFor, type Glossary } from './glossary.js';
import { isEnglishQuestion, queryTerms, translateQuestionEnglish, type EnglishTranslation, type Tokenizer, type WeightedTerm } from './tokenize.js';
import type { Chunk, Retriever, SearchHit, SearchOptions, SearchResult } from './types.js';
import type { VectorIndex } from './vector-index.js';
import { PassageRanker, RANK_DEPTH, rankScore, type RankFeature } from './rerank.js';
import { answerFeatures, answerProbability, DEFAULT_ANSWER_MODEL, type AnswerModel, type Coverage } from './answer-model.js';
import { CharBigrams, questionBigrams } from './char-bigrams.js';

export { indexChunks } from './index-chunks.js';

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
  /** The answerability model's features (answer-model.ts order) and probability, when it was asked. */
  answer?: { features: number[]; probability: number };
}

/** One thing the question asks about and the handbook words that would show a passage covers it. */
interface TopicUnit {
  word: string;
  forms: string[];
  /** How sure the question is about this unit: dictionary translations pick among several senses. */
  confidence: number;
  /** Names a thing (a noun): unknown to the handbook, it says the question is about something else. */
  noun: boolean;
}

const MODIFIER_CONFIDENCE = 0.5;
/** Credit for a passage that holds only the head of a compound the question uses (客户 for 老客户). */
const HEAD_CREDIT = 0.5;
/** A general-dictionary translation may be the wrong sense: it counts for this much of a curated one. */
const DICTIONARY_CONFIDENCE = 0.6;

export interface HybridOptions {
  mode?: RetrievalMode;
  /** Reciprocal-rank-fusion constant: small values trust the top ranks more. */
  rrfK?: number;
  /** Weight of the dense list in the fusion (lexical = 1). */
  denseWeight?: number;
  bigramWeight?: number; // of the character-bigram list in the fusion (lexical words = 1; 0: none)
  /** Minimum coverage for `relevant: true` when no answerability model is set (answerModel: null). */
  minCoverage?: number;
  /** `score`: weighted sum of normalised scores; `rrf`: reciprocal-rank fusion. */
  fusion?: 'score' | 'rrf';
  /** Weight of a noun the handbook never uses, relative to the rarest word it does use. */
  unknownNounWeight?: number;
  /** Weight of any other word the handbook never uses (a colloquial verb or adjective). */
  unknownWordWeight?: number;
  /** How much a word met only through its dictionary neighbours counts (of a word met as itself). */
  relatedConfidence?: number;
  /** Coverage factor for a passage that meets none of the question's nouns. */
  nounlessFactor?: number;
  /** Weight of a passage's coverage of the question when reranking the leading candidates (fused scores are ≤ ~1.15). */
  coverageWeight?: number;
  /** Score factor for passages that are not from the handbook (cases, rule explanations). */
  otherSourceWeight?: number;
  /** Weights of the learned ranking model (rerank.ts); null: fused score plus coverage, as before. */
  rankWeights?: Readonly<Record<RankFeature, number>> | null;
  /** The answerability model (answer-model.ts); null: covered when coverage ≥ minCoverage, as before. */
  answerModel?: AnswerModel | null;
}

/** How many leading candidates are reranked by coverage. */
const RERANK_DEPTH = 10;

export const DEFAULT_HYBRID: Required<HybridOptions> = {
  mode: 'hybrid',
  rrfK: 10,
  denseWeight: 0.15,
  // bench/fit-ranking.ts, RANK_BIGRAM_FUSION 0 / 0.3 / 0.6 / 1: pooled out-of-fold r@1 0.651 / 0.653 / 0.661 / 0.657.
  bigramWeight: 0.6,
  // minCoverage, the unknown-word weights and nounlessFactor: fitted by bench/cv-answerability.ts (README, round d).
  minCoverage: 0.375,
  fusion: 'score',
  unknownNounWeight: 1,
  unknownWordWeight: 0.9,
  relatedConfidence: 0.3,
  nounlessFactor: 0.75,
  coverageWeight: 2,
  otherSourceWeight: 0.6,
  // bench/fit-ranking.ts on dev … heldout6 (never heldout7): out-of-fold r@1 0.678, r@5 0.903 (README, round j).
  rankWeights: { fused: 1.693, coverage: 1.156, focus: 1.316, sentence: 1.759, exact: 0.844, expansion: 0.866, other: -1.471, bigram: 1.279 },
  answerModel: DEFAULT_ANSWER_MODEL,
};

/**
 * Lexical BM25 (words + bigrams + glossary) and dense vectors, fused by weighted reciprocal
 * rank. Relevance is judged separately from rank: a question is "covered" when enough of its
 * own topic words (IDF-weighted, glossary-expanded) occur in the best hits.
 */
export class HybridRetriever implements Retriever {
  private readonly bm25: Bm25Index;
  private readonly options: Required<HybridOptions>;
  /** The segmenter that knows this retriever's glossary words (answering segments with it too). */
  readonly tokenizer: Tokenizer;
  private readonly ranker: PassageRanker;
  private bigrams?: CharBigrams;

  constructor(
    readonly chunks: Chunk[],
    private readonly vectors: VectorIndex | null,
    private readonly embeddings: EmbeddingsProvider | null,
    private readonly glossary: Glossary,
    options: HybridOptions = {},
    /** A stored index of these chunks (see `indexChunks`); built here when absent. */
    bm25?: Bm25Index,
  ) {
    this.options = { ...DEFAULT_HYBRID, ...options };
    this.tokenizer = tokenizerFor(glossary);
    this.bm25 = bm25 ?? indexChunks(chunks, this.tokenizer);
    this.ranker = new PassageRanker(chunks, this.bm25);
  }

  /** The weighted terms a query is searched with (own words, glossary synonyms and translations). */
  expandQuery(query: string): WeightedTerm[] {
    return queryTerms(this.tokenizer, normalise(query), this.glossary, query);
  }

  /** An English question's words with the Chinese terms they are searched as (curated first); none for Chinese. */
  englishTopics(query: string): { english: string; chinese: string[] }[] {
    if (!isEnglishQuestion(query)) return [];
    const t = translateQuestionEnglish(query, this.glossary);
    // Dictionary senses are guesses ("close" → 上门): named only when the glossary knows none of the words.
    const curated = t.curated.map((chinese, i) => ({ english: t.curatedEnglish[i]!, chinese }));
    return curated.length ? curated : t.dictionary.slice(0, 2);
  }

  withOptions(options: HybridOptions): HybridRetriever {
    return new HybridRetriever(this.chunks, this.vectors, this.embeddings, this.glossary, { ...this.options, ...options }, this.bm25);
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
    const terms = queryTerms(this.tokenizer, norm, this.glossary, query, english, true);
    const mode = this.options.mode;

    // The lexical ranking is always computed: relevance is judged on it whatever the mode.
    const lexicalRanking = this.lexicalRanking(terms);
    const lexical = mode === 'dense' ? [] : lexicalRanking;
    // The bigram channel: the question's character pairs, each weighed by its own IDF (char-bigrams.ts).
    const grams = questionBigrams(this.tokenizer.cutWords(norm), this.glossary.stopwords).map((term) => ({ term, weight: 1 }));
    const bigramWeight = mode === 'dense' ? 0 : this.options.bigramWeight;
    const bigram = bigramWeight ? this.bm25.top(grams, 50) : [];
    const dense = mode === 'lexical' || !this.vectors || !this.embeddings ? [] : await this.denseRanking(query, terms, norm);

    const fused = new Map<number, number>();
    if (this.options.fusion === 'rrf' || mode !== 'hybrid') {
      const addList = (list: { id: number }[], weight: number) =>
        list.forEach(({ id }, rank) => fused.set(id, (fused.get(id) ?? 0) + weight / (this.options.rrfK + rank + 1)));
      addList(lexical, 1);
      addList(bigram, bigramWeight);
      addList(dense, mode === 'dense' ? 1 : this.options.denseWeight);
    } else {
      // Score fusion keeps the margins RRF throws away: a clear lexical winner stays first
      // unless the dense side disagrees strongly.
      const top = lexical[0]?.score || 1;
      for (const { id, score } of lexical) fused.set(id, score / top);
      for (const { id, score } of bigram) fused.set(id, (fused.get(id) ?? 0) + bigramWeight * (score / bigram[0]!.score));
      const sims = dense.map((d) => d.similarity);
      const lo = Math.min(...sims);
      const span = Math.max(...sims) - lo || 1;
      for (const { id, similarity } of dense) {
        fused.set(id, (fused.get(id) ?? 0) + this.options.denseWeight * ((similarity - lo) / span));
      }
    }

    // Rerank the leading candidates by how much of the question each covers: BM25 rewards a
    // passage that repeats one of the question's words, coverage one that holds all of them.
    const weights = this.options.rankWeights;
    const model = this.options.answerModel;
    const needFeatures = !!(weights || options.features || model || options.answerFeatures);
    const candidates = [...fused].sort((a, b) => b[1] - a[1]).slice(0, Math.max(k, needFeatures ? RANK_DEPTH : RERANK_DEPTH));
    const units = this.topicTerms(query, norm, terms, english);
    const coverage = this.coverageOf(units, candidates.map(([id]) => id));
    // The handbook is the authority; a case or a rule explanation outranks it only when clearly closer.
    const prior = (id: number) => (this.chunks[id]!.kind && this.chunks[id]!.kind !== 'handbook' ? this.options.otherSourceWeight : 1);
    const features = needFeatures ? this.candidateFeatures(units, terms, norm, candidates, coverage.perPassage, grams) : [];
    options.features?.(candidates.map(([id]) => this.chunks[id]!), features);
    const covered = candidates
      .slice(0, RERANK_DEPTH)
      .map(([id, score]): [number, number] => [id, prior(id) * (score + this.options.coverageWeight * (coverage.perPassage.get(id) ?? 0))])
      .sort((a, b) => b[1] - a[1]);
    // The model orders the passages; the score shown stays the fused score plus coverage (never above
    // the score of a passage ranked higher), whose spread the extractive answer reads as how far apart
    // the passages are.
    const shown = new Map(covered);
    let ceiling = Infinity;
    const ranked: [number, number][] = weights
      ? candidates
          .map(([id, fused], i) => ({ id, key: rankScore(weights, features[i]!), score: shown.get(id) ?? prior(id) * (fused + this.options.coverageWeight * (coverage.perPassage.get(id) ?? 0)) }))
          .sort((a, b) => b.key - a.key)
          .slice(0, k)
          .map(({ id, score }) => [id, (ceiling = Math.min(ceiling, score))])
      : covered.slice(0, k);
    // Whether the question is covered is judged on the coverage order its thresholds were fitted on
    // (bench/cv-answerability.ts), whichever order the learned ranker then shows.
    const best = Math.max(0, ...covered.slice(0, 3).map(([id]) => coverage.perPassage.get(id) ?? 0));
    const diagnostics: RelevanceDiagnostics = { ...coverage.diagnostics, coverage: best, topSimilarity: dense[0]?.similarity ?? 0 };
    if (model || options.answerFeatures) {
      const x = this.answerFeatures(query, units, norm, candidates, features, ranked, coverage, best);
      options.answerFeatures?.(x);
      diagnostics.answer = { features: x, probability: model ? answerProbability(model, x) : 0 };
    }
    const covers = model ? diagnostics.answer!.probability >= model.threshold : diagnostics.coverage >= this.options.minCoverage;
    const unanswerable = unanswerableKind(query) ?? undefined;
    const reference = this.referenced(query, ranked);
    if (reference) {
      // The place the question points at leads; the ranking fills the rest of the list.
      const at = this.chunks.indexOf(reference.chunk);
      const top = ranked.find(([id]) => id === at)?.[1] ?? ranked[0]?.[1] ?? 1;
      ranked.splice(0, ranked.length, [at, top], ...ranked.filter(([id]) => id !== at).slice(0, k - 1));
    }
    const relevant = ranked.length > 0 && (covers || !!reference) && !unanswerable;
    const hits: SearchHit[] = ranked.map(([id, score], i) => ({
      rank: i + 1,
      chunk: this.chunks[id]!,
      score: Math.round(score * 10000) / 10000,
    }));
    const pointer = reference && { heading: reference.heading, start: reference.start, end: reference.end, ...(reference.item !== undefined ? { item: reference.item } : {}) };
    return { result: { query, relevant, hits, ...(unanswerable ? { unanswerable } : {}), ...(pointer ? { reference: pointer } : {}) }, diagnostics };
  }

  /**
   * The passage a numbering reference points to. When several documents share the numbering, the
   * one the ranking puts first (the question's other words) wins.
   */
  private referenced(query: string, ranked: [number, number][]) {
    const ref = parseSectionReference(query);
    if (!ref) return null;
    const found = findReferenced(this.chunks, ref);
    if (!found.length) return null;
    const rankOf = (c: Chunk) => {
      const i = ranked.findIndex(([id]) => this.chunks[id] === c);
      return i < 0 ? Infinity : i;
    };
    return [...found].sort((a, b) => rankOf(a.chunk) - rankOf(b.chunk))[0]!;
  }

  /** The answerability model's features (answer-model.ts) of the question and its three leading passages. */
  private answerFeatures(query: string, units: TopicUnit[], norm: string, candidates: [number, number][], features: number[][], ranked: [number, number][], coverage: Coverage, best: number): number[] {
    const lead = ranked.slice(0, 3).map(([id]) => id);
    // Built on first use: only the answerability model reads it.
    this.bigrams ??= new CharBigrams(this.chunks.map((c) => `${normalise(c.section)} ${c.normText}`));
    const ranker = new Map(candidates.map(([id], i) => [id, features[i]!]));
    const exact = this.coverageOf(units, lead, undefined, true).perPassage;
    const other = lead.map((id) => !!this.chunks[id]!.kind && this.chunks[id]!.kind !== 'handbook');
    return answerFeatures({ query, norm, lead, ranker, rankWeights: this.options.rankWeights, coverage, best, exact, topicWords: units.length, other, bigrams: this.bigrams });
  }

  /** The learned ranker's features of the candidates (in fused order). */
  private candidateFeatures(units: TopicUnit[], terms: WeightedTerm[], norm: string, candidates: [number, number][], coverage: Map<number, number>, grams: WeightedTerm[]): number[][] {
    const ids = candidates.map(([id]) => id);
    const nouns = units.filter((u) => u.noun);
    const focus = nouns.length ? this.coverageOf(nouns, ids).perPassage : coverage;
    // The question's words together in one sentence: a long passage that mentions each somewhere is no answer.
    const sentence = this.coverageOf(units, ids, (id) => this.ranker.sentences(id).map((s) => (v: string) => s.includes(v))).perPassage;
    return this.ranker.features(
      terms,
      norm,
      candidates.map(([id, fused]) => ({ id, fused, coverage: coverage.get(id) ?? 0, focus: focus.get(id) ?? 0, sentence: sentence.get(id) ?? 0 })),
      grams,
    );
  }

  private lexicalRanking(terms: WeightedTerm[]): { id: number; score: number }[] {
    return this.bm25.top(terms, 50);
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
    const add = (word: string, forms: string[], confidence = 1, noun = true) => units.has(word) || units.set(word, { word, forms, confidence, noun });
    // An adjective qualifies what is asked about (常见 in 哪些常见风险) rather than naming it: it counts half.
    for (const { word, tag } of this.tokenizer.taggedTopicWords(query, this.glossary.stopwords)) add(word, [word], /^a/.test(tag) ? MODIFIER_CONFIDENCE : 1, /^n/.test(tag) || tag === 'eng');
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
  private coverageOf(
    own: TopicUnit[],
    ids: number[],
    /** Parts of a passage judged apart (its sentences), the best counting; default: the whole passage. */
    parts: (id: number) => ((v: string) => boolean)[] = (id) => [(v) => this.bm25.contains(id, v)],
    /** Only the question's own word forms count (no synonym, compound head or dictionary neighbour). */
    exact = false,
  ): Coverage & { diagnostics: Omit<RelevanceDiagnostics, 'coverage' | 'topSimilarity'> } {
    const perPassage = new Map<number, number>();
    if (!own.length || !ids.length) return { perPassage, shares: { unknown: 0, unknownNouns: 0, related: 0 }, diagnostics: { knownTerms: 0 } };
    const maxIdf = this.bm25.idf('\u0000never-a-term');
    const { unknownNounWeight, unknownWordWeight, relatedConfidence } = this.options;
    const words = own.map(({ forms, confidence, noun }) => {
      const variants = (t: string) => [t, ...(exact ? [] : (this.glossary.synonyms.get(t) ?? []))].filter((v) => this.bm25.has(v));
      // Words the handbook does not know at all weigh about as much as its rarer words: enough that an
      // off-topic question made of them fails, not so much that one colloquial word sinks a real one.
      // A noun names the thing asked about, so an unknown one counts more than an unknown verb.
      const unknown = maxIdf * (noun ? unknownNounWeight : unknownWordWeight);
      let present = [...new Set(forms.flatMap(variants))];
      // A compound stands for its head, the known word it ends with (老客户 → 客户): Chinese compounds
      // are head-final, and 增值税 is not a kind of 增值. Never used whole, the compound counts as its
      // head; used somewhere, a passage with only the head still covers it in part.
      const heads = exact ? [] : forms.flatMap((term) => this.tokenizer.subWords(term).filter((w) => term.endsWith(w)).flatMap(variants));
      if (!present.length) present = heads;
      if (present.length) return { present, heads, idf: confidence * Math.max(...present.map((v) => this.bm25.idf(v))), credit: 1 };
      // A word nobody listed may still meet the handbook words the dictionary glosses the same way
      // (合约 → 合同); a dictionary sense is a guess, so it earns only part of an unknown word's weight.
      const related = exact ? [] : [...new Set(forms.flatMap((f) => this.glossary.related.get(f) ?? []).flatMap(variants))];
      return { present: related, heads: [] as string[], idf: unknown, credit: related.length ? relatedConfidence : 0 };
    });
    const total = words.reduce((sum, w) => sum + w.idf, 0);
    // Per passage, not across passages: a covered question has its words together in one place,
    // while an unrelated one ("哪个国家是世界杯冠军") only finds stray words scattered over several.
    // The nouns name what is asked about (推荐 a 电影 is not 产品推荐): a passage that meets none of
    // the question's nouns, only its verbs, covers it at a discount.
    const hasNouns = own.some((u) => u.noun);
    const matched = new Map<number, { count: number; mass: number; rarest: number }>();
    for (const id of ids) {
      let best = 0;
      for (const has of parts(id)) {
        const inPassage = words.map((w) => w.credit > 0 && w.present.some(has));
        const headOnly = words.map((w, i) => !inPassage[i] && w.heads.some(has));
        const found = words.reduce((sum, w, i) => sum + (inPassage[i] ? w.idf * w.credit : headOnly[i] ? w.idf * HEAD_CREDIT : 0), 0);
        const nounMet = !hasNouns || own.some((u, i) => u.noun && inPassage[i]);
        const share = total ? (nounMet ? found : found * this.options.nounlessFactor) / total : 0;
        if (share >= best) {
          // What the passage meets in absolute terms (a long chat question can share little of itself
          // and still name two or three of the handbook's specific words).
          const met = words.filter((_, i) => inPassage[i]);
          matched.set(id, { count: met.length, mass: found / maxIdf, rarest: Math.max(0, ...met.map((w) => w.idf / maxIdf)) });
        }
        best = Math.max(best, share);
      }
      perPassage.set(id, best);
    }
    return {
      perPassage,
      matched,
      shares: {
        unknown: words.filter((w) => !w.present.length).length / words.length,
        unknownNouns: words.filter((w, i) => !w.present.length && own[i]!.noun).length / words.length,
        related: words.filter((w) => w.present.length && w.credit > 0 && w.credit < 1).length / words.length,
      },
      diagnostics: {
        knownTerms: words.filter((w) => w.present.length && w.credit === 1).length,
        words: words.map((w, i) => ({ word: own[i]!.word, weight: Math.round(w.idf * 100) / 100, present: w.present })),
      },
    };
  }
}

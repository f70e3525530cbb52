import type { Bm25Index } from './bm25.js';
import type { WeightedTerm } from './tokenize.js';
import type { Chunk } from './types.js';

/**
 * Features of a leading candidate passage, each scaled to about 0..1 within one question, that a
 * small linear model weighs to order the candidates (learning to rank, fitted by
 * bench/fit-ranking.ts). They separate what the single fused BM25 score mixes: the question's own
 * words from the words it was expanded with (glossary synonyms, CC-CEDICT neighbours and
 * translations, weighted by the fit below the exact ones), the question's nouns (what it asks
 * about) from its other words, and its words together in one sentence from words scattered over a
 * long passage. Pseudo-relevance feedback, a heading-only field, a "rule sentence" flag and the
 * fused rank were tried as features too and added nothing out-of-fold (see README, Measured).
 */
export const RANK_FEATURES = [
  /** Fused retrieval score over the best one (BM25 body + heading, dense when configured). */
  'fused',
  /** IDF-weighted share of the question's topic words the passage holds (coverage). */
  'coverage',
  /** Coverage of the question's nouns only: the thing asked about. */
  'focus',
  /** Coverage within the passage's best sentence: the question's words together, not scattered. */
  'sentence',
  /** BM25 of the question's own words and bigrams, over the best candidate's. */
  'exact',
  /** BM25 of the words the question was expanded with (synonyms, dictionary), over the best candidate's. */
  'expansion',
  /** Not from the handbook (a case, a rule explanation, the credit policy). */
  'other',
  /** BM25 of the question's character bigrams (char-bigrams.ts questionBigrams), over the best candidate's. */
  'bigram',
] as const;
export type RankFeature = (typeof RANK_FEATURES)[number];

/** How many of the fused list's leading passages are scored by the model (deeper ones never reached the top five). */
export const RANK_DEPTH = 15;

export interface CandidateInput {
  id: number;
  fused: number;
  coverage: number;
  focus: number;
  sentence: number;
}

/** A passage's sentences and numbered items (normalised text), the units a rule is stated in. */
export function passageSentences(norm: string): string[] {
  return norm.split(/[。；;！!？?]|(?<=[^\d])(?=\d{1,2}[.、．](?!\d))/u).filter((s) => s.length > 1);
}

export class PassageRanker {
  private readonly split = new Map<number, string[]>();

  constructor(
    private readonly chunks: Chunk[],
    private readonly bm25: Bm25Index,
  ) {}

  /** A passage's sentences, split once (passages do not change for the life of an index). */
  sentences(id: number): string[] {
    let parts = this.split.get(id);
    if (!parts) {
      if (this.split.size > 20000) this.split.clear();
      this.split.set(id, (parts = passageSentences(this.chunks[id]!.normText)));
    }
    return parts;
  }

  /** Feature vectors (in RANK_FEATURES order) of candidates given in fused order. */
  features(terms: WeightedTerm[], norm: string, candidates: CandidateInput[], bigrams: WeightedTerm[] = []): number[][] {
    const ids = candidates.map((c) => c.id);
    const scaled = (xs: number[]) => {
      const top = Math.max(...xs);
      return top > 0 ? xs.map((x) => x / top) : xs.map(() => 0);
    };
    const exact = scaled(this.bm25.scoreDocs(terms.filter((t) => norm.includes(t.term)), ids));
    const expansion = scaled(this.bm25.scoreDocs(terms.filter((t) => !norm.includes(t.term)), ids));
    const bigram = scaled(this.bm25.scoreDocs(bigrams, ids));
    const topFused = candidates[0]?.fused || 1;
    return candidates.map((c, i) => {
      const kind = this.chunks[c.id]!.kind;
      return [c.fused / topFused, c.coverage, c.focus, c.sentence, exact[i]!, expansion[i]!, kind && kind !== 'handbook' ? 1 : 0, bigram[i]!];
    });
  }
}

/** The model's score of one candidate: a weighted sum of its features. */
export function rankScore(weights: Readonly<Record<RankFeature, number>>, features: number[]): number {
  return RANK_FEATURES.reduce((s, f, i) => s + weights[f] * features[i]!, 0);
}

import type { WeightedTerm } from './tokenize.js';

/**
 * Okapi BM25 over pre-tokenised documents. Hand-written because it is ~60 lines and must
 * score weighted query terms (glossary expansions) and expose per-term matches for the
 * relevance signal, which general search libraries hide.
 */
export class Bm25Index {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly lengths: number[] = [];
  private avgLength = 0;

  constructor(
    docs: string[][],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    docs.forEach((terms, id) => {
      this.lengths[id] = terms.length;
      for (const t of terms) {
        let p = this.postings.get(t);
        if (!p) this.postings.set(t, (p = new Map()));
        p.set(id, (p.get(id) ?? 0) + 1);
      }
    });
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
  }

  get size(): number {
    return this.lengths.length;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.size ?? 0;
    const n = this.lengths.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /** Scores of every document that matches at least one term. */
  score(query: WeightedTerm[]): Map<number, number> {
    const scores = new Map<number, number>();
    for (const { term, weight } of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      const idf = this.idf(term);
      for (const [id, tf] of p) {
        const len = this.lengths[id]!;
        const s = (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * len) / this.avgLength));
        scores.set(id, (scores.get(id) ?? 0) + weight * s);
      }
    }
    return scores;
  }

  /** Whether document `id` contains `term` (for coverage checks). */
  contains(id: number, term: string): boolean {
    return this.postings.get(term)?.has(id) ?? false;
  }
}

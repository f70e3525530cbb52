/**
 * Character bigrams of Chinese text, for judging whether passages answer a question when its words
 * are not ones the segmenter knows (chat slang, new compounds like 网课 or 年假 that it splits into
 * single characters and drops). A question's bigrams are weighted by how rare they are among the
 * passages (IDF; a bigram no passage holds weighs most), so 怎么 or 客户 count little and a bigram the
 * knowledge base never uses counts as a word it does not know. Written here rather than taken from a
 * library: it is a set of two-character substrings and a document-frequency table.
 */
export class CharBigrams {
  private readonly sets: Set<string>[];
  private readonly df = new Map<string, number>();

  constructor(texts: string[]) {
    this.sets = texts.map((t) => new Set(bigramsOf(t)));
    for (const s of this.sets) for (const b of s) this.df.set(b, (this.df.get(b) ?? 0) + 1);
  }

  private idf(b: string): number {
    return Math.log((this.sets.length + 1) / ((this.df.get(b) ?? 0) + 0.5));
  }

  /**
   * Of the question's distinct Han bigrams, the IDF-weighted share the best of `ids` holds, and the
   * share (by count) that no passage holds at all.
   */
  coverage(question: string, ids: number[]): { covered: number; unknown: number } {
    const grams = [...new Set(bigramsOf(question))];
    if (!grams.length) return { covered: 0, unknown: 0 };
    const weights = grams.map((b) => this.idf(b));
    const total = weights.reduce((s, w) => s + w, 0) || 1;
    let covered = 0;
    for (const id of ids) {
      const set = this.sets[id];
      if (!set) continue;
      covered = Math.max(covered, grams.reduce((s, b, i) => s + (set.has(b) ? weights[i]! : 0), 0) / total);
    }
    return { covered, unknown: grams.filter((b) => !this.df.has(b)).length / grams.length };
  }
}

/** Adjacent pairs of Han characters (runs broken by anything else). */
export function bigramsOf(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  return out;
}

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

/**
 * The question as a bag of character bigrams, for the bigram retrieval channel (hybrid.ts): every
 * pair of adjacent Han characters within a stretch of the question that holds no stopword (什么, 可以,
 * 吗…), so a word the segmenter does not know and splits into single characters (网课 → 网 课) still
 * searches as the pair it is, and a handbook compound the question shares only in part (信用 of 信用评估)
 * still meets it. The stored BM25 index already holds every passage's bigrams (Tokenizer.indexTerms).
 */
export function questionBigrams(segments: { word: string; isWord: boolean }[], stopwords: ReadonlySet<string>): string[] {
  const grams = new Set<string>();
  let run = '';
  const flush = () => {
    for (const b of bigramsOf(run)) if (!stopwords.has(b)) grams.add(b);
    run = '';
  };
  for (const { word, isWord } of segments) {
    if (!isWord || stopwords.has(word) || !/^\p{Script=Han}+$/u.test(word)) flush();
    else run += word;
  }
  flush();
  return [...grams];
}

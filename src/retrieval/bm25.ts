import type { WeightedTerm } from './tokenize.js';

const FILE_MAGIC = 'BM25IDX2';

/**
 * Okapi BM25 over pre-tokenised documents. Hand-written because it must score weighted query
 * terms (glossary expansions) and expose per-term matches for the relevance signal, which
 * general search libraries hide; and because its layout is what makes it fast at company scale:
 * one posting list per term in flat typed arrays (document ids ascending, term frequencies),
 * so a query walks contiguous memory, a restart reads the arrays back in one pass, and the
 * index holds no per-posting JS objects for the garbage collector to trace.
 */
export class Bm25Index {
  /** Per-document length normalisation k1·(1 − b + b·len/avgLen), computed once. */
  private readonly norms: Float64Array;
  /** Scratch space reused by every query: scores are accumulated per document, then reset. */
  private scratch: { scores: Float64Array; seen: Uint8Array; touched: Uint32Array } | null = null;

  private constructor(
    private readonly termIds: Map<string, number>,
    private readonly terms: string[],
    /** Postings of term t are [offsets[t], offsets[t + 1]). */
    private readonly offsets: Uint32Array,
    private readonly docIds: Uint32Array,
    private readonly freqs: Uint16Array,
    private readonly lengths: Uint32Array,
    private readonly k1: number,
    private readonly b: number,
  ) {
    let total = 0;
    for (const l of lengths) total += l;
    const avgLength = total / Math.max(1, lengths.length);
    this.norms = new Float64Array(lengths.length);
    for (let d = 0; d < lengths.length; d++) this.norms[d] = k1 * (1 - b + (b * lengths[d]!) / (avgLength || 1));
  }

  /**
   * Builds from documents given one at a time (each a list of terms), so a caller can tokenise
   * a large corpus without holding every document's terms at once.
   */
  static build(docs: Iterable<string[]>, k1 = 1.2, b = 0.75): Bm25Index {
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    // Postings are first collected in document order (term id, frequency), then regrouped by term.
    let streamTerms = new Uint32Array(1 << 16);
    let streamFreqs = new Uint16Array(1 << 16);
    // Per term: the last document it was seen in and its slot there, so counting needs no map per document.
    let lastDoc = new Int32Array(1 << 12).fill(-1);
    let lastSlot = new Uint32Array(1 << 12);
    let df = new Uint32Array(1 << 12);
    const docEnds: number[] = [];
    let n = 0;
    let d = 0;
    for (const doc of docs) {
      if (n + doc.length > streamTerms.length) {
        const size = Math.max(streamTerms.length * 2, n + doc.length);
        streamTerms = grow(streamTerms, size);
        streamFreqs = grow(streamFreqs, size);
      }
      for (const t of doc) {
        let id = termIds.get(t);
        if (id === undefined) {
          termIds.set(t, (id = terms.length));
          terms.push(t);
          if (id >= lastDoc.length) {
            lastDoc = grow(lastDoc, lastDoc.length * 2, -1);
            lastSlot = grow(lastSlot, lastSlot.length * 2);
            df = grow(df, df.length * 2);
          }
        }
        if (lastDoc[id] === d) {
          const slot = lastSlot[id]!;
          if (streamFreqs[slot]! < 0xffff) streamFreqs[slot]!++;
        } else {
          lastDoc[id] = d;
          lastSlot[id] = n;
          streamTerms[n] = id;
          streamFreqs[n] = 1;
          df[id]!++;
          n++;
        }
      }
      docEnds.push(n);
      d++;
    }
    const offsets = new Uint32Array(terms.length + 1);
    for (let t = 0; t < terms.length; t++) offsets[t + 1] = offsets[t]! + df[t]!;
    const cursor = offsets.slice(0, terms.length);
    const docIds = new Uint32Array(n);
    const freqs = new Uint16Array(n);
    const lengths = new Uint32Array(docEnds.length);
    let start = 0;
    docEnds.forEach((end, d) => {
      let length = 0;
      for (let i = start; i < end; i++) {
        const slot = cursor[streamTerms[i]!]!++;
        docIds[slot] = d;
        freqs[slot] = streamFreqs[i]!;
        length += streamFreqs[i]!;
      }
      lengths[d] = length;
      start = end;
    });
    return new Bm25Index(termIds, terms, offsets, docIds, freqs, lengths, k1, b);
  }

  /** The index as one buffer: a small JSON header, the terms, then the typed arrays. */
  serialize(): Buffer {
    // JSON rather than a separator: a term may hold any character.
    const termBytes = Buffer.from(JSON.stringify(this.terms), 'utf8');
    const header = Buffer.from(
      JSON.stringify({ terms: this.terms.length, termBytes: termBytes.length, postings: this.docIds.length, docs: this.lengths.length, k1: this.k1, b: this.b }),
      'utf8',
    );
    const parts: Buffer[] = [Buffer.from(FILE_MAGIC, 'latin1'), u32(header.length), header, termBytes];
    let size = parts.reduce((s, p) => s + p.length, 0);
    // Typed arrays start on 4-byte boundaries so they can be viewed in place on load.
    const pad = (4 - (size % 4)) % 4;
    parts.push(Buffer.alloc(pad));
    size += pad;
    for (const a of [this.offsets, this.docIds, this.lengths, this.freqs]) parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    return Buffer.concat(parts);
  }

  /** Reads what `serialize` wrote; throws on anything else (the caller then rebuilds). */
  static deserialize(data: Buffer): Bm25Index {
    if (data.toString('latin1', 0, FILE_MAGIC.length) !== FILE_MAGIC) throw new Error('not a BM25 index file');
    let at = FILE_MAGIC.length;
    const headerLength = data.readUInt32LE(at);
    at += 4;
    const h = JSON.parse(data.toString('utf8', at, at + headerLength)) as { terms: number; termBytes: number; postings: number; docs: number; k1: number; b: number };
    at += headerLength;
    const terms = JSON.parse(data.toString('utf8', at, at + h.termBytes)) as string[];
    if (!Array.isArray(terms) || terms.length !== h.terms) throw new Error('BM25 index file: term count mismatch');
    at += h.termBytes;
    at += (4 - (at % 4)) % 4;
    // Copy into a fresh aligned buffer only if the file's buffer is not 4-byte aligned.
    const bytes = (data.byteOffset % 4 === 0 ? data : Buffer.from(data)) as Buffer;
    const view = <T>(Ctor: { new (b: ArrayBufferLike, o: number, l: number): T; BYTES_PER_ELEMENT: number }, length: number): T => {
      const end = at + length * Ctor.BYTES_PER_ELEMENT;
      if (end > bytes.length) throw new Error('BM25 index file is truncated');
      const arr = new Ctor(bytes.buffer, bytes.byteOffset + at, length);
      at = end;
      return arr;
    };
    const offsets = view(Uint32Array, h.terms + 1);
    const docIds = view(Uint32Array, h.postings);
    const lengths = view(Uint32Array, h.docs);
    const freqs = view(Uint16Array, h.postings);
    if (offsets[h.terms] !== h.postings) throw new Error('BM25 index file: postings mismatch');
    const termIds = new Map<string, number>();
    terms.forEach((t, i) => termIds.set(t, i));
    return new Bm25Index(termIds, terms, offsets, docIds, freqs, lengths, h.k1, h.b);
  }

  get size(): number {
    return this.lengths.length;
  }

  /** Number of distinct terms. */
  get vocabularySize(): number {
    return this.terms.length;
  }

  /** Bytes held by the posting arrays (for status and the benchmark). */
  get byteLength(): number {
    return this.offsets.byteLength + this.docIds.byteLength + this.freqs.byteLength + this.lengths.byteLength + this.norms.byteLength;
  }

  idf(term: string): number {
    const id = this.termIds.get(term);
    const df = id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!;
    const n = this.lengths.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.termIds.has(term);
  }

  /**
   * The k best-scoring documents (score descending, then document order). Scores accumulate
   * in per-index scratch arrays that are reset after each query, so a query allocates only in
   * proportion to its own result, never to the corpus.
   */
  top(query: WeightedTerm[], k: number): { id: number; score: number }[] {
    const n = this.lengths.length;
    if (!n || k <= 0) return [];
    const s = (this.scratch ??= { scores: new Float64Array(n), seen: new Uint8Array(n), touched: new Uint32Array(n) });
    const { scores, seen, touched } = s;
    const k1plus1 = this.k1 + 1;
    let count = 0;
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined || !weight) continue;
      const w = weight * this.idf(term) * k1plus1;
      const end = this.offsets[id + 1]!;
      for (let i = this.offsets[id]!; i < end; i++) {
        const d = this.docIds[i]!;
        const tf = this.freqs[i]!;
        scores[d]! += (w * tf) / (tf + this.norms[d]!);
        if (!seen[d]) {
          seen[d] = 1;
          touched[count++] = d;
        }
      }
    }
    const best = new TopK(k);
    for (let i = 0; i < count; i++) {
      const d = touched[i]!;
      best.offer(d, scores[d]!);
      scores[d] = 0;
      seen[d] = 0;
    }
    return best.sorted();
  }

  /**
   * BM25 scores of the given documents only (for features of a few reranked candidates): each
   * term's frequency is found by binary search in its postings, so nothing scales with the corpus.
   */
  scoreDocs(query: WeightedTerm[], ids: readonly number[]): number[] {
    const k1plus1 = this.k1 + 1;
    return ids.map((d) => {
      let score = 0;
      for (const { term, weight } of query) {
        const tf = weight ? this.frequency(d, term) : 0;
        if (tf) score += (weight * this.idf(term) * k1plus1 * tf) / (tf + this.norms[d]!);
      }
      return score;
    });
  }

  /** How often document `id` holds `term` (0: not at all). */
  frequency(id: number, term: string): number {
    const t = this.termIds.get(term);
    if (t === undefined) return 0;
    let lo = this.offsets[t]!;
    let hi = this.offsets[t + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.docIds[mid]!;
      if (d === id) return this.freqs[mid]!;
      if (d < id) lo = mid + 1;
      else hi = mid;
    }
    return 0;
  }

  /** Whether document `id` contains `term` (for coverage checks): binary search in its postings. */
  contains(id: number, term: string): boolean {
    const t = this.termIds.get(term);
    if (t === undefined) return false;
    let lo = this.offsets[t]!;
    let hi = this.offsets[t + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.docIds[mid]!;
      if (d === id) return true;
      if (d < id) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }
}

/** A bounded min-heap keeping the k best (score, id) pairs; lower id wins ties. */
class TopK {
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly k: number) {}

  /** a ranks below b. */
  private below(a: number, b: number): boolean {
    const sa = this.scores[a]!;
    const sb = this.scores[b]!;
    return sa < sb || (sa === sb && this.ids[a]! > this.ids[b]!);
  }

  offer(id: number, score: number): void {
    if (this.ids.length < this.k) {
      this.ids.push(id);
      this.scores.push(score);
      this.up(this.ids.length - 1);
      return;
    }
    const minScore = this.scores[0]!;
    if (score < minScore || (score === minScore && id > this.ids[0]!)) return;
    this.ids[0] = id;
    this.scores[0] = score;
    this.down(0);
  }

  sorted(): { id: number; score: number }[] {
    return this.ids
      .map((id, i) => ({ id, score: this.scores[i]! }))
      .sort((a, b) => b.score - a.score || a.id - b.id);
  }

  private swap(i: number, j: number): void {
    [this.ids[i], this.ids[j]] = [this.ids[j]!, this.ids[i]!];
    [this.scores[i], this.scores[j]] = [this.scores[j]!, this.scores[i]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.below(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.below(l, min)) min = l;
      if (r < n && this.below(r, min)) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }
}

function grow<T extends Uint32Array | Uint16Array | Int32Array>(a: T, size: number, fill = 0): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  if (fill) next.fill(fill);
  next.set(a);
  return next;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/retrieval/bm25.js';

/** Textbook BM25 with a Map per document, as the reference the flat index must agree with. */
function reference(docs: string[][], query: { term: string; weight: number }[], k1 = 1.2, b = 0.75): Map<number, number> {
  const avg = docs.reduce((s, d) => s + d.length, 0) / docs.length;
  const scores = new Map<number, number>();
  for (const { term, weight } of query) {
    const df = docs.filter((d) => d.includes(term)).length;
    if (!df) continue;
    const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
    docs.forEach((d, id) => {
      const tf = d.filter((t) => t === term).length;
      if (!tf) return;
      const s = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / avg));
      scores.set(id, (scores.get(id) ?? 0) + weight * s);
    });
  }
  return scores;
}

// A small deterministic corpus with repeated terms, very common and rare ones.
const vocabulary = ['合同', '客户', '回扣', '信用', '评估', '审批', '付款', '定金', '账期', '发票', 'kpi', '培训'];
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const docs = Array.from({ length: 300 }, () => Array.from({ length: 3 + Math.floor(rand() * 25) }, () => vocabulary[Math.floor(rand() ** 2 * vocabulary.length)]!));

describe('Bm25Index', () => {
  const index = Bm25Index.build(docs);

  it('ranks exactly as textbook BM25, weights included', () => {
    const query = [{ term: '回扣', weight: 1 }, { term: '培训', weight: 0.6 }, { term: '合同', weight: 1.5 }];
    const expected = [...reference(docs, query)].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10);
    const got = index.top(query, 10);
    expect(got.map((h) => h.id)).toEqual(expected.map(([id]) => id));
    got.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]![1], 9));
  });

  it('leaves no trace of one query in the next', () => {
    const a = index.top([{ term: 'kpi', weight: 1 }], 5);
    index.top([{ term: '合同', weight: 1 }, { term: '客户', weight: 1 }], 50);
    expect(index.top([{ term: 'kpi', weight: 1 }], 5)).toEqual(a);
  });

  it('returns nothing for terms it does not know, and at most the matching documents', () => {
    expect(index.top([{ term: '披萨', weight: 1 }], 5)).toEqual([]);
    const matching = docs.filter((d) => d.includes('kpi')).length;
    expect(index.top([{ term: 'kpi', weight: 1 }], 10_000)).toHaveLength(matching);
  });

  it('answers contains and idf from the posting lists', () => {
    const id = docs.findIndex((d) => d.includes('定金'));
    const without = docs.findIndex((d) => !d.includes('定金'));
    expect(index.contains(id, '定金')).toBe(true);
    expect(index.contains(without, '定金')).toBe(false);
    expect(index.contains(id, '不存在')).toBe(false);
    expect(index.idf('kpi')).toBeGreaterThan(index.idf('合同'));
    expect(index.has('合同') && !index.has('不存在')).toBe(true);
  });

  it('reads back what it wrote, with the same results', () => {
    const copy = Bm25Index.deserialize(index.serialize());
    const query = [{ term: '信用', weight: 1 }, { term: '账期', weight: 0.8 }];
    expect(copy.top(query, 20)).toEqual(index.top(query, 20));
    expect(copy.size).toBe(docs.length);
    expect(copy.vocabularySize).toBe(index.vocabularySize);
  });

  it('refuses a damaged or foreign file instead of loading it', () => {
    const data = index.serialize();
    expect(() => Bm25Index.deserialize(data.subarray(0, data.length - 100))).toThrow();
    expect(() => Bm25Index.deserialize(Buffer.from('{"not":"an index"}'))).toThrow();
  });

  it('keeps terms that hold separators or any other character', () => {
    const odd = Bm25Index.build([['a\nb', 'x'], ['"q"', 'x'], ['\u0000', 'x']]);
    const copy = Bm25Index.deserialize(odd.serialize());
    for (const term of ['a\nb', '"q"', '\u0000']) expect(copy.top([{ term, weight: 1 }], 5)).toEqual(odd.top([{ term, weight: 1 }], 5));
    expect(copy.has('a')).toBe(false);
  });

  it('handles an empty corpus', () => {
    const empty = Bm25Index.build([]);
    expect(empty.top([{ term: '合同', weight: 1 }], 5)).toEqual([]);
    expect(Bm25Index.deserialize(empty.serialize()).size).toBe(0);
  });
});

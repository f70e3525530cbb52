import { describe, expect, it } from 'vitest';
import { buildGlossary } from '../../src/retrieval/glossary.js';
import { HybridRetriever } from '../../src/retrieval/hybrid.js';
import { passageSentences } from '../../src/retrieval/rerank.js';
import { questionBigrams } from '../../src/retrieval/char-bigrams.js';
import { plainTokenizer } from '../../src/retrieval/tokenize.js';
import type { Chunk } from '../../src/retrieval/types.js';
import { normalise } from '../../src/text/normalise.js';

const chunk = (id: string, section: string, text: string, kind?: Chunk['kind']): Chunk => ({
  id,
  docId: id.split('#')[0]!,
  title: 'T',
  section,
  sectionPath: [section],
  text,
  normText: normalise(text),
  start: 0,
  end: text.length,
  ...(kind ? { kind } : {}),
});
const glossary = buildGlossary({ synonyms: [], english: {}, stopwords: [] });
const filler = (n: number) => Array.from({ length: n }, (_, i) => `第${i + 1}项工作按计划推进并做好记录。`).join('');
const roundFWeights = () => ({ fused: 3.052, coverage: 0.925, focus: 1.793, sentence: 4.726, exact: 1.563, expansion: 0.15, other: -2.625, bigram: 0 });
const top = async (r: HybridRetriever, q: string) => (await r.search(q, { k: 3 })).hits[0]?.chunk.id;

describe('learned ranking', () => {
  it('puts the passage that states the question’s words together in one sentence above one that repeats them apart', async () => {
    const chunks = [
      // Each word many times, never together: BM25 likes it.
      chunk('a#0', '客户服务', `客户很重要。客户要维护。投诉记录要归档。投诉要分析。回复邮件要礼貌。回复要及时。客户回访。${filler(2)}`),
      chunk('b#0', '售后', `${filler(6)}客户投诉须在两个工作日内回复。${filler(6)}`),
      chunk('c#0', '其他', `${filler(8)}`),
    ];
    // Round j's fit (with the bigram feature, which likes a passage repeating the question's pairs) weighs
    // the sentence feature less than round f's did; the mechanism is tested with round f's weights.
    const learned = new HybridRetriever(chunks, null, null, glossary, {
      rankWeights: roundFWeights(),
    });
    const fused = learned.withOptions({ rankWeights: null });
    expect(await top(fused, '客户投诉多久要回复')).toBe('a#0');
    expect(await top(learned, '客户投诉多久要回复')).toBe('b#0');
    expect(await top(learned.withOptions({ rankWeights: { ...roundFWeights(), sentence: 0 } }), '客户投诉多久要回复')).toBe('a#0');
  });

  it('keeps a passage holding every word of the question, apart, above one whose single sentence lacks its rarest noun', async () => {
    const chunks = [
      chunk('s#0', '展会', `展会期间由专人看管。样品出入须登记。遗失的要查明原因。赔偿按采购价计算。${filler(2)}`),
      chunk('t#0', '合同', `样品遗失要照价赔偿。${filler(3)}`),
      chunk('u#0', '其他', `${filler(8)}`),
    ];
    const learned = new HybridRetriever(chunks, null, null, glossary);
    expect(await top(learned, '展会样品遗失了怎么赔偿')).toBe('s#0');
    // Ranked by the sentence feature alone the other passage would lead: the model weighs it against the rest.
    const sentenceOnly = learned.withOptions({ rankWeights: { fused: 0, coverage: 0, focus: 0, sentence: 1, exact: 0, expansion: 0, other: 0, bigram: 0 } });
    expect(await top(sentenceOnly, '展会样品遗失了怎么赔偿')).toBe('t#0');
  });

  it('splits a passage into its sentences and numbered items, keeping decimals whole', () => {
    expect(passageSentences('1.先登记；2.再审批。金额1.5万元以上须报批')).toEqual(['1.先登记', '2.再审批', '金额1.5万元以上须报批']);
  });

  it('searches a word the segmenter splits as its character pair, never across a stopword', () => {
    const grams = questionBigrams(plainTokenizer().cutWords('网课怎么刷才算完成'), new Set(['怎么']));
    expect(grams).toContain('网课');
    expect(grams).toContain('完成');
    expect(grams).not.toContain('怎么');
    expect(grams).not.toContain('课怎');
    expect(grams).not.toContain('么刷');
  });

  it('the bigram channel brings in a passage that shares a pair but no word with the question', async () => {
    const chunks = [
      // 上网课 is cut 上网 / 课: word by word the question shares only 课 with the passage (看网课 → 看网 / 课),
      // and the pages that repeat 课 win; the pair 网课 straddles the cut and only the bigram channel sees it.
      chunk('p#0', '学习', `员工可以看网课。${filler(2)}`),
      ...Array.from({ length: 40 }, (_, i) => chunk(`f#${i}`, '其他', `这门课第${i}次。这门课很好。那门课也好。`)),
    ];
    const words = new HybridRetriever(chunks, null, null, glossary, { bigramWeight: 0 });
    const both = words.withOptions({ bigramWeight: 0.6 });
    const q = '上网课怎么算';
    const ids = async (r: HybridRetriever) => (await r.search(q, { k: 5 })).hits.map((h) => h.chunk.id);
    expect(await ids(words)).not.toContain('p#0');
    expect(await ids(both)).toContain('p#0');
  });
});

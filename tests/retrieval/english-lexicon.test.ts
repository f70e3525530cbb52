import { describe, expect, it } from 'vitest';
import { buildEnglishLexicon, englishForms, englishTokens, glossKeys, translateEnglish } from '../../src/retrieval/english-lexicon.js';
import { plainTokenizer } from '../../src/retrieval/tokenize.js';

describe('English base forms', () => {
  it('undoes plural and verb endings without merging different words', () => {
    expect(englishForms('policies')).toContain('policy');
    expect(englishForms('ships')).toContain('ship');
    expect(englishForms('shipping')).toContain('ship');
    expect(englishForms('used')).toContain('use');
    expect(englishForms('allowed')).toContain('allow');
    expect(englishForms('status')).toEqual(['status']);
    expect(englishForms('customers')[0]).toBe('customers');
    expect(englishForms('customers')).not.toContain('custom');
  });
});

describe('dictionary glosses', () => {
  it('keeps short glosses and drops explanations, cross-references and phrases cut at a stopword', () => {
    expect(glossKeys('to archive; to place on file')).toEqual(['archive', 'place on file']);
    expect(glossKeys('(attributive) emergency')).toEqual(['emergency']);
    expect(glossKeys('in order to')).toEqual([]);
    expect(glossKeys('see 五常市[Wu3 chang2 Shi4]')).toEqual([]);
    expect(glossKeys('the five cardinal virtues in traditional Chinese ethics')).toEqual([]);
  });

  it('maps English words to handbook words only, longest phrase first, and reports what it cannot translate', () => {
    const handbook = new Set(['敏感', '发货', '保险']);
    const lexicon = buildEnglishLexicon((w) => handbook.has(w));
    for (const words of lexicon.values()) for (const w of words) expect(handbook.has(w)).toBe(true);
    const r = translateEnglish(englishTokens('Is sensitive insurance data sent out with the goods? Pizza?'), lexicon);
    const found = Object.fromEntries(r.translated.map((t) => [t.english, t.chinese]));
    expect(found.sensitive).toContain('敏感');
    expect(found.insurance).toContain('保险');
    expect(r.untranslated).toContain('pizza');
    expect(r.untranslated).not.toContain('the');
  });
});

describe('topic words of a chat question', () => {
  it('leaves out pronouns, adverbs, time and place words that only make the question colloquial', () => {
    const words = plainTokenizer().topicWords('听说合肥那边政策要调整，手上的资质还能接着卖吗');
    expect(words).toEqual(expect.arrayContaining(['合肥', '政策', '调整', '资质']));
    for (const filler of ['那边', '手上', '接着']) expect(words).not.toContain(filler);
    expect(plainTokenizer().topicWords('资质一直办不下来，客户天天催')).not.toContain('天天');
  });
});

describe('dictionary neighbours of Chinese words nobody listed', () => {
  it('links a word to handbook words with the same specific gloss, and nothing else', async () => {
    const { buildRelatedWords } = await import('../../src/retrieval/english-lexicon.js');
    const handbook = new Set(['合同', '含糊', '夸大', '客户']);
    const lexicon = buildEnglishLexicon((w) => handbook.has(w));
    const related = buildRelatedWords((w) => handbook.has(w), lexicon);
    expect(related.get('合约')).toContain('合同');
    expect(related.get('夸张')).toContain('夸大');
    // Handbook words need no neighbours, and a word with no shared gloss gets none.
    expect(related.has('合同')).toBe(false);
    expect(related.get('咖啡馆') ?? []).toEqual([]);
  });
});

import type { Glossary } from './glossary.js';

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });
const HAN = /\p{Script=Han}/u;

/**
 * Index terms for normalised (Simplified, lower-case, no whitespace) text: the words ICU's
 * dictionary segmenter finds, plus character bigrams of every Han run. Words give precision;
 * bigrams keep recall when the segmenter splits a domain term differently in question and text.
 */
export function indexTerms(norm: string): string[] {
  const terms: string[] = [];
  for (const s of segmenter.segment(norm)) {
    if (!s.isWordLike) continue;
    terms.push(s.segment);
  }
  for (const run of norm.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) terms.push(`${chars[i]}${chars[i + 1]}`);
  }
  return terms;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

/**
 * Query terms with weights: the question's own words and bigrams (1.0), glossary synonyms of
 * its words (0.6), and Chinese terms for its English words (1.0). Stopwords are dropped.
 */
export function queryTerms(norm: string, glossary: Glossary, original = norm): WeightedTerm[] {
  const weights = new Map<string, number>();
  const add = (term: string, weight: number) => {
    if (!term || glossary.stopwords.has(term)) return;
    weights.set(term, Math.max(weights.get(term) ?? 0, weight));
  };
  const addPhrase = (phrase: string, weight: number) => {
    add(phrase, weight);
    for (const t of indexTerms(phrase)) add(t, weight * 0.8);
  };

  const words: string[] = [];
  for (const s of segmenter.segment(norm)) {
    if (!s.isWordLike) continue;
    words.push(s.segment);
  }
  for (const w of words) {
    if (glossary.stopwords.has(w)) continue;
    if (HAN.test(w) || /\d/.test(w)) add(w, 1);
  }
  for (const run of norm.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) {
      const bigram = `${chars[i]}${chars[i + 1]}`;
      // A bigram made of stopword characters (什么, 怎么) says nothing about the topic.
      if (!glossary.stopwords.has(bigram)) add(bigram, 0.5);
    }
  }

  // English → Chinese, longest phrases first; a matched phrase is consumed.
  let english = ` ${original.toLowerCase().replace(/[^a-z0-9\- ]+/g, ' ').replace(/\s+/g, ' ')} `;
  for (const [phrase, zh] of glossary.english) {
    const needle = ` ${phrase} `;
    if (english.includes(needle)) {
      for (const t of zh) addPhrase(t, 1);
      english = english.split(needle).join(' ');
    }
  }
  for (const w of english.trim().split(' ')) if (w.length > 2 && !glossary.stopwords.has(w)) add(w, 0.7);

  // Synonyms of any matched glossary word (including words found only inside longer segments).
  for (const [word, others] of glossary.synonyms) {
    if (!norm.includes(word) && !weights.has(word)) continue;
    for (const o of others) addPhrase(o, 0.6);
  }
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { toSimplified } from '../text/script.js';
import { englishTokens, translateEnglish } from './english-lexicon.js';
import type { Glossary } from './glossary.js';

const HAN = /\p{Script=Han}/u;
const WORDLIKE = /[\p{L}\p{N}]/u;
const INTERROGATIVE = /什么|哪些|哪个|哪种|哪类|哪里|多少|多久|怎么|怎样|如何|几/u;
const FOCUS_WEIGHT = 1.5;

/**
 * Parts of speech (jieba's ICTCLAS tags) that never name a topic: pronouns (那边, 我们), adverbs
 * (事先, 一直), conjunctions (接着), prepositions, particles, numerals and measure words (万一,
 * 几个), locatives (以后), time words (天天), place words (手上, 当场), modal particles. Chat
 * questions are full of them; counting them as topic words made colloquial on-topic questions
 * look uncovered.
 */
const FUNCTION_TAGS = /^(?:r\w*|d\w*|c\w*|p\w*|u\w*|m\w*|q\w*|f|t\w*|s|y|e|o|h|k|x)$/;

/**
 * A word segmenter that owns its dictionary: jieba's standard dictionary plus the domain words it
 * was built with (the glossary's). Each knowledge base builds its own, so a reloaded glossary
 * starts from a clean dictionary and words removed from it are gone; nothing is process-wide.
 *
 * jieba rather than ICU's Intl.Segmenter: ICU splits common business words such as 合规, 资质,
 * 售后, 录入 into single characters, which loses both precision and the word-level relevance signal.
 */
export class Tokenizer {
  private readonly jieba: Jieba;
  readonly domainWords: ReadonlySet<string>;

  constructor(domainWords: Iterable<string> = []) {
    const words = [...new Set([...domainWords].filter((w) => HAN.test(w) && [...w].length >= 2))].sort();
    this.domainWords = new Set(words);
    this.jieba = Jieba.withDict(dict);
    if (words.length) this.jieba.loadDict(Buffer.from(words.map((w) => `${w} 2000 n`).join('\n')));
  }

  /**
   * The question's own topic words: dictionary words only (no HMM guessing, which invents
   * "words" such as 前要 from 签单前要先查), two characters or more, no function words or stopwords.
   */
  topicWords(question: string, stopwords: ReadonlySet<string> = new Set()): string[] {
    return this.taggedTopicWords(question, stopwords).map(({ word }) => word);
  }

  /** Topic words with their part of speech (a noun names a thing; a verb or adjective says how it is asked). */
  taggedTopicWords(question: string, stopwords: ReadonlySet<string> = new Set()): { word: string; tag: string }[] {
    const text = toSimplified(question.normalize('NFKC')).toLowerCase();
    // In an English question its words are weighed through their translations (see hybrid.ts).
    const english = isEnglishQuestion(text);
    return this.jieba
      .tag(text, false)
      .map(({ word, tag }) => ({ word: word.trim(), tag }))
      // jieba's tags come from a general corpus (好处 an adverb, 合同 an adjective): a domain word is a
      // thing the handbook talks about, and Latin words inside a Chinese question (CRM, Excel) name things.
      .map(({ word, tag }) => (this.domainWords.has(word) ? { word, tag: 'n' } : !english && /^[a-z][a-z0-9-]+$/.test(word) ? { word, tag: 'eng' } : { word, tag }))
      .filter(({ word, tag }) => WORDLIKE.test(word) && [...word].length >= 2 && !FUNCTION_TAGS.test(tag))
      .filter(({ word }) => !stopwords.has(word) && !(english && /^[a-z0-9'-]+$/.test(word)))
      // 几类 / 几天 ask "how many X" and 一张 / 一首 count things: numeral + measure word is no topic.
      .filter(({ word }) => !/^[一二两三四五六七八九十几]\p{Script=Han}$/u.test(word));
  }

  /** Words with their part-of-speech tags (dictionary words only). */
  tag(text: string): { word: string; tag: string }[] {
    return this.jieba.tag(text, false);
  }

  /** Words of any text in reading order (precise mode); punctuation and spaces come back as non-words. */
  cutWords(text: string): { word: string; isWord: boolean }[] {
    return this.jieba.cut(text, true).map((w) => ({ word: w, isWord: WORDLIKE.test(w) }));
  }

  /** Shorter dictionary words inside a word (老客户 → 客户), for words the handbook never uses whole. */
  subWords(word: string): string[] {
    return this.jieba.cutForSearch(word, false).filter((w) => w !== word && [...w].length >= 2);
  }

  /** Word segments of normalised text (search mode: long words also yield their sub-words). */
  segmentWords(norm: string): string[] {
    return this.jieba.cutForSearch(norm, true).filter((w) => WORDLIKE.test(w));
  }

  /**
   * Index terms for normalised (Simplified, lower-case, no whitespace) text: the words the
   * segmenter finds, plus character bigrams of every Han run. Words give precision;
   * bigrams keep recall when the segmenter splits a domain term differently in question and text.
   */
  indexTerms(norm: string): string[] {
    const terms: string[] = this.segmentWords(norm);
    for (const run of norm.match(/\p{Script=Han}+/gu) ?? []) {
      const chars = [...run];
      for (let i = 0; i + 1 < chars.length; i++) terms.push(`${chars[i]}${chars[i + 1]}`);
    }
    return terms;
  }
}

/** The segmenter with jieba's dictionary only, for callers without a glossary (answer text, tests). */
let plain: Tokenizer | undefined;
export function plainTokenizer(): Tokenizer {
  return (plain ??= new Tokenizer());
}

/** More Latin words than Han characters ("python怎么读取excel文件" is a Chinese question naming two things). */
export function isEnglishQuestion(text: string): boolean {
  return (text.match(/[a-z]+/gi) ?? []).length > (text.match(/\p{Script=Han}/gu) ?? []).length;
}

/** Dictionary translations are guesses among several senses: they weigh less than the curated glossary's. */
const DICTIONARY_WEIGHT = 0.6;
/** Dictionary neighbours of a Chinese word (shared glosses) are looser still: below curated synonyms (0.6). */
export const RELATED_WEIGHT = 0.35;
const SYNONYM_WEIGHT = 0.6;

/**
 * The English words of a question in Chinese: the curated glossary first (longest phrases win and
 * are consumed), then the general dictionary; `untranslated` are content words neither knows.
 */
export interface EnglishTranslation {
  curated: string[][];
  /** The English phrase behind each entry of `curated`. */
  curatedEnglish: string[];
  dictionary: { english: string; chinese: string[] }[];
  untranslated: string[];
}

export function translateQuestionEnglish(original: string, glossary: Glossary): EnglishTranslation {
  let rest = ` ${original.toLowerCase().replace(/[^a-z0-9\- ]+/g, ' ').replace(/\s+/g, ' ')} `;
  const curated: string[][] = [];
  const curatedEnglish: string[] = [];
  for (const [phrase, zh] of glossary.english) {
    const needle = ` ${phrase} `;
    if (rest.includes(needle)) {
      curated.push(zh);
      curatedEnglish.push(phrase);
      rest = rest.split(needle).join(' | ');
    }
  }
  // A consumed phrase leaves a "|" so that the dictionary never joins words across it.
  const dictionary: { english: string; chinese: string[] }[] = [];
  const untranslated: string[] = [];
  for (const piece of rest.split('|')) {
    const found = translateEnglish(englishTokens(piece), glossary.lexicon, glossary.stopwords);
    dictionary.push(...found.translated);
    untranslated.push(...found.untranslated.filter((w) => !/^\d/.test(w)));
  }
  return { curated, curatedEnglish, dictionary, untranslated };
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

/**
 * Query terms with weights: the question's own words and bigrams (1.0), glossary synonyms of
 * its words (0.6), and Chinese terms for its English words (1.0). Stopwords are dropped.
 */
export function queryTerms(
  tokenizer: Tokenizer,
  norm: string,
  glossary: Glossary,
  original = norm,
  english: EnglishTranslation = translateQuestionEnglish(original, glossary),
  /** Ranking passages: members of a big group share its weight. Matching sentences: each keeps it. */
  shareSynonymWeight = false,
): WeightedTerm[] {
  const weights = new Map<string, number>();
  const add = (term: string, weight: number) => {
    if (!term || glossary.stopwords.has(term)) return;
    weights.set(term, Math.max(weights.get(term) ?? 0, weight));
  };
  const addPhrase = (phrase: string, weight: number) => {
    add(phrase, weight);
    for (const t of tokenizer.indexTerms(phrase)) add(t, weight * 0.8);
  };

  const words = tokenizer.segmentWords(norm);
  // In 「…有哪些原则」「…受到什么处罚」 the words after the interrogative name what is asked for.
  const asked = INTERROGATIVE.exec(norm);
  const focus = asked ? new Set(tokenizer.segmentWords(norm.slice(asked.index + asked[0].length))) : new Set<string>();
  for (const w of words) {
    if (glossary.stopwords.has(w)) continue;
    if (HAN.test(w) || /\d/.test(w)) add(w, focus.has(w) ? FOCUS_WEIGHT : 1);
  }
  // Bigrams inside the question's content words only: bigrams that straddle a question word
  // (循哪, 些原 in 遵循哪些原则) match nothing meaningful.
  for (const w of words) {
    if (glossary.stopwords.has(w) || !HAN.test(w)) continue;
    const chars = [...w];
    for (let i = 0; i + 1 < chars.length; i++) add(`${chars[i]}${chars[i + 1]}`, 0.5);
  }


  for (const zh of english.curated) for (const t of zh) addPhrase(t, 1);
  for (const { chinese } of english.dictionary) for (const t of chinese) addPhrase(t, DICTIONARY_WEIGHT);
  for (const w of english.untranslated) if (w.length > 2) add(w, 0.7);

  // Dictionary neighbours of the question's words the handbook does not use (合约 → 合同).
  for (const w of words) for (const r of glossary.related.get(w) ?? []) add(r, RELATED_WEIGHT);

  // Synonyms of any matched glossary word (including words found only inside longer segments).
  for (const [word, others] of glossary.synonyms) {
    if (!norm.includes(word) && !weights.has(word)) continue;
    // A big synonym group must not outweigh the question's own words: its members share the weight.
    const each = shareSynonymWeight ? SYNONYM_WEIGHT / Math.max(1, Math.sqrt(others.size / 2)) : SYNONYM_WEIGHT;
    for (const o of others) addPhrase(o, each);
  }
  return [...weights].map(([term, weight]) => ({ term, weight }));
}

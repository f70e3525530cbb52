import { plainTokenizer, type Tokenizer } from '../retrieval/tokenize.js';
import { toSimplified } from '../text/script.js';

/**
 * Query terms for matching sentences: Simplified content words from the retrieval segmenter plus the
 * character bigrams inside longer words. Sentences are then matched with plain `includes`
 * on their Simplified text, so passages never need to be segmented at ask time.
 */

/** Function words and question scaffolding that say nothing about the topic. */
const ZH_STOP = new Set(
  (
    '的 了 吗 呢 吧 啊 呀 嘛 么 是 有 在 和 与 及 或 就 都 也 还 又 要 会 能 可 可以 能否 能不能 可不可以 应该 应当 需要 必须 ' +
    '什么 怎么 怎样 怎么样 如何 哪些 哪个 哪里 哪儿 多少 多久 几 为什么 为何 是否 是不是 有没有 ' +
    '我 我们 你 你们 他 她 它 他们 她们 它们 这 那 这个 那个 这些 那些 这样 那样 这种 那种 其 该 ' +
    '请 请问 一下 一个 一些 给 对 把 被 让 向 从 到 以 于 为 之 则 但 如果 如 要是 假如 的话 然后 那么 ' +
    '常见 主要 具体 一般 通常 基本 大概 大致 分别 各种 所有 ' +
    '呢 做 做到 进行 有关 关于 相关 情况 问题 时候 时 后 前 中 里 上 下 吗 嗯 呃 个 些 等 等等 得 地 着 过 不 没 没有'
  ).split(/\s+/),
);

const EN_STOP = new Set(
  (
    'a an the and or of to in on for with by at from as is are was were be been being do does did can could ' +
    'should would will shall may might must have has had i we you he she it they me us them my our your their ' +
    'this that these those what which who whom whose when where why how if then than so not no yes any some ' +
    'there here about into over under up down out please tell explain'
  ).split(/\s+/),
);

const HAN = /\p{Script=Han}/u;

export interface QueryTerms {
  /** Simplified Han terms (words ≥ 2 chars and their bigrams), deduplicated. */
  han: string[];
  /** Lower-cased Latin words (acronyms like CRM, English content words). */
  latin: string[];
  /** Optional per-term weight (default 1), e.g. lower for glossary synonyms than for the question's own words. */
  weights?: Map<string, number>;
}

export function isStopword(word: string): boolean {
  return ZH_STOP.has(word) || EN_STOP.has(word.toLowerCase());
}

/** Content words of a text in reading order (Simplified; single Han chars merged into runs). */
export function contentWords(text: string, tokenizer: Tokenizer = plainTokenizer()): string[] {
  const simp = toSimplified(text);
  const words: string[] = [];
  let run = '';
  const flush = () => {
    if (run.length >= 2) words.push(run);
    run = '';
  };
  for (const seg of tokenizer.cutWords(simp)) {
    if (!seg.isWord) {
      flush();
      continue;
    }
    const w = seg.word;
    if (isStopword(w)) {
      flush();
      continue;
    }
    if (HAN.test(w) && [...w].length === 1) {
      // Unknown compounds can come back as single characters: glue them back into one run.
      run += w;
      continue;
    }
    flush();
    if (w.length >= 2) words.push(w);
  }
  flush();
  return words;
}

/** Interrogatives: in a Chinese question the words after them name what is asked for (哪些原则, 什么处罚). */
const INTERROGATIVE = /什么|哪些|哪个|哪种|哪类|哪里|多少|多久|怎么|怎样|如何|是否|几/u;
const FOCUS_WEIGHT = 1.5;

export function queryTerms(text: string, tokenizer: Tokenizer = plainTokenizer()): QueryTerms {
  const han = new Set<string>();
  const latin = new Set<string>();
  const weights = new Map<string, number>();
  const simp = toSimplified(text);
  const q = simp.match(INTERROGATIVE);
  const focus = q?.index !== undefined ? new Set(contentWords(simp.slice(q.index + q[0].length), tokenizer)) : new Set<string>();
  for (const w of contentWords(simp, tokenizer)) {
    if (HAN.test(w)) {
      han.add(w);
      if (focus.has(w)) weights.set(w, FOCUS_WEIGHT);
      const chars = [...w];
      if (chars.length >= 3) for (let i = 0; i + 1 < chars.length; i++) han.add(chars[i] + chars[i + 1]);
    } else {
      latin.add(w.toLowerCase());
    }
  }
  return { han: [...han], latin: [...latin], weights };
}

/** Union of term sets; a term's weight is the highest it has in any part (own words default to 1). */
export function mergeTerms(...parts: QueryTerms[]): QueryTerms {
  const han = new Set<string>();
  const latin = new Set<string>();
  const weights = new Map<string, number>();
  const note = (t: string, w: number) => weights.set(t, Math.max(weights.get(t) ?? 0, w));
  for (const p of parts) {
    p.han.forEach((t) => (han.add(t), note(t, p.weights?.get(t) ?? 1)));
    p.latin.forEach((t) => (latin.add(t), note(t, p.weights?.get(t) ?? 1)));
  }
  return { han: [...han], latin: [...latin], weights };
}

/** Terms from a weighted expansion (the retriever's glossary: English → Chinese, synonyms). */
export function weightedTerms(expansion: { term: string; weight: number }[]): QueryTerms {
  const han: string[] = [];
  const latin: string[] = [];
  const weights = new Map<string, number>();
  for (const { term, weight } of expansion) {
    const t = toSimplified(term).toLowerCase();
    // Fragments of expansions (bigrams carved out of synonyms) only add noise at sentence level.
    if ([...t].length < 2 || isStopword(t) || weight < 0.6) continue;
    (HAN.test(t) ? han : latin).push(t);
    // One question word can bring several synonyms; together they must not outweigh the
    // question's own words, so synonyms (weight < 1) count for half.
    const w = weight < 1 ? weight * 0.5 : weight;
    weights.set(t, Math.max(weights.get(t) ?? 0, Math.min(w, 1.5)));
  }
  return { han, latin, weights };
}

/** Character bigrams of the Han text, for near-duplicate detection. */
export function charBigrams(simplified: string): Set<string> {
  const chars = [...simplified.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

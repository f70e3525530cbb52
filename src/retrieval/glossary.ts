import { z } from 'zod';
import { loadDataFile } from '../data-files/data-file.js';
import { normalise } from '../text/normalise.js';
import type { EnglishLexicon } from './english-lexicon.js';
import { registerDomainWords } from './tokenize.js';

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
  registerDomainWords([...synonyms.keys(), ...english.flatMap(([, zh]) => zh)]);
  return { synonyms, english, stopwords: new Set(data.stopwords.map(normalise)), lexicon: new Map() };
}

export const EMPTY_GLOSSARY: Glossary = { synonyms: new Map(), english: [], stopwords: new Set(), lexicon: new Map() };

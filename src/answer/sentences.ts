import type { Chunk } from '../retrieval/types.js';
import { toSimplified } from '../text/script.js';

/** A sentence of a passage; `text` is always an exact slice of the chunk's display text. */
export interface Sentence {
  text: string;
  /** Simplified, lower-cased form for term matching. */
  simp: string;
  /** Offset of `text` in the chunk text (reading order inside the passage). */
  start: number;
}

const TERMINATORS = /[。！？；!?;\n]+/gu;
/** Leading list markers: "3.", "3、", "（三）", "一、", "01" slide numbers, bullets. */
const LIST_MARKER =
  /^(?:[\s•·●○■□▪◆◇\-–—*]+|\d{1,3}\s*[.．、)）]\s*(?!\d)|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]\s*|[一二三四五六七八九十]{1,3}\s*[、.．]\s*)+/u;
const TRAILING_PUNCT = /[\s,，、:：。；;]+$/u;
const MAX_SENTENCE = 160;
const SOFT_PIECE = 110;

/** Splits passage text into sentences at 。！？；and line breaks; overlong ones at clause commas. */
export function splitSentences(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let last = 0;
  const pieces: [number, number][] = [];
  for (const m of text.matchAll(TERMINATORS)) {
    pieces.push([last, m.index]);
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push([last, text.length]);

  for (const [s, e] of pieces) {
    for (const [ps, pe] of splitLong(text, s, e)) {
      let start = ps;
      let slice = text.slice(ps, pe);
      const marker = slice.match(LIST_MARKER);
      if (marker) {
        start += marker[0].length;
        slice = slice.slice(marker[0].length);
      }
      const trimmed = slice.replace(TRAILING_PUNCT, '');
      if (trimmed.replace(/[^\p{L}\p{N}]/gu, '').length < 4) continue;
      out.push({ text: trimmed, start });
    }
  }
  return out;
}

/** Overlong runs (slide decks, scraped pages without full stops) are cut at clause boundaries. */
function splitLong(text: string, s: number, e: number): [number, number][] {
  if (e - s <= MAX_SENTENCE) return [[s, e]];
  const out: [number, number][] = [];
  let start = s;
  while (e - start > MAX_SENTENCE) {
    const window = text.slice(start, start + MAX_SENTENCE);
    let cut = -1;
    for (const m of window.matchAll(/[，,：:]/gu)) {
      if (m.index >= 20 && m.index <= SOFT_PIECE) cut = m.index + 1;
      else if (m.index > SOFT_PIECE && cut < 0) cut = m.index + 1;
    }
    if (cut < 0) cut = SOFT_PIECE;
    out.push([start, start + cut]);
    start += cut;
  }
  out.push([start, e]);
  return out;
}

/** Section headings repeated as their own lines ("第九章风险控制与合规经营") are not answers. */
function isHeading(sentence: string, chunk: Chunk): boolean {
  if (/[，,。：:；;]/u.test(sentence)) return false;
  if (sentence.length <= 30 && /^第[一二三四五六七八九十百\d]+[章节条部分]/u.test(sentence)) return true;
  return chunk.sectionPath.some((p) => p.trim() === sentence.trim()) || chunk.title.trim() === sentence.trim();
}

/**
 * Splitting and converting a passage costs more than scoring it, and the same chunks come back
 * for many questions, so prepared sentences are cached per chunk (bounded; reset on overflow).
 */
const cache = new Map<string, { source: string; sentences: Sentence[] }>();
const CACHE_LIMIT = 20_000;

export function passageSentences(chunk: Chunk): Sentence[] {
  const key = `${chunk.docId}\u0000${chunk.id}`;
  const hit = cache.get(key);
  if (hit && hit.source === chunk.text) return hit.sentences;
  const sentences = splitSentences(chunk.text)
    .filter((s) => !isHeading(s.text, chunk))
    .map((s) => ({ ...s, simp: toSimplified(s.text).toLowerCase() }));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, { source: chunk.text, sentences });
  return sentences;
}

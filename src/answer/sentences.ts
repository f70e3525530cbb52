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
  const bare = toSimplified(sentence.trim());
  return chunk.sectionPath.some((p) => toSimplified(p.trim()) === bare || toSimplified(headingText(p)) === bare) || toSimplified(chunk.title.trim()) === bare;
}

/**
 * Scraper debris inside a sentence: slide-deck part markers (02PART) and runs of slide numbers
 * glued to the next word (01020304根据, 030201资金, 123销售; 123家 is a count). They end one sentence and start the next.
 */
const DEBRIS = /\d{2}\s*PART|\d{3,}(?=\p{Script=Han})(?![家个元万亿千百次人条项天年月日号件台套名位户份张周岁])/gu;

/** 123, 01020304, 030201: consecutive numbers written together (slide numbering), not an amount or a year. */
function isNumberingRun(digits: string): boolean {
  for (const width of [1, 2]) {
    if (digits.length % width || digits.length / width < 3) continue;
    const n = digits.match(new RegExp(`\\d{${width}}`, 'g'))!.map(Number);
    const step = n[1]! - n[0]!;
    if (Math.abs(step) === 1 && n.every((v, i) => i === 0 || v - n[i - 1]! === step)) return true;
  }
  return false;
}

/** Splits a sentence at debris markers, dropping the markers; pieces stay exact slices. */
function withoutDebris(s: { text: string; start: number }): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let from = 0;
  for (const m of s.text.matchAll(DEBRIS)) {
    if (!/PART/.test(m[0]) && !isNumberingRun(m[0])) continue;
    out.push({ text: s.text.slice(from, m.index), start: s.start + from });
    from = m.index + m[0].length;
  }
  out.push({ text: s.text.slice(from), start: s.start + from });
  return out.map((p) => {
    const lead = p.text.length - p.text.trimStart().length;
    return { text: p.text.trim(), start: p.start + lead };
  });
}

/**
 * Characters the broken encoding of the scraped pages left behind (⒈, ⑵…), and a Latin letter
 * wedged between Han characters (确蛻魯據, 评价己私Y果将, 当氐南嚓P政策): such a clause is garbled.
 * A capital letter that grades or classes something (A类客户, 得A得B, 第X章) is text, not debris.
 */
const GARBLED = /[\u2460-\u24ff\ufffd]|\p{Script=Han}[a-z]\p{Script=Han}|(?<![得为為是评評第级級\p{Script=Latin}])(?<=\p{Script=Han})[A-Z](?=\p{Script=Han})(?![类類级級档檔等])/u;
/** Template placeholders left in the source ([X]天, [具体周期,如季度或年度]): never quoted. */
const PLACEHOLDER = /[[［【][^\]］】]{0,30}[\]］】]/u;

/** A section heading without its numbering (02 销售过程中的安全风险 → 销售过程中的安全风险). */
function headingText(heading: string): string {
  return heading.replace(/^\s*(?:第[一二三四五六七八九十百\d]+[章节条部分]|[一二三四五六七八九十]+\s*[、.．]|\d{1,3}\s*[.．、]?|\d{2}\s*PART)\s*/u, '').trim();
}

/**
 * A sentence as it may be quoted: debris before it skipped, a heading glued to its text skipped
 * (the citation names the section), placeholders refused. Stays an exact slice of the passage.
 */
function quotable(s: { text: string; start: number }, chunk: Chunk): { text: string; start: number }[] {
  let { text, start } = s;
  const skip = (n: number) => {
    text = text.slice(n);
    start += n;
  };
  const headings = chunk.sectionPath.flatMap((h) => [h.trim(), headingText(h)]).filter((h) => h.length >= 4).sort((a, b) => b.length - a.length);
  // A list number and headings may be glued in turn (四、直销客户管理1.客户信息管理信息收集:…).
  for (let round = 0; round < 3; round++) {
    const marker = text.match(LIST_MARKER);
    if (marker) skip(marker[0].length);
    // Headings are displayed in the source's script; compare in Simplified.
    const heading = headings.find((h) => toSimplified(text).startsWith(toSimplified(h)) && text.length - h.length >= 8);
    if (!heading && !marker) break;
    if (heading) skip(heading.length + (/^[:：]/.test(text.slice(heading.length)) ? 1 : 0));
  }
  if (text.replace(/[^\p{L}]/gu, '').length < 4) return [];
  if (!PLACEHOLDER.test(text) && !GARBLED.test(text)) return [{ text, start }];
  return cleanClauses(text, start);
}

/** A clause boundary: Chinese or Latin comma, semicolon or colon. */
const CLAUSE_END = /[，,；;：:]/gu;
/** A run of clean clauses worth quoting alone: at least this many letters when it is a single clause (每一个考核周期结束后 is not). */
const MIN_LONE_CLAUSE = 12;

/**
 * The clean parts of a sentence that holds a placeholder or broken-encoding text: the clauses
 * around the bad one (培训时长不少于[X]天,培训结束后进行考核,考核合格者方可上岗 → 培训结束后进行考核,
 * 考核合格者方可上岗), so the rule beside a blank is still quotable and the blank never is. A lone
 * short clause (对于一般性问题) says nothing by itself and is dropped. Pieces stay exact slices.
 */
function cleanClauses(text: string, start: number): { text: string; start: number }[] {
  // A placeholder may hold commas ([具体周期,如季度或年度]): its span is one clause piece.
  const blanks = [...text.matchAll(new RegExp(PLACEHOLDER.source, 'gu'))].map((m) => [m.index, m.index + m[0].length] as const);
  const clauses: { from: number; to: number }[] = [];
  let from = 0;
  for (const m of text.matchAll(CLAUSE_END)) {
    if (blanks.some(([a, b]) => m.index > a && m.index < b)) continue;
    clauses.push({ from, to: m.index });
    from = m.index + m[0].length;
  }
  clauses.push({ from, to: text.length });
  const out: { text: string; start: number }[] = [];
  let run: { from: number; to: number }[] = [];
  const flush = () => {
    if (!run.length) return;
    const piece = text.slice(run[0]!.from, run.at(-1)!.to).trim();
    const lead = text.slice(run[0]!.from).length - text.slice(run[0]!.from).trimStart().length;
    const letters = piece.replace(/[^\p{L}]/gu, '').length;
    if (letters >= 4 && (run.length >= 2 || letters >= MIN_LONE_CLAUSE)) out.push({ text: piece, start: start + run[0]!.from + lead });
    run = [];
  };
  for (const c of clauses) {
    const clause = text.slice(c.from, c.to);
    if (PLACEHOLDER.test(clause) || GARBLED.test(clause)) flush();
    else run.push(c);
  }
  flush();
  return out;
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
    .flatMap(withoutDebris)
    .flatMap((s) => quotable(s, chunk))
    .filter((s) => !isHeading(s.text, chunk))
    .map((s) => ({ ...s, simp: toSimplified(s.text).toLowerCase() }));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, { source: chunk.text, sentences });
  return sentences;
}

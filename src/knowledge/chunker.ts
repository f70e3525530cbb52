import { pathAt, type SectionSpan } from './sections.js';

export interface Sentence {
  start: number;
  end: number;
}

export interface ChunkSpan {
  start: number;
  end: number;
  /** Section path of every sentence in the chunk, in order. */
  paths: string[][];
}

export interface ChunkingOptions {
  /** A chunk closes once it reaches this many characters. */
  target: number;
  /** Below this a chunk carries on into the next top-level section rather than stand alone. */
  min: number;
  /** A chunk never grows past this (a single longer sentence is cut). */
  max: number;
  /** The previous chunk's last sentence is repeated when it is at most this long. */
  overlapMax: number;
}

/** Sized for Chinese: ~300 characters carry one or two rules with their context. */
export const DEFAULT_CHUNKING: ChunkingOptions = { target: 300, min: 120, max: 420, overlapMax: 120 };

const SENTENCE_END = /[。！？；!?;]+[”’」』)）]?|\n+/gu;

/** Sentence spans at 。！？； and line breaks; over-long runs are cut at commas, then hard. */
export function splitSentences(text: string, max: number): Sentence[] {
  const out: Sentence[] = [];
  let from = 0;
  const push = (start: number, end: number) => {
    while (start < end && /\s/u.test(text[start]!)) start++;
    if (end > start) out.push(...cutLong(text, start, end, max));
  };
  for (const m of text.matchAll(SENTENCE_END)) {
    push(from, m.index! + m[0].length);
    from = m.index! + m[0].length;
  }
  push(from, text.length);
  return out;
}

function cutLong(text: string, start: number, end: number, max: number): Sentence[] {
  if (end - start <= max) return [{ start, end }];
  const pieces: Sentence[] = [];
  let s = start;
  while (end - s > max) {
    const window = text.slice(s, s + max);
    const comma = Math.max(window.lastIndexOf('，'), window.lastIndexOf(','), window.lastIndexOf('、'));
    const cut = comma > max / 3 ? s + comma + 1 : s + max;
    pieces.push({ start: s, end: cut });
    s = cut;
  }
  pieces.push({ start: s, end });
  return pieces;
}

/**
 * Groups sentences into chunks that never cross a top-level section, close at `target`
 * characters, and repeat the previous chunk's last sentence for context (overlap).
 */
export function chunkText(text: string, spans: SectionSpan[], options: ChunkingOptions = DEFAULT_CHUNKING): ChunkSpan[] {
  const sentences = splitSentences(text, options.max);
  const chunks: ChunkSpan[] = [];
  let current: Sentence[] = [];
  let overlap: Sentence | null = null;
  let currentTop = '';

  const flush = () => {
    if (!current.length) return;
    const first = current[0]!;
    const last = current[current.length - 1]!;
    const start = overlap && overlap.end <= first.start ? overlap.start : first.start;
    const members = start === first.start ? current : [overlap!, ...current];
    chunks.push({ start, end: last.end, paths: members.map((m) => pathAt(spans, m.start)) });
    overlap = last.end - last.start <= options.overlapMax ? last : null;
    current = [];
  };

  for (const sentence of sentences) {
    const top = pathAt(spans, sentence.start)[0] ?? '';
    // A new top-level section starts a new chunk, unless the current one is still too small
    // to stand alone (documents made of one-line articles).
    if (top !== currentTop) {
      if ((current.length ? sentence.start - current[0]!.start : 0) >= options.min) {
        flush();
        overlap = null;
      }
      currentTop = top;
    }
    const size = current.length ? sentence.end - current[0]!.start : 0;
    if (current.length && size > options.max) flush();
    current.push(sentence);
    if (sentence.end - current[0]!.start >= options.target) flush();
  }
  flush();
  return chunks;
}

/**
 * The section a chunk cites: the deepest path all its sentences share, plus the range of
 * item numbers below it when the chunk spans several (`第九章 風險控制與合規經營 › 1–5`).
 */
export function sectionLabel(paths: string[][]): string {
  if (!paths.length) return '';
  const common: string[] = [];
  for (let d = 0; ; d++) {
    const label = paths[0]![d];
    if (label === undefined || !paths.every((p) => p[d] === label)) break;
    common.push(label);
  }
  const items = paths
    .map((p) => p[common.length])
    .filter((x): x is string => x !== undefined)
    .map((x) => x.split(' ')[0]!);
  if (common.length === 0 && items.length && new Set(items).size > 1) {
    return `${paths[0]![0]}–${paths[paths.length - 1]![0]}`;
  }
  const numbers = items.filter((x) => /^\d+$/.test(x));
  if (numbers.length && numbers.length === items.length) {
    const first = numbers[0]!;
    const last = numbers[numbers.length - 1]!;
    common.push(first === last ? paths.find((p) => p[common.length]?.startsWith(first))![common.length]! : `${first}–${last}`);
  }
  return common.join(' › ');
}

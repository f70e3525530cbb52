import type { Amount } from '../amounts.js';

/** Phrase and span helpers shared by the amount and deposit checks. */

/** Characters from `from` to the end of its sentence. */
export function sentenceLength(text: string, from: number): number {
  const rel = text.slice(from).search(/[。；;\n]/);
  return rel === -1 ? text.length - from : rel;
}

/**
 * Phrases end at `，` `。` `；` and line breaks; after normalisation `，` is `,`, so a comma that
 * groups digits (`1,500,000`) must not count as one.
 */
export function isPhraseBreak(text: string, i: number): boolean {
  const c = text[i]!;
  if (c !== ',') return /[，。；;\n]/.test(c);
  return !(/\d/.test(text[i - 1] ?? '') && /^\d{3}(?!\d)/.test(text.slice(i + 1, i + 5)));
}

/** Offset of the last phrase break before `before`, or -1. */
export function phraseBreakBefore(text: string, before: number): number {
  for (let i = before - 1; i >= 0; i--) if (isPhraseBreak(text, i)) return i;
  return -1;
}

/** Offset of the first phrase break at or after `from`, or the text's length. */
export function phraseBreakAfter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (isPhraseBreak(text, i)) return i;
  return text.length;
}

/** A figure and its 大写 twin count once. */
export function dedupeAmounts(amounts: Amount[]): Amount[] {
  const figures = amounts.filter((a) => !a.inWords);
  return figures.length ? figures : amounts;
}

export interface Span {
  start: number;
  end: number;
}

/**
 * The few spans (sorted by start) starting within 30 characters at or after `offset`, found by
 * binary search: a long sentence can mention the deposit hundreds of times.
 */
export function spansFrom<T extends Span>(spans: T[], offset: number): T[] {
  const first = firstStartingAtOrAfter(spans, offset);
  let last = first;
  while (last < spans.length && spans[last]!.start - offset <= 30) last++;
  return spans.slice(first, last);
}

/** The few spans (sorted by start) starting less than 60 characters before `offset` (room for a long amount). */
export function spansBefore<T extends Span>(spans: T[], offset: number): T[] {
  return spans.slice(firstStartingAtOrAfter(spans, offset - 60), firstStartingAtOrAfter(spans, offset));
}

function firstStartingAtOrAfter(spans: Span[], offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

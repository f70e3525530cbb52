import type { CleaningRules } from './cleaning.js';

export interface SectionMarker {
  /** Offset of the marker in the text. */
  at: number;
  depth: number;
  kind: string;
  number: number;
  /** Display label, e.g. `第九章 風險控制與合規經營`, `一、 總則`, `4`. */
  label: string;
}

/** Section path (labels from outermost to innermost) in force at each marker. */
export interface SectionSpan {
  start: number;
  path: string[];
}

export { cjkNumber } from '../text/cjk-number.js';
import { cjkNumber } from '../text/cjk-number.js';

type Candidate = { at: number; end: number; kind: string; number: number; rule: CleaningRules['sections'][number]; stops: readonly string[] };

/**
 * Finds the document's own section numbering. Kinds get their depth from the order in which
 * they first appear; a marker counts only when it starts a run (1) or continues the run at its
 * depth, and a restart of an outer kind resets the inner counters.
 */
export function findSections(text: string, rules: CleaningRules['sections'], titleStops: readonly string[] = []): SectionSpan[] {
  const candidates: Candidate[] = [];
  for (const rule of rules) {
    const re = new RegExp(rule.pattern, 'gu');
    for (const m of text.matchAll(re)) {
      const raw = m[1] ?? '';
      const number = rule.numerals === 'cjk' ? cjkNumber(raw) : parseInt(raw, 10);
      if (!Number.isFinite(number) || number < 1) continue;
      candidates.push({ at: m.index!, end: m.index! + m[0].length, kind: rule.id, number, rule, stops: titleStops });
    }
  }
  candidates.sort((a, b) => a.at - b.at || a.end - b.end);

  const depthOf = new Map<string, number>();
  const lastAt: number[] = [];
  const markers: SectionMarker[] = [];
  let covered = -1;
  for (const c of candidates) {
    if (c.at < covered) continue; // inside a longer marker already taken (第一章 vs 一、)
    const known = depthOf.get(c.kind);
    const depth = known ?? depthOf.size;
    const previous = lastAt[depth] ?? 0;
    const continues = c.number === previous + 1;
    const starts = c.number === 1 && (c.rule.anywhere || startsCleanly(text, c.at));
    if (!continues && !starts) continue;
    if (known === undefined) {
      if (c.number !== 1) continue;
      depthOf.set(c.kind, depth);
    }
    lastAt[depth] = c.number;
    lastAt.length = depth + 1;
    markers.push({ at: c.at, depth, kind: c.kind, number: c.number, label: labelFor(text, c) });
    covered = c.end;
  }

  const spans: SectionSpan[] = [{ start: 0, path: [] }];
  const path: string[] = [];
  for (const m of markers) {
    path.length = m.depth;
    // A depth can be skipped (item before any chapter): keep the path dense.
    while (path.length < m.depth) path.push('');
    path[m.depth] = m.label;
    spans.push({ start: m.at, path: path.filter(Boolean) });
  }
  return spans;
}

/** A restart (number 1) of a known kind must begin a line or follow punctuation, not sit inside a word. */
function startsCleanly(text: string, at: number): boolean {
  if (at === 0) return true;
  return /[\n。！？；;:：,，、)）》\s]/u.test(text[at - 1]!);
}

function labelFor(text: string, c: Candidate): string {
  const base = c.rule.label.replace('{n}', text.slice(c.at, c.end).match(/[一二三四五六七八九十百零〇\d]+/u)?.[0] ?? String(c.number));
  const title = titleAfter(text, c);
  return title ? `${base.trim()} ${title}` : base.trim();
}

function titleAfter(text: string, c: Candidate): string {
  const after = text.slice(c.end, c.end + 80);
  const lineRest = after.split('\n')[0]!.trim();
  switch (c.rule.title) {
    case 'none':
      return '';
    case 'line-or-inline': {
      const lineStart = c.at === 0 || text[c.at - 1] === '\n';
      if (lineStart && lineRest.length > 0 && lineRest.length <= 40 && !/[。！？]$/u.test(lineRest)) return lineRest;
      return inlineTitle(after, c.stops);
    }
    case 'inline':
      return inlineTitle(after, c.stops);
    case 'colon': {
      const m = /^([^\n,，。:：;；]{1,14})[:：]/u.exec(after.trimStart());
      return m ? m[1]!.trim() : '';
    }
    case 'toc': {
      const before = text.slice(0, c.at);
      for (let len = Math.min(20, after.length); len >= 4; len--) {
        const phrase = after.slice(0, len);
        if (before.includes(phrase)) return phrase;
      }
      return inlineTitle(after).slice(0, 10);
    }
  }
}

/**
 * Words up to the next punctuation, number or line break, and before the word that usually
 * opens body text (本辦法…, 親愛的…): inline headings run straight into their paragraph.
 */
function inlineTitle(after: string, stops: readonly string[] = []): string {
  const m = /^\s*([^\n\d,，。:：;；、!！?？(（]{1,12})/u.exec(after);
  if (!m) return '';
  let title = m[1]!.trim();
  for (const stop of stops) {
    const at = title.indexOf(stop, 2);
    if (at >= 2) title = title.slice(0, at);
  }
  return title;
}

export function pathAt(spans: SectionSpan[], offset: number): string[] {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return spans[lo]!.path;
}

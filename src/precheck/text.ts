import { toSimplified } from '../text/script.js';

/**
 * Contract text prepared for matching. `norm` has exactly the same length as `original`
 * (UTF-16 units), so an offset found in `norm` is also an offset into `original`: rules are
 * written in Simplified script with ASCII digits, evidence is quoted from what the user sent.
 */
export interface PreparedText {
  original: string;
  norm: string;
  clauses: Clause[];
  sentences: Sentence[];
  sections: Section[];
}

/** A top-level part (`第三条` with its numbered sub-items); equals the clauses when there are no top-level headings. */
export interface Section {
  start: number;
  end: number;
}

export interface Clause {
  index: number;
  start: number;
  end: number;
  /** Normalised text of the heading line (`第四条 付款`, `二、`) or '' when the clause has none. */
  heading: string;
}

export interface Sentence {
  index: number;
  clause: number;
  start: number;
  end: number;
  /** Normalised text. */
  text: string;
  /** A table cell restated with its column header: `text` is not a slice of the contract. */
  restated?: true;
  /**
   * States nothing yet: a clause title alone (`第四条 交货时间、地点`), a form field left blank
   * (`交货地点：______`), or an empty table. Absence rules do not count it as the clause.
   */
  unfilled?: true;
}

/** Full-width ASCII forms and the ideographic space, so `２０％` and `20%` match alike. */
function halfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/**
 * Simplified + half-width text aligned 1:1 with the input. OpenCC keeps the length for
 * practically all contract text; when a line's conversion would change its length (a phrase
 * mapping of different size) that line falls back to character-by-character conversion.
 */
export function normalizeAligned(original: string): string {
  let simp = toSimplified(original);
  if (simp.length !== original.length) {
    simp = original
      .split('\n')
      .map((line) => {
        const whole = toSimplified(line);
        if (whole.length === line.length) return whole;
        return Array.from(line, (ch) => {
          const c = toSimplified(ch);
          return c.length === ch.length ? c : ch;
        }).join('');
      })
      .join('\n');
  }
  return blankEnglishGlosses(halfWidth(simp));
}

/**
 * Bilingual contracts gloss a Chinese field label in English before its colon (`品名 Commodity：`,
 * `装运期 Time of Shipment：`). The gloss is blanked out (same length, so offsets hold) and the label
 * reads as `品名          ：`, like a Chinese-only form.
 */
const ENGLISH_GLOSS_BEFORE_COLON = /(?<=\p{Script=Han}|\p{Script=Han}[)）][ \t]*|\p{Script=Han}[ \t]+)[A-Za-z][A-Za-z0-9 .,'&()/-]{0,40}?(?=[ \t]*:)/gu;

function blankEnglishGlosses(norm: string): string {
  return norm.replace(ENGLISH_GLOSS_BEFORE_COLON, (gloss) => ' '.repeat(gloss.length));
}

/** Lines that open a clause: 第X条 / 第X章 / 一、 / 1. / 1、 / （一） / (1) / 1.1 */
const HEADING =
  /^[ \t]*(第[一二三四五六七八九十百零〇两\d]+[条章节款部分]|[一二三四五六七八九十壹贰叁参肆伍陆柒捌玖拾]+[、.．]|\d+(\.\d+)*[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）])/;

/** A sentence ends at 。；;！？!? or a line break. */
const SENTENCE_END = /[。；;！？!?\n]/g;

export function prepare(original: string): PreparedText {
  const norm = normalizeAligned(original);
  const clauses = segmentClauses(norm);
  const sentences = segmentSentences(norm, clauses);
  return { original, norm, clauses, sentences, sections: segmentSections(norm, clauses) };
}

/**
 * Heading styles that can open a top-level part, outermost first in the usual Chinese order
 * (第X条 / 一、 > （一） > 1.). Traditional contracts number with capitals (壹、貳、參、).
 */
const SECTION_STYLES = [
  /^([ \t]*)(第[一二三四五六七八九十百零〇两\d]+[条章部]|[一二三四五六七八九十壹贰叁参肆伍陆柒捌玖拾]+[、.．])/,
  /^([ \t]*)[（(][一二三四五六七八九十]+[)）]/,
  /^([ \t]*)\d+[、.．](?!\d)/,
];

/**
 * Clauses grouped under their top-level heading, so `第三条 付款` keeps its `1.` `2.` `3.` items
 * together (and `（一）产品` its `1.` `2.` items, and `4. 付款` its `(1)` `(2)` items). The top level
 * is the least indented style present; at equal indentation the outermost in the usual order.
 */
export function segmentSections(norm: string, clauses: Clause[]): Section[] {
  const headOf = (c: Clause) => norm.slice(c.start, Math.min(c.end, c.start + 40));
  let top: { style: number; indent: number } | undefined;
  SECTION_STYLES.forEach((style, i) => {
    for (const c of clauses) {
      const m = style.exec(headOf(c));
      if (m && (!top || m[1]!.length < top.indent || (m[1]!.length === top.indent && i < top.style))) top = { style: i, indent: m[1]!.length };
    }
  });
  if (!top) return clauses.map((c) => ({ start: c.start, end: c.end }));
  const tops = clauses.filter((c) => SECTION_STYLES[top!.style]!.test(headOf(c)));
  const starts = [0, ...tops.map((c) => c.start).filter((x) => x > 0)];
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? norm.length }));
}

/**
 * Clauses start at heading lines and at blank lines. A clause that is only a short heading
 * (`第三条 交付` followed by a blank line) is merged into the next one, so the heading
 * stays attached to its body.
 */
export function segmentClauses(norm: string): Clause[] {
  const starts: number[] = [0];
  let pos = 0;
  let prevBlank = false;
  while (pos <= norm.length) {
    const nl = norm.indexOf('\n', pos);
    const lineEnd = nl === -1 ? norm.length : nl;
    const line = norm.slice(pos, lineEnd);
    const blank = line.trim() === '';
    if (!blank && pos > 0 && (prevBlank || HEADING.test(line))) starts.push(pos);
    prevBlank = blank;
    if (nl === -1) break;
    pos = nl + 1;
  }
  const raw: { start: number; end: number }[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : norm.length;
    if (end > start) raw.push({ start, end });
  }
  const merged: { start: number; end: number }[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = { ...raw[i]! };
    while (i + 1 < raw.length && isBareHeading(norm.slice(c.start, c.end))) {
      c.end = raw[i + 1]!.end;
      i++;
    }
    merged.push(c);
  }
  return merged.map((c, index) => ({ index, start: c.start, end: c.end, heading: headingOf(norm, c.start, c.end) }));
}

function isBareHeading(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && t.length <= 20 && !t.includes('\n') && HEADING.test(t) && !/[。；;：:，,]/.test(t);
}

/** The first line of a clause when it is a heading, limited to its title part. */
function headingOf(norm: string, start: number, end: number): string {
  const nl = norm.indexOf('\n', start);
  const firstLine = norm.slice(start, nl === -1 || nl > end ? end : nl);
  if (!HEADING.test(firstLine)) return '';
  // `第四条 付款：验收合格后…` — keep the title before the first colon / sentence mark.
  const cut = firstLine.search(/[：:。；;，,]/);
  return (cut === -1 ? firstLine : firstLine.slice(0, cut)).trim().slice(0, 40);
}

export function segmentSentences(norm: string, clauses: Clause[]): Sentence[] {
  const out: Sentence[] = [];
  for (const clause of clauses) {
    let from = clause.start;
    SENTENCE_END.lastIndex = clause.start;
    const push = (s: number, e: number) => {
      // Trim whitespace so offsets point at the visible sentence.
      while (s < e && /\s/.test(norm[s]!)) s++;
      while (e > s && /\s/.test(norm[e - 1]!)) e--;
      if (e > s) out.push({ index: out.length, clause: clause.index, start: s, end: e, text: norm.slice(s, e) });
    };
    for (;;) {
      const m = SENTENCE_END.exec(norm);
      if (!m || m.index >= clause.end) break;
      push(from, m.index + (m[0] === '\n' ? 0 : 1));
      from = m.index + 1;
    }
    push(from, clause.end);
  }
  return out;
}

/** Index of the sentence containing `offset` (binary search over sorted sentences). */
export function sentenceAt(sentences: Sentence[], offset: number): Sentence | undefined {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}

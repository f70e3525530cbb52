import { parseCount } from '../amounts.js';

/**
 * Option lists of official model forms: `按下列第 __ 种方式解决：（一）提交 __ 仲裁委员会仲裁；
 * （二）依法向人民法院起诉`, or check boxes (`□ 仲裁 ☑ 诉讼`). The parties fill in the number,
 * tick a box or strike an option out; the options not chosen are not part of the agreement, so
 * every rule reads only the chosen one. Works on normalised text (half-width brackets).
 */

export interface OptionItem {
  /** 1-based position in the list as numbered in the form. */
  number: number;
  start: number;
  end: number;
}

export interface OptionList {
  start: number;
  end: number;
  /** The chosen options' numbers (ticked boxes may be several); empty when the choice is left blank. */
  chosen: number[];
  options: OptionItem[];
  kind: 'numbered' | 'checkbox';
}

/**
 * `第 __ 种` / `第（2）种` / `第二项`: a selector of one option among those listed next. Only
 * with 下列/以下/如下 before it or a colon right after it: `第二条` alone is a cross-reference.
 */
const SELECTOR = /第[\s_()]*([0-9]{1,2}|[一二三四五六七八九十]|[①②③④⑤⑥⑦⑧⑨⑩])?[\s_()]*(种|项|款|个)/gu;
const SELECTOR_CONTEXT_BEFORE = /(下列|以下|如下|下述|后附|约定)[^。；;\n]{0,12}$/u;
const SELECTOR_CONTEXT_AFTER = /^[^。；;\n]{0,12}[:：]/u;

/** `按下列方式解决：` / `采用以下方式之一：`: options follow, with no number to fill in. */
const LEAD_IN = /(下列|以下|如下|下述)[^。；;\n]{0,4}(方式|途径|办法)[^。\n]{0,20}[:：]/gu;

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩';

/** A lone `／` where a value belongs: the form's way of striking an option out. */
export const STRUCK = /(?<=[\s:：])\/(?=[\s；;，,。)]|$)/u;

/** Option marker styles; each gives the marker's number. */
const MARKER_STYLES: { re: RegExp; value: (m: RegExpExecArray) => number | null }[] = [
  { re: /[(]([一二三四五六七八九十])[)]/gu, value: (m) => parseCount(m[1]!) },
  { re: /[(](\d{1,2})[)]/gu, value: (m) => Number(m[1]) },
  { re: /[①②③④⑤⑥⑦⑧⑨⑩]/gu, value: (m) => CIRCLED.indexOf(m[0]) + 1 },
  { re: /(?<![\d.])(\d{1,2})[.、](?!\d)/gu, value: (m) => Number(m[1]) },
  { re: /(?<![A-Za-z])([A-F])[.、)]/gu, value: (m) => m[1]!.charCodeAt(0) - 64 },
  { re: /(?<![一二三四五六七八九十])([一二三四五六七八九十])、/gu, value: (m) => parseCount(m[1]!) },
];

/** How far after a selector its options may run. */
const LIST_WINDOW = 700;

function selectedNumber(raw: string | undefined): number | null {
  if (!raw) return null;
  const circled = CIRCLED.indexOf(raw);
  if (circled !== -1) return circled + 1;
  return parseCount(raw);
}

/**
 * @param struckMarkers notes that strike an option out (`【此项已由双方划去】`, contract.yaml
 *   `struckOptionMarkers`), besides the lone `／`.
 */
export function findOptionLists(norm: string, struckMarkers: readonly RegExp[] = []): OptionList[] {
  const struck = (text: string) => STRUCK.test(text) || struckMarkers.some((re) => re.test(text));
  const lists: OptionList[] = [];
  for (const m of norm.matchAll(SELECTOR)) {
    const at = m.index!;
    const before = norm.slice(Math.max(0, at - 20), at);
    const after = norm.slice(at + m[0].length, at + m[0].length + 16);
    if (!SELECTOR_CONTEXT_BEFORE.test(before) && !SELECTOR_CONTEXT_AFTER.test(after)) continue;
    // `第二种` written without any fill-in marks is still a choice; an empty selector is a blank.
    const chosen = selectedNumber(m[1]);
    const options = optionsAfter(norm, at + m[0].length);
    if (options.length < 2 && chosen === null) continue;
    if (options.length === 0) continue;
    const end = options[options.length - 1]!.end;
    if (lists.some((l) => at < l.end && end > l.start)) continue;
    // One option left standing (the others struck out with `／` or deleted) is the choice even when the number is blank.
    const standing = options.filter((o) => !struck(norm.slice(o.start, o.end)));
    const picked = chosen !== null ? [chosen] : standing.length === 1 ? [standing[0]!.number] : [];
    lists.push({ start: at, end, chosen: picked, options, kind: 'numbered' });
  }
  // A list introduced without a number to fill in (`按下列方式解决（只能选择一种）：`) is chosen by striking
  // out the others; read it only then, so an unstruck list stays what it says (both offered).
  for (const m of norm.matchAll(LEAD_IN)) {
    const at = m.index!;
    const options = optionsAfter(norm, at + m[0].length);
    if (options.length < 2) continue;
    const end = options[options.length - 1]!.end;
    if (lists.some((l) => at < l.end && end > l.start)) continue;
    const standing = options.filter((o) => !struck(norm.slice(o.start, o.end)));
    if (standing.length !== 1) continue;
    lists.push({ start: at, end, chosen: [standing[0]!.number], options, kind: 'numbered' });
  }
  lists.push(...checkboxLists(norm));
  return lists.sort((a, b) => a.start - b.start);
}

/** The options after a selector: the first marker style whose numbers run on consecutively. */
function optionsAfter(norm: string, from: number): OptionItem[] {
  const windowEnd = Math.min(norm.length, from + LIST_WINDOW);
  const window = norm.slice(from, windowEnd);
  let best: { at: number; number: number; len: number }[] = [];
  let bestFirst = Infinity;
  for (const style of MARKER_STYLES) {
    style.re.lastIndex = 0;
    const markers: { at: number; number: number; len: number }[] = [];
    let m: RegExpExecArray | null;
    while ((m = style.re.exec(window))) {
      const n = style.value(m);
      if (n === null) continue;
      const expected = markers.length === 0 ? undefined : markers[markers.length - 1]!.number + 1;
      if (expected === undefined) {
        // The list must start right after the selector (its own line or the same sentence).
        if (m.index > 40 || /[。]/.test(window.slice(0, m.index))) break;
        markers.push({ at: m.index, number: n, len: m[0].length });
      } else if (n === expected) markers.push({ at: m.index, number: n, len: m[0].length });
      else if (n === 1) break;
    }
    if (markers.length > 0 && (markers[0]!.at < bestFirst || (markers[0]!.at === bestFirst && markers.length > best.length))) {
      best = markers;
      bestFirst = markers[0]!.at;
    }
  }
  return best.map((mk, i) => {
    const start = from + mk.at;
    const next = best[i + 1];
    let end: number;
    if (next) end = from + next.at;
    else {
      // The last option runs to the end of its line or sentence.
      const rest = norm.slice(start + mk.len, windowEnd);
      const stop = rest.search(/[。\n]/);
      end = start + mk.len + (stop === -1 ? rest.length : stop + (rest[stop] === '。' ? 1 : 0));
    }
    return { number: mk.number, start, end };
  });
}

const BOX = /[□☐■☑☒√✓✔▇▉]/gu;
const TICKED = /[■☑☒√✓✔▇▉]/u;

/**
 * Check boxes: several boxes on one line are one list (`结算方式：☑电汇 □承兑汇票`); lines that
 * each open with one box are one list together. Ticked boxes are the choice.
 */
function checkboxLists(norm: string): OptionList[] {
  const lists: OptionList[] = [];
  let stacked: { at: number; end: number; ticked: boolean }[] = [];
  const flushStacked = () => {
    if (stacked.length >= 2) lists.push(listOf(stacked));
    stacked = [];
  };
  let pos = 0;
  while (pos <= norm.length) {
    const nl = norm.indexOf('\n', pos);
    const end = nl === -1 ? norm.length : nl;
    const line = norm.slice(pos, end);
    const boxes = [...line.matchAll(BOX)].map((m) => ({ at: pos + m.index!, ticked: TICKED.test(m[0]) }));
    if (boxes.length === 1 && /^\s*$/.test(line.slice(0, boxes[0]!.at - pos))) {
      stacked.push({ at: boxes[0]!.at, end, ticked: boxes[0]!.ticked });
    } else {
      flushStacked();
      if (boxes.length >= 2) lists.push(listOf(boxes.map((b, i) => ({ ...b, end: boxes[i + 1]?.at ?? sentenceEnd(norm, b.at, end) }))));
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
  flushStacked();
  return lists;
}

/** The last box's option runs to the end of its phrase. */
function sentenceEnd(norm: string, from: number, lineEnd: number): number {
  const rest = norm.slice(from, lineEnd);
  const stop = rest.search(/[。；;，,]/);
  return stop === -1 ? lineEnd : from + stop;
}

function listOf(boxes: { at: number; end: number; ticked: boolean }[]): OptionList {
  const options = boxes.map((b, i) => ({ number: i + 1, start: b.at, end: b.end }));
  return {
    start: options[0]!.start,
    end: options[options.length - 1]!.end,
    chosen: boxes.flatMap((b, i) => (b.ticked ? [i + 1] : [])),
    options,
    kind: 'checkbox',
  };
}

/** Offset ranges that are not part of the agreement: options not chosen. */
export function unchosenRanges(lists: readonly OptionList[]): { start: number; end: number }[] {
  return lists.flatMap((l) => (l.chosen.length === 0 ? [] : l.options.filter((o) => !l.chosen.includes(o.number)).map((o) => ({ start: o.start, end: o.end }))));
}

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
  /** The chosen option's number; null when the form leaves the choice blank. */
  chosen: number | null;
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

const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩';

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

export function findOptionLists(norm: string): OptionList[] {
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
    // One option left (the others struck out) is the choice even when the number is blank.
    lists.push({ start: at, end, chosen: chosen ?? (options.length === 1 ? options[0]!.number : null), options, kind: 'numbered' });
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

/** Boxes on one line or consecutive lines form one list; a ticked box is the choice. */
function checkboxLists(norm: string): OptionList[] {
  const boxes = [...norm.matchAll(BOX)].map((m) => ({ at: m.index!, ticked: TICKED.test(m[0]) }));
  const lists: OptionList[] = [];
  let group: typeof boxes = [];
  const flush = () => {
    if (group.length >= 2) {
      const options = group.map((b, i) => {
        const next = group[i + 1];
        const lineEnd = norm.indexOf('\n', b.at);
        const end = next && (lineEnd === -1 || next.at < lineEnd) ? next.at : lineEnd === -1 ? norm.length : lineEnd;
        return { number: i + 1, start: b.at, end };
      });
      const ticked = group.flatMap((b, i) => (b.ticked ? [i + 1] : []));
      lists.push({
        start: options[0]!.start,
        end: options[options.length - 1]!.end,
        chosen: ticked.length === 1 ? ticked[0]! : null,
        options,
        kind: 'checkbox',
      });
    }
    group = [];
  };
  for (const b of boxes) {
    const prev = group[group.length - 1];
    // A new list starts after a sentence end or a gap of more than one line.
    if (prev && (/[。]/.test(norm.slice(prev.at, b.at)) || (norm.slice(prev.at, b.at).match(/\n/g)?.length ?? 0) > 1)) flush();
    group.push(b);
  }
  flush();
  return lists;
}

/** Offset ranges that are not part of the agreement: options not chosen. */
export function unchosenRanges(lists: readonly OptionList[]): { start: number; end: number }[] {
  return lists.flatMap((l) => (l.chosen === null ? [] : l.options.filter((o) => o.number !== l.chosen).map((o) => ({ start: o.start, end: o.end }))));
}

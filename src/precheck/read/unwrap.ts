/**
 * Rejoins lines that were hard-wrapped inside a sentence, a table row or a figure. Two kinds of
 * wrapping are met: typeset PDFs break every line at the margin (a CJK character is as wide as two
 * ASCII ones), and text cut at a fixed number of characters (a plain-text export, a PDF drawn line
 * by line) breaks after N characters whatever they are. Which one a document uses is read off the
 * lines themselves: the measure under which most lines end at one width.
 *
 * A line is joined to the next when it runs to that width and
 * - it is a table row that has not closed (`| 1 | 收银机 | 3,28` / `0.00 | 400 |`), or
 * - it ends inside a figure and the next line goes on with digits (`110,40` / `0.00 元`), or
 * - it does not end a sentence and the next line does not open a clause, an item, a party line
 *   or a table row.
 * Hand-written: no library rejoins wrapped Chinese text.
 */

/** Lines that open something of their own and so never continue the line before. */
const OPENS = /^\s*(第[一二三四五六七八九十百零〇两\d]+[条章节款部分]|[一二三四五六七八九十壹贰叁參参肆伍陆陸柒捌玖拾]+[、.．]|\d+(\.\d+)*[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）]|[①-⑩]|[□☐■☑☒√]|[|｜]|(甲方|乙方|买方|卖方|買方|賣方|供方|需方|采购方|採購方|出卖人|出賣人|买受人|買受人|委托方|委託方|受托方|受託方)[^:：\n]{0,12}[:：]|附件|附表|签|簽|盖章|蓋章|日期)/u;
const ENDS_SENTENCE = /[。；;：:！？!?]\s*$/u;
const TABLE_ROW = /^\s*[|｜]/;
const CLOSED_ROW = /[|｜]\s*$/;

/** Set width: a CJK character 1, ASCII 0.5 (typeset text). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) < 0x2e80 ? 0.5 : 1;
  return w;
}

/** Characters (text cut after a fixed count). */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export interface WrapProfile {
  /** Whether a line runs to the wrap width (it was cut, not ended). */
  full(line: string): boolean;
  /** Lines cut at a character count rather than a set width. */
  byCharacters: boolean;
  width: number;
}

/**
 * The wrap width under both measures (the 90th percentile of body lines, so one overlong line does
 * not decide); the measure under which more lines sit at their width is how the text was cut.
 */
export function wrapProfile(lines: readonly string[]): WrapProfile | undefined {
  const body = lines.map((l) => l.trim()).filter((l) => l !== '' && !TABLE_ROW.test(l));
  if (body.length < 3) return undefined;
  const measures = [
    { measure: displayWidth, slack: 2.5, byCharacters: false },
    { measure: charCount, slack: 1, byCharacters: true },
  ].map(({ measure, slack, byCharacters }) => {
    const sorted = body.map(measure).sort((a, b) => a - b);
    const width = sorted[Math.floor(sorted.length * 0.9)]!;
    const atWidth = body.filter((l) => Math.abs(measure(l) - width) <= slack).length;
    return { full: (l: string) => measure(l.trim()) >= width - slack, byCharacters, width, atWidth };
  });
  // Ties (text without ASCII measures the same both ways) go to the set width.
  const best = measures[1]!.atWidth > measures[0]!.atWidth ? measures[1]! : measures[0]!;
  return { full: best.full, byCharacters: best.byCharacters, width: best.width };
}

/** A figure cut in two: the line ends in digits (or a separator after one) and the next goes on with digits. */
function cutFigure(prev: string, line: string): boolean {
  return /\d[\d,]*[.,]?\s*$/.test(prev) && /^\s*[\d.,]*\d/.test(line) && /^\s*[\d,.]/.test(line);
}

export function unwrapLines(lines: string[]): string[] {
  const profile = wrapProfile(lines);
  if (!profile) return lines;
  const { full } = profile;
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    const join = (glue: string) => {
      // A character cut keeps a space that fell on either side of it (`GZ-12 型 ` / `| 3 |`).
      const kept = profile.byCharacters && (/\s$/.test(prev!) || /^\s/.test(line)) ? ' ' : glue;
      out[out.length - 1] = prev!.replace(/\s+$/, '') + kept + line.trim();
    };
    if (prev === undefined || prev.trim() === '' || line.trim() === '') {
      out.push(line);
      continue;
    }
    // An amount broken after its thousands comma (`¥1,200,` / `000.00`) is one figure, whatever the width.
    if (/\d,\s*$/.test(prev) && /^\s*\d{3}(?!\d)/.test(line)) {
      join('');
      continue;
    }
    const prevFull = full(prev);
    if (TABLE_ROW.test(prev)) {
      // A row cut before its closing bar goes on in the next line; so does one cut just after a bar
      // when the next line is the rest of a row (it closes with a bar but does not open with one).
      if (prevFull && (!CLOSED_ROW.test(prev) || (!TABLE_ROW.test(line) && CLOSED_ROW.test(line)))) join('');
      else out.push(line);
      continue;
    }
    if (prevFull && cutFigure(prev, line)) {
      join('');
      continue;
    }
    if (prevFull && !ENDS_SENTENCE.test(prev) && !OPENS.test(line)) {
      const head = prev.replace(/\s+$/, '');
      const tail = line.trim();
      // Typeset Latin words broken at a line end keep their space; a character cut falls anywhere.
      const space = !profile.byCharacters && /[A-Za-z0-9]$/.test(head) && /^[A-Za-z0-9]/.test(tail);
      join(space ? ' ' : '');
      continue;
    }
    out.push(line);
  }
  return out;
}

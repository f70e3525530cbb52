/**
 * Rejoins lines that were hard-wrapped inside a sentence (typeset PDFs break every line at the
 * margin). A line is joined to the next when it runs (nearly) to the widest line's width, does not
 * end a sentence, and the next line does not open a clause, an item, a party line or a table row.
 * Widths count a CJK character as 1 and ASCII as 0.5, as they are set.
 */

/** Lines that open something of their own and so never continue the line before. */
const OPENS = /^\s*(第[一二三四五六七八九十百零〇两\d]+[条章节款部分]|[一二三四五六七八九十壹贰叁參参肆伍陆陸柒捌玖拾]+[、.．]|\d+(\.\d+)*[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）]|[①-⑩]|[□☐■☑☒√]|[|｜]|(甲方|乙方|丙方|买方|卖方|買方|賣方|供方|需方|采购方|採購方|出卖人|出賣人|买受人|買受人|委托方|委託方|受托方|受託方)[^:：\n]{0,12}[:：]|附件|附表|签|簽|盖章|蓋章|日期)/u;
const ENDS_SENTENCE = /[。；;：:！？!?]\s*$/u;

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) < 0x2e80 ? 0.5 : 1;
  return w;
}

export function unwrapLines(lines: string[]): string[] {
  const body = lines.filter((l) => l.trim() !== '' && !/^\s*[|｜]/.test(l));
  if (body.length < 3) return lines;
  const widths = body.map((l) => displayWidth(l.trim())).sort((a, b) => a - b);
  // The wrap width: the widest lines (the 90th percentile, so one overlong line does not decide).
  const wrapWidth = widths[Math.floor(widths.length * 0.9)]!;
  const full = (l: string) => displayWidth(l.trim()) >= wrapWidth - 2.5;
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    // An amount broken after its thousands comma (`¥1,200,` / `000.00`) is one figure, whatever the width.
    const splitAmount = prev !== undefined && /\d,\s*$/.test(prev) && /^\s*\d{3}(?!\d)/.test(line);
    if (splitAmount) {
      out[out.length - 1] = prev.replace(/\s+$/, '') + line.trimStart();
      continue;
    }
    if (
      prev !== undefined &&
      prev.trim() !== '' &&
      line.trim() !== '' &&
      !/^\s*[|｜]/.test(prev) &&
      full(prev) &&
      !ENDS_SENTENCE.test(prev) &&
      !OPENS.test(line)
    ) {
      const head = prev.replace(/\s+$/, '');
      const tail = line.trim();
      // Latin words broken at a line end keep their space.
      out[out.length - 1] = /[A-Za-z0-9]$/.test(head) && /^[A-Za-z0-9]/.test(tail) ? `${head} ${tail}` : head + tail;
      continue;
    }
    out.push(line);
  }
  return out;
}

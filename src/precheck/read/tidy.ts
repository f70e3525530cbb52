import { unwrapLines, wrapProfile } from './unwrap.js';

/**
 * Text as it arrives from OCR, a text file or a paste, made readable like typed text: letter-spaced
 * lines (`甲 方 ： 长 沙 …`, what OCR and some PDF exports produce) closed up, and hard-wrapped
 * paragraphs (a text file broken at a fixed width, an amount broken after its thousands comma)
 * rejoined. Text that is neither is returned unchanged. Hand-written: no library does either for
 * Chinese text.
 */
export function tidyContractText(text: string): string {
  const lines = text.split(/\r?\n/).map(closeLetterSpacing);
  return (looksHardWrapped(lines) ? unwrapLines(lines) : joinSplitAmounts(lines)).join('\n');
}

const CJK = /[\p{Script=Han}\u3000-\u303f\uff01-\uff60]/u;

/**
 * A line is letter-spaced when most of its CJK characters stand alone between single spaces; then a
 * single space next to a CJK character goes (wider gaps, which separate columns, and spaces inside
 * figures such as an account number stay).
 */
export function closeLetterSpacing(line: string): string {
  const chars = [...line];
  let cjk = 0;
  let spaced = 0;
  chars.forEach((ch, i) => {
    if (!CJK.test(ch)) return;
    cjk++;
    if (chars[i + 1] === ' ' && chars[i + 2] !== ' ' && chars[i + 2] !== undefined) spaced++;
  });
  if (cjk < 4 || spaced < cjk * 0.6) return line;
  return chars
    .filter((ch, i) => {
      if (ch !== ' ' || chars[i - 1] === ' ' || chars[i + 1] === ' ') return true;
      const before = chars[i - 1] ?? '';
      const after = chars[i + 1] ?? '';
      return !(CJK.test(before) || CJK.test(after));
    })
    .join('');
}

/**
 * Hard-wrapped: many lines end at one width (set width, or a character count) without ending a
 * sentence. A contract typed with one paragraph per line has ragged widths, and its long lines
 * mostly end with 。 or ；.
 */
export function looksHardWrapped(lines: readonly string[]): boolean {
  const body = lines.map((l) => l.trim()).filter((l) => l !== '' && !/^[|｜]/.test(l));
  if (body.length < 8) return false;
  const profile = wrapProfile(body);
  if (!profile || profile.width < 16) return false;
  const broken = body.filter((l) => profile.full(l) && !/[。；;：:！？!?]$/.test(l)).length;
  return broken >= body.length * 0.25;
}

/** An amount broken after its thousands comma (`¥1,200,` / `000.00`) is one figure. */
export function joinSplitAmounts(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    if (prev !== undefined && /\d,\s*$/.test(prev) && /^\s*\d{3}(?!\d)/.test(line)) {
      out[out.length - 1] = prev.replace(/\s+$/, '') + line.trimStart();
      continue;
    }
    out.push(line);
  }
  return out;
}

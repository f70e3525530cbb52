import Nzh from 'nzh';

/**
 * Money and percentages in (normalised, Simplified) contract text. Offsets are relative to
 * the string passed in; callers add the sentence start.
 */

export interface Amount {
  value: number;
  start: number;
  end: number;
  /** Written in 大写 / Chinese numerals rather than digits. */
  inWords: boolean;
}

const CAPITAL_DIGITS = '零壹贰叁肆伍陆柒捌玖';
const LOWER_TO_CAPITAL: Record<string, string> = {
  〇: '零', 一: '壹', 二: '贰', 两: '贰', 三: '叁', 四: '肆', 五: '伍', 六: '陆', 七: '柒', 八: '捌', 九: '玖',
  十: '拾', 百: '佰', 千: '仟', 元: '元', 圆: '元',
  // Traditional 大写 writes three as 參, which Simplified conversion turns into 参 (not 叁).
  参: '叁',
};

/** Chinese-numeral characters an amount in words is made of (after lower → capital mapping). */
const WORD_NUM = '零壹贰叁肆伍陆柒捌玖拾佰仟万亿';

function toCapital(s: string): string {
  return s.replace(/[〇一二两三四五六七八九十百千圆参]/g, (c) => LOWER_TO_CAPITAL[c] ?? c);
}

/**
 * Currency names around an amount. The contract's own currency is not tracked: amounts are
 * compared within one contract, where a second currency is rare and shows as a second figure.
 * Written after normalisation (港幣 → 港币, 新臺幣 → 新台币, 日圓 → 日圆).
 */
export const CURRENCY_PREFIX =
  '人民币|港币|港元|美元|美金|欧元|日元|日圆|英镑|新台币|澳门币|澳门元|RMB|CNY|HKD|USD|NTD|TWD|EUR|JPY|GBP|MOP|HK\\$|US\\$|NT\\$|MOP\\$|[¥￥$€£]';
/** Currency words that close an amount like 元 does (`86 万港元`, `12,000 美元`). */
const CURRENCY_SUFFIX = '港元|港币|美元|美金|欧元|日元|日圆|英镑|澳门元|澳门币|元|圆';

const LEADING_LABELS = new RegExp(`^(?:大写|[:：]|${CURRENCY_PREFIX})+`, 'iu');
const CURRENCY_AS_YUAN = new RegExp(`(?:${CURRENCY_SUFFIX})(?=[角分整正零壹贰叁参肆伍陆柒捌玖一二三四五六七八九]|$)`, 'u');

/** `大写：港币捌拾陆万港元整` → `捌拾陆万元整`: labels and currency words are no numerals. */
function stripCurrencyWords(words: string): string {
  return words.replace(LEADING_LABELS, '').replace(CURRENCY_AS_YUAN, '元');
}

/**
 * Decodes an integer written in Chinese numerals (`贰拾万肆仟`, `二十万`). nzh's decodeB
 * ignores unknown characters silently, so anything but numerals is rejected here first.
 */
export function decodeChineseInteger(words: string): number | null {
  const s = toCapital(words).replace(/\s+/g, '');
  if (!s || !new RegExp(`^[${WORD_NUM}]+$`).test(s)) return null;
  if (!/[壹贰叁肆伍陆柒捌玖拾]/.test(s)) return s.replace(/零/g, '') === '' ? 0 : null;
  // `拾万` is 十万: nzh handles a leading 拾, but make it explicit for 佰/仟-less forms.
  const n = Number(Nzh.cn.decodeB(s.startsWith('拾') ? `壹${s}` : s));
  return Number.isFinite(n) ? n : null;
}

/**
 * Decodes a money amount in words: `人民币贰拾万肆仟元整`, `壹拾贰万叁仟肆佰伍拾陆元柒角捌分`.
 * The part before 元 is the integer; 角 and 分 follow. Prefixes and 整/正 are dropped first
 * because nzh would otherwise fold them into the number.
 */
export function decodeMoneyWords(words: string): number | null {
  let s = toCapital(stripCurrencyWords(words.replace(/\s+/g, ''))).replace(/[整正]$/, '');
  s = s.replace(/元$/, '');
  const yuanAt = s.indexOf('元');
  const intPart = yuanAt === -1 ? (/[角分]/.test(s) ? '' : s) : s.slice(0, yuanAt);
  const rest = yuanAt === -1 ? (/[角分]/.test(s) ? s : '') : s.slice(yuanAt + 1);
  let value = 0;
  if (intPart) {
    const n = decodeChineseInteger(intPart);
    if (n === null) return null;
    value = n;
  }
  if (rest) {
    const m = /^零?(?:([壹贰叁肆伍陆柒捌玖])角)?零?(?:([壹贰叁肆伍陆柒捌玖])分)?$/.exec(rest);
    if (!m) return null;
    if (m[1]) value += CAPITAL_DIGITS.indexOf(m[1]) / 10;
    if (m[2]) value += CAPITAL_DIGITS.indexOf(m[2]) / 100;
  }
  return Math.round(value * 100) / 100;
}

const UNIT_SCALE: Record<string, number> = { 千: 1e3, 万: 1e4, 百万: 1e6, 千万: 1e7, 亿: 1e8 };

/**
 * Figures with a currency marker: `人民币 204,000.00 元`, `¥500,000`, `80 万元`, `RMB 12,000`,
 * `HK$860,000`, `USD 12,000`, `86 万港元`. A bare number without 元 or a currency is not money
 * (quantities, dates, percentages).
 */
const FIGURE = new RegExp(
  `(${CURRENCY_PREFIX})?\\s*(\\d{1,3}(?:[,，]\\d{3})+|\\d+)(\\.\\d+)?\\s*(百万|千万|千|万|亿)?\\s*(${CURRENCY_SUFFIX})?`,
  'giu',
);

/** Amounts in words: a run of capital numerals closed by 元/圆 or a currency (optionally 角/分/整). */
const WORDS = new RegExp(
  `(?:${CURRENCY_PREFIX})?[零壹贰叁参肆伍陆柒捌玖拾佰仟万亿一二两三四五六七八九十百千〇]+(?:${CURRENCY_SUFFIX})(?:[零壹贰叁参肆伍陆柒捌玖一二三四五六七八九][角分]){0,2}[整正]?`,
  'gu',
);

/** Cheap pre-test for an amount in words: numerals right before 元 or a currency word. */
export const HAS_WORDS_AMOUNT = new RegExp(`[零壹贰叁参肆伍陆柒捌玖拾佰仟万亿一二两三四五六七八九十百千〇](?:${CURRENCY_SUFFIX})`, 'u');

export function findAmounts(text: string): Amount[] {
  const out: Amount[] = [];
  for (const m of text.matchAll(FIGURE)) {
    const [whole, currency, intDigits, frac, scale, yuan] = m;
    if (!currency && !yuan) continue;
    const idx = m.index!;
    // Skip the tail of a longer number (`2026` in `No.2026元`) and numbers glued to letters.
    const before = text[idx - 1];
    if (before && /[\dA-Za-z.]/.test(before)) continue;
    let value = Number(intDigits!.replace(/[,，]/g, '') + (frac ?? ''));
    if (scale) value *= UNIT_SCALE[scale]!;
    const lead = whole.length - whole.trimStart().length;
    out.push({ value: Math.round(value * 100) / 100, start: idx + lead, end: idx + whole.trimEnd().length, inWords: false });
  }
  for (const m of text.matchAll(WORDS)) {
    // A single lower-case numeral + 元 (`一元`) is too ambiguous to be worth a finding.
    const core = stripCurrencyWords(m[0]);
    if (!/[零壹贰叁参肆伍陆柒捌玖拾佰仟]/.test(core) && core.length < 3) continue;
    const value = decodeMoneyWords(m[0]);
    if (value === null || value === 0) continue;
    out.push({ value, start: m.index!, end: m.index! + m[0].length, inWords: true });
  }
  return out.sort((a, b) => a.start - b.start);
}

export interface Percent {
  value: number;
  start: number;
  end: number;
}

/** `30%`, `30 %`, `百分之三十`, `百分之二十五点五`. */
export function findPercents(text: string): Percent[] {
  const out: Percent[] = [];
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*[%％]/g)) {
    out.push({ value: Number(m[1]), start: m.index!, end: m.index! + m[0].length });
  }
  for (const m of text.matchAll(/百分之([零〇一二两三四五六七八九十百壹贰叁肆伍陆柒捌玖拾佰]+)(?:点([零〇一二三四五六七八九]+))?/g)) {
    const n = decodeChineseInteger(m[1]!);
    if (n === null) continue;
    const frac = m[2] ? Number(`0.${Array.from(m[2], (c) => '零一二三四五六七八九'.indexOf(c === '〇' ? '零' : c)).join('')}`) : 0;
    out.push({ value: n + frac, start: m.index!, end: m.index! + m[0].length });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Money is compared to the cent; float noise from parsing must not make a finding. */
export function sameMoney(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.005 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Chinese numerals for counts: `三` → 3, `十二` → 12 (used for quantities and periods). */
export function parseCount(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  return decodeChineseInteger(s);
}

// One formatter: `toLocaleString` builds a new one per call, which shows on contracts with many findings.
const MONEY_FORMAT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 });

/** `1,234,567.8` for messages — no currency formatting library needed for this. */
export function formatMoney(n: number): string {
  return MONEY_FORMAT.format(n);
}

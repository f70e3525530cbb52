import { CURRENCY_PREFIX, findAmounts, formatMoney, parseCount, type Amount } from './amounts.js';
import type { PreparedText } from './text.js';

/**
 * Line items whose amount is not quantity × unit price, one item at a time: rows of a table laid
 * out with spaces, tabs or `|` (`品名  数量  单价  金额`), and items written out in a sentence
 * (`黄玉米 2,000 吨，单价 2,350 元/吨，金额 4,700,000 元`). A wrong row can hide behind a total
 * that adds the rows up correctly, so the total check alone does not catch it.
 *
 * Anything unclear (a discount, prices net of tax next to amounts with tax, columns that cannot be
 * lined up, several items in one sentence) is skipped: a false alarm costs as much as a miss.
 */

export interface LineItemMismatch {
  /** Offsets into the text the items were found in. */
  start: number;
  end: number;
  detail: string;
}

/** Units goods are counted in. */
const UNITS = '台|套|件|只|批|吨|箱|辆|部|块|片|平方米|米|千克|公斤|kg|份|组|支|张|本|副|把|根|桶|瓶|盒|包|颗|卷|册|项|樘|扇|株|棵|路|端|点位|节点|间';

/**
 * A count with its unit; `个` not when it starts a period (`3 个月`). Digits glued to letters are a
 * model code (`LT-TH30`), so a count may follow the code's comma (`LT-TH30，500 只` is 500) but not
 * a figure's (`12,500` is one number).
 */
export const QUANTITY = new RegExp(
  `(?<![\\d.A-Za-z\\-])(?<!(?<![A-Za-z\\-\\d])\\d+,)(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?|[一二两三四五六七八九十百千]+)\\s*(${UNITS}|个(?!工作日|月|日|自然日|小时|季度|年|星期|周|百分点))`,
  'giu',
);

/** `第 2 批`, `分 3 批交货`, `每 10 台`: counts that are not an item's quantity. */
const NOT_A_QUANTITY_BEFORE = /(第|分|每|其中|另)\s*$/u;

/** An amount can differ from quantity × price legitimately when one of these applies. */
const ADJUSTED = /折扣|折后|打折|\d\s*折|优惠|让利|减免|返利|抹零|税额/u;
/** A price per unit and period (`每台每年 2,000 元`) multiplies by the term as well. */
const PER_PERIOD = /每\s*(年|月|季|季度|周|天|日)|[/／·]\s*(年|月|季|季度|周|天|日)|年费|月费/u;

export function lineItemMismatches(text: PreparedText): LineItemMismatch[] {
  return [...tableRowMismatches(text.norm), ...writtenItemMismatches(text.norm)];
}

// ---------------------------------------------------------------------------------------------
// tables

interface Columns {
  width: number;
  quantity: number;
  unitPrice: number;
  amount: number;
  /** 万 in a header (`金额（万元）`) scales that column. */
  scale: { quantity: number; unitPrice: number; amount: number };
  /** `数量（吨）`, `单价（元/吨）`: units named in the header, if any. */
  quantityUnit?: string;
  priceUnit?: string;
}

/** Cells of a table line: `|`-separated, or separated by tabs / two or more spaces. */
function cellsOf(line: string): string[] {
  if (/[|｜]/.test(line)) {
    const cells = line.split(/[|｜]/).map((c) => c.trim());
    if (cells[0] === '') cells.shift();
    if (cells[cells.length - 1] === '') cells.pop();
    return cells;
  }
  return line.trim().split(/\t+|\s{2,}/);
}

const QUANTITY_HEADER = /数量/u;
const PRICE_HEADER = /单价/u;
const AMOUNT_HEADER = /金额|小计|总价|合计|总额|价款/u;
const NET_OF_TAX = /不含税|未税|税前|净价/u;
const WITH_TAX = /(?<!不)含税|价税/u;
const CURRENCY_WORD = new RegExp(CURRENCY_PREFIX, 'iu');
const UNIT_IN = new RegExp(`(${UNITS}|个)`, 'iu');
const PER_UNIT_IN = new RegExp(`[/／每]\\s*(${UNITS}|个)`, 'iu');

function headerColumns(cells: string[]): Columns | undefined {
  if (cells.length < 3 || cells.some((c) => ADJUSTED.test(c) || PER_PERIOD.test(c))) return undefined;
  const only = (accept: (c: string) => boolean) => {
    const found = cells.flatMap((c, i) => (accept(c) ? [i] : []));
    return found.length === 1 ? found[0]! : undefined;
  };
  const quantity = only((c) => QUANTITY_HEADER.test(c));
  const unitPrice = only((c) => PRICE_HEADER.test(c));
  const amount = only((c) => AMOUNT_HEADER.test(c) && !PRICE_HEADER.test(c));
  if (quantity === undefined || unitPrice === undefined || amount === undefined) return undefined;
  const price = cells[unitPrice]!;
  const total = cells[amount]!;
  // Net prices next to gross amounts, or prices and amounts in different currencies, do not multiply out.
  if ((NET_OF_TAX.test(price) && WITH_TAX.test(total)) || (WITH_TAX.test(price) && NET_OF_TAX.test(total))) return undefined;
  const priceCurrency = CURRENCY_WORD.exec(price)?.[0];
  const amountCurrency = CURRENCY_WORD.exec(total)?.[0];
  if (priceCurrency && amountCurrency && priceCurrency !== amountCurrency) return undefined;
  const scaleOf = (c: string) => (/万/.test(c) ? 1e4 : /千元/.test(c) ? 1e3 : 1);
  return {
    width: cells.length,
    quantity,
    unitPrice,
    amount,
    scale: { quantity: scaleOf(cells[quantity]!), unitPrice: scaleOf(price), amount: scaleOf(total) },
    quantityUnit: UNIT_IN.exec(cells[quantity]!)?.[1],
    priceUnit: PER_UNIT_IN.exec(price)?.[1],
  };
}

/** A cell holding one number, with at most a currency before it and a unit after it. */
const NUMBER_CELL = /^[^\d]{0,8}?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万|千)?[^\d]{0,8}$/u;

function cellNumber(cell: string): { value: number; decimals: number } | undefined {
  const m = NUMBER_CELL.exec(cell);
  if (!m) return undefined;
  const scale = m[3] === '万' ? 1e4 : m[3] === '千' ? 1e3 : 1;
  return { value: Number(m[1]!.replace(/,/g, '') + (m[2] ?? '')) * scale, decimals: m[2] ? m[2].length - 1 : 0 };
}

const TOTAL_ROW = /^(合计|总计|小计|共计|总价|总额|合同总价|价税合计)/u;
const SEPARATOR_ROW = /^[\s|｜:：\-—=+_]*$/u;

function tableRowMismatches(norm: string): LineItemMismatch[] {
  const hits: LineItemMismatch[] = [];
  const lines = linesOf(norm);
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i]!;
    if (!header.text.includes('单价')) continue;
    const columns = headerColumns(cellsOf(header.text));
    if (!columns) continue;
    for (i++; i < lines.length; i++) {
      const row = lines[i]!;
      if (row.text.trim() === '') break;
      if (SEPARATOR_ROW.test(row.text)) continue;
      const cells = cellsOf(row.text);
      if (cells.length < 2) break;
      const detail = rowMismatch(cells, columns);
      if (detail) hits.push({ start: row.start + (row.text.length - row.text.trimStart().length), end: row.start + row.text.trimEnd().length, detail });
    }
    i--;
  }
  return hits;
}

function rowMismatch(cells: string[], columns: Columns): string | undefined {
  if (TOTAL_ROW.test(cells[0]!) || cells.length > columns.width) return undefined;
  // A row with an empty leading cell (no 序号, no 规格) still lines up from the right.
  const shift = columns.width - cells.length;
  const at = (column: number) => (column - shift >= 0 ? cells[column - shift] : undefined);
  const quantityCell = at(columns.quantity);
  const priceCell = at(columns.unitPrice);
  const amountCell = at(columns.amount);
  if (!quantityCell || !priceCell || !amountCell || ADJUSTED.test(cells.join(' '))) return undefined;
  const quantity = cellNumber(quantityCell);
  const price = cellNumber(priceCell);
  const amount = cellNumber(amountCell);
  if (!quantity || !price || !amount) return undefined;
  // A price per 吨 against a count in 千克 would need a conversion.
  const quantityUnit = UNIT_IN.exec(quantityCell)?.[1] ?? columns.quantityUnit;
  if (quantityUnit && columns.priceUnit && sameUnit(quantityUnit) !== sameUnit(columns.priceUnit)) return undefined;
  return mismatchDetail(
    quantity.value * columns.scale.quantity,
    { value: price.value * columns.scale.unitPrice, decimals: price.decimals },
    amount.value * columns.scale.amount,
  );
}

function linesOf(norm: string): { start: number; text: string }[] {
  const out: { start: number; text: string }[] = [];
  let start = 0;
  for (;;) {
    const nl = norm.indexOf('\n', start);
    out.push({ start, text: norm.slice(start, nl === -1 ? norm.length : nl) });
    if (nl === -1) return out;
    start = nl + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// items written out in prose

/** `单价 2,350 元` / `单价为人民币…` / `每公斤港币 650 元`: the amount that follows is a unit price. */
const PRICE_BEFORE = new RegExp(`(单价|每\\s*(?:${UNITS}|个))[^，,。；;\\d]{0,8}$`, 'iu');
/** `2,350 元/吨`: a price per unit. */
const PER_UNIT_AFTER = new RegExp(`^\\s*[/／每]\\s*(${UNITS}|个)`, 'iu');
/** `金额 4,700,000 元` / `计港币 520,000 元` / `小计：…`: the item's amount. */
const ITEM_AMOUNT_BEFORE = /(金额|小计|合计|共计|总计|总价|价款|货款|计)[为是:：]?\s*$/u;
const SAME_UNIT: Record<string, string> = { 千克: '公斤', kg: '公斤' };

interface WrittenItem {
  quantity: number;
  price: { value: number; decimals: number };
  amount: number;
}

/**
 * Items written out in prose, judged a line at a time (`数量：450 吨；单价：…；金额：…` is one item
 * across sentences) or, when a line holds several items, a sentence at a time.
 */
function writtenItemMismatches(norm: string): LineItemMismatch[] {
  const hits: LineItemMismatch[] = [];
  const check = (text: string, start: number, item: WrittenItem) => {
    const detail = mismatchDetail(item.quantity, item.price, item.amount);
    const lead = text.length - text.trimStart().length;
    if (detail) hits.push({ start: start + lead, end: start + text.trimEnd().length, detail });
  };
  for (const line of linesOf(norm)) {
    if (!/单价|每|[/／]/.test(line.text)) continue;
    const item = singleItem(line.text);
    if (item) {
      check(line.text, line.start, item);
      continue;
    }
    for (const m of line.text.matchAll(/[^。；;]+[。；;]?/g)) {
      const sentenceItem = singleItem(m[0]);
      if (sentenceItem) check(m[0], line.start + m.index!, sentenceItem);
    }
  }
  return hits;
}

/** The one item a passage states (a quantity, a unit price and the item's amount), if exactly one. */
function singleItem(t: string): WrittenItem | undefined {
  if (ADJUSTED.test(t) || PER_PERIOD.test(t) || (NET_OF_TAX.test(t) && WITH_TAX.test(t))) return undefined;
  const quantities = [...t.matchAll(QUANTITY)].filter((m) => !NOT_A_QUANTITY_BEFORE.test(t.slice(Math.max(0, m.index! - 4), m.index!)));
  if (quantities.length !== 1) return undefined;
  const amounts = figuresOnly(findAmounts(t));
  if (amounts.length !== 2) return undefined;
  const prices = amounts.map((a) => unitPriceAt(t, a));
  const priceAt = prices.findIndex((p) => p !== undefined);
  if (priceAt === -1 || prices[1 - priceAt] !== undefined) return undefined;
  const price = amounts[priceAt]!;
  const amount = amounts[1 - priceAt]!;
  if (!ITEM_AMOUNT_BEFORE.test(t.slice(Math.max(0, amount.start - 6), amount.start))) return undefined;
  const [, count, countUnit] = quantities[0]!;
  const priceUnit = prices[priceAt]!.perUnit;
  // `元/吨` against a quantity in 公斤 would need a conversion.
  if (priceUnit && sameUnit(priceUnit) !== sameUnit(countUnit!)) return undefined;
  const quantity = parseCount(count!.replace(/,/g, ''));
  if (quantity === null) return undefined;
  const decimals = /\.(\d+)/.exec(t.slice(price.start, price.end))?.[1]?.length ?? 0;
  return { quantity, price: { value: price.value, decimals }, amount: amount.value };
}

/** Whether `a` is a unit price, and per which unit (`单价` names none). */
function unitPriceAt(t: string, a: Amount): { perUnit?: string } | undefined {
  const before = PRICE_BEFORE.exec(t.slice(Math.max(0, a.start - 16), a.start));
  if (before) return before[1]!.startsWith('每') ? { perUnit: before[1]!.replace(/^每\s*/, '') } : {};
  const after = PER_UNIT_AFTER.exec(t.slice(a.end, a.end + 6));
  return after ? { perUnit: after[1]! } : undefined;
}

function sameUnit(unit: string): string {
  const u = unit.toLowerCase();
  return SAME_UNIT[u] ?? u;
}

/** A figure and its 大写 twin count once. */
function figuresOnly(amounts: Amount[]): Amount[] {
  const figures = amounts.filter((a) => !a.inWords);
  return figures.length ? figures : amounts;
}

// ---------------------------------------------------------------------------------------------

/**
 * The message when quantity × unit price misses the amount. A unit price given to more than two
 * decimals (`0.035`) may itself be rounded, so the product may be off by half its last digit per unit.
 */
function mismatchDetail(quantity: number, price: { value: number; decimals: number }, amount: number): string | undefined {
  const product = Math.round(quantity * price.value * 100) / 100;
  const roundingSlack = price.decimals > 2 ? quantity * 0.5 * 10 ** -price.decimals : 0;
  if (Math.abs(product - amount) <= 0.005 + roundingSlack + 1e-9 * Math.max(product, amount)) return undefined;
  return `${formatMoney(quantity)} × ${formatMoney(price.value)} = ${formatMoney(product)}，该项金额写为 ${formatMoney(amount)}`;
}

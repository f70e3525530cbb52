import { z } from 'zod';
import { CURRENCY_PREFIX, findAmounts, findPercents, formatMoney, HAS_WORDS_AMOUNT, parseCount, sameMoney, type Amount } from '../amounts.js';
import { lineItemMismatches, QUANTITY } from '../line-items.js';
import type { Table } from '../model/tables.js';
import type { Sentence } from '../text.js';
import { dedupeAmounts, phraseBreakAfter, phraseBreakBefore, sentenceLength } from './phrases.js';
import { define, sentenceHit, sentenceSpan, type CheckContext, type CheckHit } from './types.js';

/** amount.mismatch: 大写 against figures, quantity × unit price, and instalments against the total. */
/** Between a figure and its 大写 only labels, currencies and punctuation may stand (`（大写：港币`). */
const PAIR_GAP = new RegExp(`^(?:[\\s（()）:：,，、]|大写|小写|金额|即|为|${CURRENCY_PREFIX})*$`, 'iu');

function wordsVersusFigures(s: Sentence): CheckHit[] {
  if (!HAS_WORDS_AMOUNT.test(s.text)) return [];
  const amounts = findAmounts(s.text);
  const hits: CheckHit[] = [];
  amounts.forEach((w, i) => {
    if (!w.inWords) return;
    const prev = amounts[i - 1];
    const next = amounts[i + 1];
    const gapOk = (a: Amount, b: Amount) => PAIR_GAP.test(s.text.slice(a.end, b.start));
    const figure =
      prev && !prev.inWords && gapOk(prev, w) ? prev : next && !next.inWords && gapOk(w, next) ? next : undefined;
    if (figure && !sameMoney(figure.value, w.value)) {
      hits.push(
        sentenceHit(
          s,
          `大写「${s.text.slice(w.start, w.end)}」= ${formatMoney(w.value)} 元，小写为 ${formatMoney(figure.value)} 元`,
        ),
      );
    }
  });
  return hits;
}

const UNIT_PRICE = /单价/;
const TOTAL_BEFORE = /((?:合同|合约|协议)(?:总价款?|总金额|总额|金额)|总价款|价款总额|总价|总金额|总计|合计|共计|总额)[^，,。；;\d]{0,10}$/u;

/** quantity × unit price per line item, compared with the total stated in the same clause. */
function quantityTimesPrice(ctx: CheckContext): CheckHit[] {
  const { text } = ctx.facts;
  const hits: CheckHit[] = [];
  for (const clause of text.sections) {
    const body = text.norm.slice(clause.start, clause.end);
    if (!UNIT_PRICE.test(body)) continue;
    // Prices net of tax next to a total with tax cannot be multiplied out.
    if (/不含税/.test(body) && /(?<!不)含税/.test(body)) continue;
    const amounts = findAmounts(body);
    const unitPrices = amounts.filter((a) => !a.inWords && /单价[^，,。；;\d]{0,10}$/u.test(body.slice(Math.max(0, a.start - 14), a.start)));
    const totals = amounts.filter((a) => !a.inWords && TOTAL_BEFORE.test(body.slice(Math.max(0, a.start - 16), a.start)));
    if (unitPrices.length === 0 || totals.length === 0) continue;
    const quantities = [...body.matchAll(QUANTITY)]
      // `第 2 批`, `分 3 批交货`, `每 10 台` are not line-item quantities.
      .filter((m) => !/(第|分|每|其中|另)\s*$/.test(body.slice(Math.max(0, m.index! - 4), m.index!)))
      .map((m) => ({ value: parseCount(m[1]!.replace(/,/g, '')), at: m.index! }));
    if (quantities.length !== unitPrices.length || quantities.some((q) => q.value === null)) continue;
    const total = totals[totals.length - 1]!;
    if (total.start < unitPrices[unitPrices.length - 1]!.start) continue;
    const expected = quantities.reduce((sum, q, i) => sum + q.value! * unitPrices[i]!.value, 0);
    if (!sameMoney(Math.round(expected * 100) / 100, total.value)) {
      const items = quantities.map((q, i) => `${q.value} × ${formatMoney(unitPrices[i]!.value)}`).join(' + ');
      hits.push({
        ...sentenceSpan(ctx, clause.start + Math.min(quantities[0]!.at, unitPrices[0]!.start), clause.start + total.end),
        detail: `数量 × 单价 = ${items} = ${formatMoney(expected)} 元，合同写明的总价为 ${formatMoney(total.value)} 元`,
      });
    }
  }
  return hits;
}

const INSTALMENT_MARKER =
  /首期款?|首付款?|第[一二三四五六七八九十\d]+(?:期|笔|次)(?:款|付款)?|预付款|进度款|到货款|发货款|验收款|尾款|余款|剩余款项?|剩余货款|质保金|质量保证金/gu;
const NOT_INSTALMENT_PERCENT = /(违约|逾期|每日|每天|滞纳|税率?|增值税)[^，,。；;]{0,12}$/u;
/** A percentage of what is left (`剩余款项的 50%`) is no share of the contract price. */
const SHARE_OF_REMAINDER = /(剩余|余下|未付|该批|每批|当期|该期|该订单)[^，,。；;]{0,8}$/u;

/** A marker that labels its item: `第一期：` / `第一期（预付款）：`. */
const INSTALMENT_LABEL_END = /^\s*(?:[（(][^（()）]{0,10}[)）])?\s*[:：]/u;

interface Instalment {
  start: number;
  end: number;
  figures: Amount[];
  /** `ofRemainder`: a share of what is left (`剩余款项的 50%`), not of the contract price. */
  percents: { value: number; ofRemainder: boolean }[];
}

/** Instalments that are all stated (as amounts, percentages or a mix of both) must add up. */
function instalmentsSum(ctx: CheckContext): CheckHit[] {
  const { text, contractValue } = ctx.facts;
  const hits: CheckHit[] = [];
  for (const clause of text.sections) {
    const body = text.norm.slice(clause.start, clause.end);
    if (!/付款|支付|付清|结算|汇入/.test(body)) continue;
    const items = instalmentsIn(body);
    if (items.length < 2) continue;
    // A payment stated outside every named instalment (`2. 验收合格后 30 日内支付总价的 70%`) is one
    // more instalment the names do not cover: the sum cannot be judged.
    if (uncoveredPayment(body, items)) continue;
    const evidence = sentenceSpan(ctx, clause.start + items[0]!.start, clause.start + items[items.length - 1]!.end);
    const detail = (contractValue && amountsDisagree(items, contractValue.value)) ?? percentagesDisagree(items);
    if (detail) hits.push({ ...evidence, detail });
  }
  return hits;
}

/**
 * A share of the price paid outside every named instalment (`2. 验收合格后 30 日内支付合同总价的 70%`)
 * is one more instalment the names do not cover: the sum cannot be judged.
 */
function uncoveredPayment(body: string, items: Instalment[]): boolean {
  for (const m of body.matchAll(/[^。；;\n]+/g)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (!/支付|付清|付款|结清/.test(m[0]) || /违约|逾期|滞纳|赔偿/.test(m[0])) continue;
    if (!/(总价|总金额|总额|价款|货款)[^，,。；;]{0,4}\d+(\.\d+)?\s*%/.test(m[0])) continue;
    if (!items.some((it) => it.start < end && it.end > start)) return true;
  }
  return false;
}

/**
 * A price table's amounts added up against its total row, or (when the total row is empty) against
 * the contract total stated in the same clause right after the table.
 */
function tableTotals(ctx: CheckContext): CheckHit[] {
  const { text, tables, contractValue } = ctx.facts;
  const hits: CheckHit[] = [];
  for (const table of tables) {
    const read = moneyColumn(table);
    if (!read) continue;
    if (read.rows < 2) continue;
    let stated = read.stated;
    if (!stated && contractValue) {
      const section = text.sections.find((s) => s.start <= table.start && table.end <= s.end);
      if (section && contractValue.start >= table.end && contractValue.end <= section.end) stated = contractValue;
    }
    if (!stated) continue;
    const total = Math.round(read.sum * 100) / 100;
    if (sameMoney(total, stated.value)) continue;
    hits.push({
      ...sentenceSpan(ctx, Math.min(table.start, stated.start), Math.max(table.end, stated.end)),
      detail: `表内各项金额合计 ${formatMoney(total)} 元，写明的合计/总价为 ${formatMoney(stated.value)} 元`,
    });
  }
  return hits;
}

/**
 * A table's amount column: the sum of its item rows and the figure of its total row. Undefined when
 * the table has no amount column or a cell in it is no plain figure.
 */
function moneyColumn(table: Table): { sum: number; rows: number; stated?: { value: number; start: number; end: number } } | undefined {
  const col = table.header.findIndex((h) => /金额|总价|小计/.test(h) && !/单价/.test(h));
  if (col === -1) return undefined;
  let sum = 0;
  let rows = 0;
  let stated: { value: number; start: number; end: number } | undefined;
  for (const row of table.rows) {
    const shift = table.header.length - row.cells.length;
    const cell = row.cells[col - Math.max(0, shift)]?.replace(/[¥￥$,\s]/g, '') ?? '';
    const isTotal = /合计|总计|共计|总价|总额/.test(row.cells[0] ?? '') && !/\d/.test(row.cells[0] ?? '');
    if (!/^\d+(\.\d+)?$/.test(cell)) {
      if (!isTotal && cell !== '') return undefined;
      continue;
    }
    if (isTotal) stated = { value: Number(cell), start: row.start, end: row.end };
    else {
      sum += Number(cell);
      rows++;
    }
  }
  return { sum, rows, ...(stated ? { stated } : {}) };
}

/** A total in words with no figure beside it (`合计金额大写：人民币贰拾叁万…元整`), written under a table. */
const TOTAL_IN_WORDS_LEAD = /(合计|总计|共计|总价|总额|总金额|合同金额|合同价款|价款|金额)[^。；;\d]{0,12}$/u;
/** How far below a table its total in words may stand (a blank line or a caption between). */
const WORDS_BELOW_TABLE = 160;

/**
 * The figures of a price table are the total; a 大写 written under the table restates it. When the
 * table gives the currency only in its header (`总价(RMB)`), the total row's figure has no currency of
 * its own, so the pair is read by structure: the table's total (its total row, else its rows' sum)
 * against the amount in words that follows it in the same part.
 */
function wordsVersusTable(ctx: CheckContext): CheckHit[] {
  const { text, tables } = ctx.facts;
  const hits: CheckHit[] = [];
  for (const table of tables) {
    const read = moneyColumn(table);
    if (!read || (read.rows === 0 && !read.stated)) continue;
    const total = read.stated?.value ?? Math.round(read.sum * 100) / 100;
    const section = text.sections.find((x) => x.start <= table.start && table.end <= x.end);
    for (const s of text.sentences) {
      if (s.start < table.end || s.start > table.end + WORDS_BELOW_TABLE) continue;
      if (section && s.start >= section.end) break;
      const amounts = findAmounts(s.text);
      if (amounts.some((a) => !a.inWords)) break; // a figure of its own: the sentence pairs itself (wordsVersusFigures)
      const words = amounts.find((a) => a.inWords && TOTAL_IN_WORDS_LEAD.test(s.text.slice(0, a.start)));
      if (!words) continue;
      if (!sameMoney(words.value, total)) {
        hits.push({
          ...sentenceSpan(ctx, read.stated?.start ?? table.start, s.end),
          detail: `大写「${s.text.slice(words.start, words.end)}」= ${formatMoney(words.value)} 元，表内合计为 ${formatMoney(total)} 元`,
        });
      }
      break;
    }
  }
  return hits;
}

function instalmentsIn(body: string): Instalment[] {
  const seenNames = new Set<string>();
  let labelScopeEnd = -1;
  const markers = [...body.matchAll(INSTALMENT_MARKER)].filter((m, i, all) => {
    const start = m.index!;
    // `首期预付款` is one instalment, not two; a name seen before (`在首期款中抵扣`) refers back.
    const prevEnd = i > 0 ? all[i - 1]!.index! + all[i - 1]![0].length : -Infinity;
    if (start - prevEnd <= 4 && !/[。；;\n]/.test(body.slice(prevEnd, start))) return false;
    const isLabel = INSTALMENT_LABEL_END.test(body.slice(start + m[0].length, start + m[0].length + 16));
    // Under a label (`第一期：…支付总价的 30% 作为预付款`) a further name only restates the same instalment.
    if (!isLabel && start < labelScopeEnd) return false;
    const name = m[0].replace(/款$/, '');
    if (seenNames.has(name)) return false;
    seenNames.add(name);
    if (isLabel) labelScopeEnd = start + sentenceLength(body, start);
    return true;
  });
  return markers.map((m, i) => {
    const start = m.index!;
    const nextMarker = markers[i + 1]?.index ?? body.length;
    const end = Math.min(nextMarker, start + sentenceLength(body, start));
    // Values follow the marker (`首期款：签约后 10 日内，支付总额的 30%`, up to the next instalment),
    // or, when its own phrase has none after it, precede it there (`发货前支付 60% 进度款`).
    const prevEnd = i > 0 ? markers[i - 1]!.index! + markers[i - 1]![0].length : 0;
    const phraseStart = Math.max(prevEnd, phraseBreakBefore(body, start) + 1);
    const phraseEnd = Math.min(end, phraseBreakAfter(body, start));
    const ahead = valuesIn(body.slice(start, phraseEnd));
    const behind = valuesIn(body.slice(phraseStart, start));
    const own = ahead.figures.length + ahead.percents.length === 0 && behind.figures.length + behind.percents.length > 0;
    return own ? { start: phraseStart, end, ...behind } : { start, end, ...valuesIn(body.slice(start, end)) };
  });
}

function valuesIn(segment: string): Pick<Instalment, 'figures' | 'percents'> {
  return {
    figures: dedupeAmounts(findAmounts(segment)),
    percents: findPercents(segment)
      .filter((p) => !NOT_INSTALMENT_PERCENT.test(segment.slice(0, p.start)))
      .map((p) => ({ value: p.value, ofRemainder: SHARE_OF_REMAINDER.test(segment.slice(0, p.start)) })),
  };
}

/**
 * Each instalment's amount: its figure, or its percentage of the contract price. An instalment with
 * neither, with two of a kind, or a percentage of the remainder leaves the sum open.
 */
function amountsDisagree(items: Instalment[], contractValue: number): string | undefined {
  const amounts: number[] = [];
  for (const it of items) {
    if (it.figures.length === 1) amounts.push(it.figures[0]!.value);
    else if (it.figures.length === 0 && it.percents.length === 1 && !it.percents[0]!.ofRemainder) amounts.push((it.percents[0]!.value / 100) * contractValue);
    else return undefined;
  }
  // All percentages is the percentage check's job (its message reads better).
  if (items.every((it) => it.figures.length === 0)) return undefined;
  const sum = Math.round(amounts.reduce((a, b) => a + b, 0) * 100) / 100;
  if (sameMoney(sum, contractValue)) return undefined;
  return `各期付款合计 ${amounts.map(formatMoney).join(' + ')} = ${formatMoney(sum)} 元，合同总价为 ${formatMoney(contractValue)} 元`;
}

function percentagesDisagree(items: Instalment[]): string | undefined {
  if (!items.every((it) => it.percents.length === 1 && !it.percents[0]!.ofRemainder)) return undefined;
  const sum = items.reduce((s, it) => s + it.percents[0]!.value, 0);
  if (Math.abs(sum - 100) <= 1e-6) return undefined;
  return `各期付款比例合计 ${items.map((it) => `${it.percents[0]!.value}%`).join(' + ')} = ${Math.round(sum * 100) / 100}%，不等于 100%`;
}






export const amountMismatch = define({ params: z.strictObject({}), run: amountMismatchRun });

function amountMismatchRun(ctx: CheckContext): CheckHit[] {
  const words = ctx.facts.text.sentences.flatMap(wordsVersusFigures);
  const items = lineItemMismatches(ctx.facts.text).map((h) => ({ ...sentenceSpan(ctx, h.start, h.end), detail: `数量 × 单价：${h.detail}` }));
  return withoutOverlaps([...words, ...items, ...quantityTimesPrice(ctx), ...instalmentsSum(ctx), ...tableTotals(ctx), ...wordsVersusTable(ctx)]);
}

/** One finding per passage: a single-item sentence can fail both the line-item and the total check. */
function withoutOverlaps(hits: CheckHit[]): CheckHit[] {
  const merged: CheckHit[] = [];
  for (const h of [...hits].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (!last || h.start >= last.end) {
      merged.push({ ...h });
      continue;
    }
    last.end = Math.max(last.end, h.end);
    if (h.detail && !last.detail?.includes(h.detail)) last.detail = last.detail ? `${last.detail}；${h.detail}` : h.detail;
  }
  return merged;
}


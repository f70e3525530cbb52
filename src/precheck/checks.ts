import { z } from 'zod';
import type { KnownCreditLines } from '../credit/lookup.js';
import { CURRENCY_PREFIX, findAmounts, findPercents, formatMoney, HAS_WORDS_AMOUNT, parseCount, sameMoney, type Amount, type Percent } from './amounts.js';
import type { ContractFacts } from './facts.js';
import { lineItemMismatches, QUANTITY } from './line-items.js';
import { sentenceAt, type Sentence } from './text.js';
import type { Severity } from './types.js';

/**
 * Computed checks: the rules that need arithmetic or structure rather than a pattern.
 * Each is a small named function; `contract.yaml` refers to it by name and may pass params.
 * Offsets in hits are absolute (into the original text).
 */

export interface CheckHit {
  start: number;
  end: number;
  /** Filled into the rule's message (`{detail}`). */
  detail?: string;
  /** A check may lower (never raise) the rule's severity, e.g. a credit line that covers the deal. */
  severity?: Severity;
}

export interface CheckContext {
  facts: ContractFacts;
  creditLookup?: KnownCreditLines;
  now: Date;
}

export interface CheckDefinition<P extends z.ZodType = z.ZodType> {
  params: P;
  run(ctx: CheckContext, params: z.output<P>): CheckHit[];
}

function define<P extends z.ZodType>(def: CheckDefinition<P>): CheckDefinition {
  return def as unknown as CheckDefinition;
}

const sentenceHit = (s: Sentence, detail?: string): CheckHit => ({ start: s.start, end: s.end, detail });

/** Widens an offset range to whole sentences, so evidence reads as the clause the rep wrote. */
function sentenceSpan(ctx: CheckContext, start: number, end: number): { start: number; end: number } {
  const { sentences } = ctx.facts.text;
  const first = sentenceAt(sentences, start);
  const last = sentenceAt(sentences, Math.max(start, end - 1));
  return { start: Math.min(start, first?.start ?? start), end: Math.max(end, last?.end ?? end) };
}

// ---------------------------------------------------------------------------------------------
// parties

/** Fewer than two named parties (甲方：…有限公司 / 乙方：…). Blank placeholders do not count. */
function partiesMissing(ctx: CheckContext, p: { minParties: number }): CheckHit[] {
  const n = ctx.facts.parties.length;
  if (n >= p.minParties) return [];
  const named = ctx.facts.parties.map((x) => `${x.label}：${x.name}`).join('；');
  return [{ start: 0, end: 0, detail: n === 0 ? '未找到任何当事人名称' : `只找到 ${named}` }];
}

// ---------------------------------------------------------------------------------------------
// amounts

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
    const evidence = sentenceSpan(ctx, clause.start + items[0]!.start, clause.start + items[items.length - 1]!.end);
    const detail = (contractValue && amountsDisagree(items, contractValue.value)) ?? percentagesDisagree(items);
    if (detail) hits.push({ ...evidence, detail });
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

/** Characters from `from` to the end of its sentence. */
function sentenceLength(text: string, from: number): number {
  const rel = text.slice(from).search(/[。；;\n]/);
  return rel === -1 ? text.length - from : rel;
}

/**
 * Phrases end at `，` `。` `；` and line breaks; after normalisation `，` is `,`, so a comma that
 * groups digits (`1,500,000`) must not count as one.
 */
function isPhraseBreak(text: string, i: number): boolean {
  const c = text[i]!;
  if (c !== ',') return /[，。；;\n]/.test(c);
  return !(/\d/.test(text[i - 1] ?? '') && /^\d{3}(?!\d)/.test(text.slice(i + 1, i + 5)));
}

/** Offset of the last phrase break before `before`, or -1. */
function phraseBreakBefore(text: string, before: number): number {
  for (let i = before - 1; i >= 0; i--) if (isPhraseBreak(text, i)) return i;
  return -1;
}

/** Offset of the first phrase break at or after `from`, or the text's length. */
function phraseBreakAfter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (isPhraseBreak(text, i)) return i;
  return text.length;
}

/** A figure and its 大写 twin count once. */
function dedupeAmounts(amounts: Amount[]): Amount[] {
  const figures = amounts.filter((a) => !a.inWords);
  return figures.length ? figures : amounts;
}

function amountMismatch(ctx: CheckContext): CheckHit[] {
  const words = ctx.facts.text.sentences.flatMap(wordsVersusFigures);
  const items = lineItemMismatches(ctx.facts.text).map((h) => ({ ...sentenceSpan(ctx, h.start, h.end), detail: `数量 × 单价：${h.detail}` }));
  return withoutOverlaps([...words, ...items, ...quantityTimesPrice(ctx), ...instalmentsSum(ctx)]);
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

// ---------------------------------------------------------------------------------------------
// deposit

const depositParams = z.strictObject({
  capPercent: z.number().positive().max(100).default(20),
  /** Sentences saying a payment is not a 定金. */
  notDeposit: z.array(z.string()).default(['非定金', '不是定金', '不作为定金', '不视为定金', '不属于定金', '并非定金']),
});

/** 定金 but not 约定金额 / 规定金额 (the characters only meet by accident there). */
const DEPOSIT = /(?<![约规确决核议鉴设制限特固指商认审])定金(?!额)/gu;

function depositOverCap(ctx: CheckContext, p: z.output<typeof depositParams>): CheckHit[] {
  const hits: CheckHit[] = [];
  for (const s of ctx.facts.text.sentences) {
    if (!s.text.includes('定金') || p.notDeposit.some((w) => s.text.includes(w))) continue;
    // Found once per sentence: a long sentence may mention the deposit many times.
    const values = { amounts: dedupeAmounts(findAmounts(s.text)), percents: findPercents(s.text) };
    // Every mention counts: `定金：签约后支付定金，定金为合同总价的 25%` states it at the third.
    for (const m of s.text.matchAll(DEPOSIT)) {
      const stated = depositStated(s.text, values, m.index!, m.index! + m[0].length, ctx.facts.contractValue?.value);
      if (stated && stated.ratio > p.capPercent + 1e-9) {
        hits.push(sentenceHit(s, `${stated.detail}，超过 ${p.capPercent}% 的法定上限`));
        break;
      }
    }
  }
  return hits;
}

const PENALTY = /违约金|逾期|赔偿|返还|罚/;

/**
 * The deposit's size as a share of the contract value, from the figure that follows the word
 * within its own phrase or the next one (`支付定金，金额为…`), or a figure just before it
 * (`支付 150,000 元作为定金`). A penalty phrase (`…按合同总价 30% 支付违约金`) is another number.
 */
function depositStated(
  text: string,
  { amounts, percents }: { amounts: Amount[]; percents: Percent[] },
  mentionStart: number,
  at: number,
  contractValue: number | undefined,
): { ratio: number; detail: string } | undefined {
  const windowEnd = phraseBreakAfter(text, phraseBreakAfter(text, at) + 1);
  const phraseOf = (i: number) => text.slice(Math.max(0, phraseBreakBefore(text, i)), i);
  const near = (x: Span) => x.end <= windowEnd && x.start - at <= 30;
  const pct = spansFrom(percents, at).find((x) => near(x) && !PENALTY.test(phraseOf(x.start)));
  const after = spansFrom(amounts, at).find((a) => near(a) && !PENALTY.test(phraseOf(a.start)));
  if (pct && (!after || pct.start < after.start)) return { ratio: pct.value, detail: `定金为合同价款的 ${pct.value}%` };
  // `支付合同总价 30% 作为定金` / `30%的定金`: a percentage just before the word, in the same phrase.
  const pctBefore = spansBefore(percents, mentionStart).findLast(
    (x) => x.end <= mentionStart && mentionStart - x.end <= 8 && !/[，,。；;]|违约|逾期|赔偿/.test(text.slice(x.end, mentionStart)),
  );
  if (pctBefore && !after) return { ratio: pctBefore.value, detail: `定金为合同价款的 ${pctBefore.value}%` };
  const before = spansBefore(amounts, mentionStart).findLast((a) => a.end <= mentionStart && mentionStart - a.end <= 12);
  const amount = after ?? before;
  if (!amount || !contractValue || amount.value === contractValue) return undefined;
  const ratio = (amount.value / contractValue) * 100;
  return {
    ratio,
    detail: `定金 ${formatMoney(amount.value)} 元为合同总价 ${formatMoney(contractValue)} 元的 ${Math.round(ratio * 100) / 100}%`,
  };
}

interface Span {
  start: number;
  end: number;
}

/**
 * The few spans (sorted by start) starting within 30 characters at or after `offset`, found by
 * binary search: a long sentence can mention the deposit hundreds of times.
 */
function spansFrom<T extends Span>(spans: T[], offset: number): T[] {
  const first = firstStartingAtOrAfter(spans, offset);
  let last = first;
  while (last < spans.length && spans[last]!.start - offset <= 30) last++;
  return spans.slice(first, last);
}

/** The few spans (sorted by start) starting less than 60 characters before `offset` (room for a long amount). */
function spansBefore<T extends Span>(spans: T[], offset: number): T[] {
  return spans.slice(firstStartingAtOrAfter(spans, offset - 60), firstStartingAtOrAfter(spans, offset));
}

function firstStartingAtOrAfter(spans: Span[], offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// dispute

const disputeParams = z.strictObject({
  institution: z.string().default('仲裁委员会|仲裁委|仲裁院|仲裁中心|仲裁协会'),
  /** Words before the institution that introduce it rather than name it. */
  verbs: z.string().default('提交|交由|递交|报请|申请|选择|向|由|到|至|在|交'),
  /** A "name" made of these is no name (`甲方所在地仲裁委员会`). */
  generic: z.string().default('所在地|当地|有关|相关|有管辖权|任何|一方|甲方|乙方|双方|签订地|履行地|合同|约定|其他|该'),
  court: z.string().default('诉讼(?!费)|起诉|人民法院|法院'),
  /** Sentences mentioning a court that do not offer it as a forum (enforcement, pending proceedings). */
  courtNotForum: z.string().default('执行|期间|过程中|不得|排除|撤销|终局'),
});

function disputeAmbiguous(ctx: CheckContext, p: z.output<typeof disputeParams>): CheckHit[] {
  const { text } = ctx.facts;
  const institution = new RegExp(`([\\p{Script=Han}A-Za-z]{0,24}?)(?:${p.institution})`, 'gu');
  const verbs = new RegExp(`^.*(?:${p.verbs})`, 'u');
  const generic = new RegExp(p.generic, 'u');
  const court = new RegExp(p.court, 'u');
  const notForum = new RegExp(p.courtNotForum, 'u');
  const hits: CheckHit[] = [];
  // A dispute clause with sub-items (`第九条 争议解决` / `1. 仲裁…` / `2. 也可起诉…`) is judged as a whole.
  const bySection: Sentence[][] = text.sections.map(() => []);
  let k = 0;
  for (const s of text.sentences) {
    while (k < text.sections.length - 1 && s.start >= text.sections[k]!.end) k++;
    bySection[k]!.push(s);
  }
  for (const sentences of bySection) {
    const arbitration = sentences.filter((s) => s.text.includes('仲裁'));
    if (arbitration.length === 0) continue;
    const courtForum = sentences.filter((s) => court.test(s.text) && !notForum.test(s.text));
    const reasons: string[] = [];
    if (courtForum.length > 0) reasons.push('同时约定了仲裁和诉讼，仲裁协议可能无效');
    const named = arbitration.some((s) =>
      [...s.text.matchAll(institution)].some((m) => {
        const name = (m[1] ?? '').replace(verbs, '');
        return name.length >= 2 && !generic.test(name);
      }),
    );
    if (!named) reasons.push('未写明具体的仲裁机构');
    if (reasons.length === 0) continue;
    const first = arbitration[0]!;
    const last = [...arbitration, ...courtForum].sort((a, b) => b.end - a.end)[0]!;
    hits.push({ start: Math.min(first.start, courtForum[0]?.start ?? first.start), end: last.end, detail: reasons.join('；') });
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// credit

const creditParams = z.strictObject({
  /** Severity when an approved line covers amount and term. */
  coveredSeverity: z.enum(['high', 'medium', 'low']).default('low'),
  /** A payment made after one of these events gives the customer credit. */
  after: z
    .string()
    .default(
      '验收|验货|点收|点交|签收|收讫|入库|(?<!收)到货(?!款)|货到(?!付款)|到港|运抵|抵达|送达|交货|交付|收货|收到货物|发货|出货|装船|装运|提货|安装|调试|上线|开具发票|开立(统一)?发票|发票开立|收到发票|收票|开票|票到|见票|对账',
    ),
  pay: z.string().default('支付|付清|付款|结清|汇入|汇至|转入|结算|付至|支付至'),
  /** Standing credit terms. */
  terms: z
    .string()
    .default('月结|账期|帐期|赊销|赊账|赊帐|信用期|(次月|下月)[^，,。；;]{0,10}(支付|付清|结清|付款|结算)|上月(货款|款项|账款)'),
  notPayment: z.string().default('违约金|赔偿|滞纳金|罚款|退还|返还|退款'),
});

const DAYS = /(\d+|[一二两三四五六七八九十百]+)\s*(?:个)?\s*(工作日|自然日|日|天|个月)/gu;

function creditRequired(ctx: CheckContext, p: z.output<typeof creditParams>): CheckHit[] {
  // `验收合格后`, `到货之日起`, or the event followed straight by a period (`货到 30 天内付款`).
  // The gap holds no payment (`款到发货：甲方付清全部货款后` is a prepayment).
  const after = new RegExp(
    `(?:${p.after})(?:[^，,。；;:：款]{0,12}?(?:后|之日起|起|之后)|\\s*(?:\\d+|[一二两三四五六七八九十百]+)\\s*个?\\s*(?:工作日|自然日|日|天|月)(?:之?内)?)`,
    'u',
  );
  const pay = new RegExp(p.pay, 'u');
  const terms = new RegExp(p.terms, 'u');
  const notPayment = new RegExp(p.notPayment, 'u');
  // The period that counts is the one after the delivery event (`验收后 30 日内`), not a prepayment's.
  const termDaysOf = (x: Sentence) => daysIn(x.text.slice((after.exec(x.text) ?? terms.exec(x.text))?.index ?? 0));
  const isCreditTerm = (x: Sentence) => !notPayment.test(x.text) && ((after.test(x.text) && pay.test(x.text)) || terms.test(x.text));
  // `账期如下：` introduces the terms; the sentence that states the days is the better evidence.
  let s: Sentence | undefined;
  for (const x of ctx.facts.text.sentences) {
    if (!isCreditTerm(x)) continue;
    s ??= x;
    if (termDaysOf(x) !== undefined) {
      s = x;
      break;
    }
  }
  if (!s) return [];
  const termDays = termDaysOf(s);
  const amount = ctx.facts.contractValue?.value;
  const customer = ctx.facts.customer;
  const who = customer?.name ? `客户「${customer.name}」` : '客户';
  const termText = termDays !== undefined ? `账期约 ${termDays} 天` : '账期未写明天数';
  const amountText = amount !== undefined ? `金额 ${formatMoney(amount)} 元` : '合同金额未能识别';
  if (!ctx.creditLookup) {
    return [sentenceHit(s, `${who}，${amountText}，${termText}；需通过 /credit 提交信用额度申请并获批准`)];
  }
  const line = ctx.creditLookup.findApprovedLine({ uscc: customer?.uscc, customerName: customer?.name }, ctx.now);
  if (!line) {
    return [sentenceHit(s, `${who}没有已批准的信用额度（${amountText}，${termText}）；请通过 /credit 申请`)];
  }
  const lineText = `已批准额度 ${formatMoney(line.limit)} 元、账期 ${line.termDays} 天，有效至 ${line.validUntil}`;
  const problems: string[] = [];
  if (amount === undefined) problems.push('合同金额未能识别，无法确认额度是否足够');
  else if (line.limit < amount) problems.push(`额度不足以覆盖合同金额 ${formatMoney(amount)} 元`);
  if (termDays !== undefined && termDays > line.termDays) problems.push(`合同账期 ${termDays} 天超过批准的 ${line.termDays} 天`);
  if (problems.length) {
    return [sentenceHit(s, `${who}${lineText}，但${problems.join('；')}；请通过 /credit 申请调整`)];
  }
  return [{ ...sentenceHit(s, `${who}${lineText}，覆盖本合同（${amountText}，${termText}）`), severity: p.coveredSeverity }];
}

/** Calendar days of a payment period; 工作日 are stretched to calendar days (5 → 7). */
function daysIn(sentence: string): number | undefined {
  for (const m of sentence.matchAll(DAYS)) {
    // `2027 年 1 月 10 日` is a date, not a period.
    if (/[年月]\s*$/.test(sentence.slice(0, m.index))) continue;
    const n = parseCount(m[1]!);
    if (n === null) continue;
    if (m[2] === '工作日') return Math.ceil((n * 7) / 5);
    if (m[2] === '个月') return n * 30;
    return n;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

export const CHECKS: Record<string, CheckDefinition> = {
  partiesMissing: define({
    params: z.strictObject({ minParties: z.number().int().min(1).default(2) }),
    run: partiesMissing,
  }),
  amountMismatch: define({ params: z.strictObject({}), run: amountMismatch }),
  depositOverCap: define({ params: depositParams, run: depositOverCap }),
  disputeAmbiguous: define({ params: disputeParams, run: disputeAmbiguous }),
  creditRequired: define({ params: creditParams, run: creditRequired }),
};

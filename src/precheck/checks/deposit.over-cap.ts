import { z } from 'zod';
import { findAmounts, findPercents, formatMoney, type Amount, type Percent } from '../amounts.js';
import { dedupeAmounts, phraseBreakAfter, phraseBreakBefore, spansBefore, spansFrom, type Span } from './phrases.js';
import { define, sentenceHit, type CheckContext, type CheckHit } from './types.js';

/** deposit.over-cap: a 定金 above 20 % of the contract value (民法典 第五百八十六条). */
const depositParams = z.strictObject({
  capPercent: z.number().positive().max(100).default(20),
  /** Sentences saying a payment is not a 定金. */
  notDeposit: z.array(z.string()).default(['非定金', '不是定金', '不作为定金', '不视为定金', '不属于定金', '并非定金']),
});

/** 定金 but not 约定金额 / 规定金额 (the characters only meet by accident there). */
const DEPOSIT = /(?<![约规确决核议鉴设制限特固指商认审])定金(?!额)/gu;

export const depositOverCap = define({ params: depositParams, run: depositOverCapRun });

function depositOverCapRun(ctx: CheckContext, p: z.output<typeof depositParams>): CheckHit[] {
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


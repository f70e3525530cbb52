import { z } from 'zod';
import { formatMoney, parseCount } from '../amounts.js';
import type { Sentence } from '../text.js';
import { define, sentenceHit, type CheckContext, type CheckHit } from './types.js';

/** payment.credit-required: payment after delivery gives the customer credit, which needs an approved line. */
const creditParams = z.strictObject({
  /** Severity when an approved line covers amount and term. */
  coveredSeverity: z.enum(['high', 'medium', 'low']).default('low'),
  /** A payment made after one of these events gives the customer credit. */
  after: z
    .string()
    .default(
      '验收|验货|点收|点交|签收|收讫|入库|(?<!收)到货(?!款)|货到(?!付款)|到港|运抵|抵达|送达|交货|交付|收货|收到货物|发货|出货|装船|装运|提货|安装|调试|上线|(收到|收取|开具|开立|提供|出具|提交)[^，,。；;]{0,10}发票|发票开立|收票|开票|票到|见票|对账|核对(账目|账单|无误)|' +
        // A service is performed over a period: pay after the period (or its report) is after performance.
        '(服务|季度|月度|年度|服务期|阶段)[^，,。；;]{0,6}(结束|届满|期满|完成)|(确认|签署|提交)[^，,。；;]{0,4}(服务|工作|完工|验收|巡检)(报告|单)',
    ),
  pay: z.string().default('支付|付清|付款|结清|汇入|汇至|转入|结算|付至|支付至'),
  /** Standing credit terms. */
  terms: z
    .string()
    .default('月结|账期|帐期|赊销|赊账|赊帐|信用期|(次月|下月)[^，,。；;]{0,10}(支付|付清|结清|付款|结算)|上月(货款|款项|账款)'),
  notPayment: z.string().default('违约金|赔偿|滞纳金|罚款|退还|返还|退款'),
});

const DAYS = /(\d+|[一二两三四五六七八九十百]+)\s*(?:个)?\s*(工作日|自然日|日|天|个月)/gu;

export const creditRequired = define({ params: creditParams, run: creditRequiredRun });

function creditRequiredRun(ctx: CheckContext, p: z.output<typeof creditParams>): CheckHit[] {
  // `验收合格后`, `到货之日起`, or the event followed straight by a period (`货到 30 天内付款`).
  // The gap holds no payment (`款到发货：甲方付清全部货款后` is a prepayment).
  const after = new RegExp(
    // The event and its 后 are one phrase however long (`验收合格且出卖人开具全额增值税专用发票后`): no comma between.
    `(?:${p.after})(?:[^，,。；;:：款前]{0,40}?(?:后|之日起|起|之后)|\\s*(?:\\d+|[一二两三四五六七八九十百]+)\\s*个?\\s*(?:工作日|自然日|日|天|月)(?:之?内)?)`,
    'u',
  );
  const pay = new RegExp(p.pay, 'u');
  const terms = new RegExp(p.terms, 'u');
  const notPayment = new RegExp(p.notPayment, 'u');
  // Credit is what we give a customer who pays us later; when we are the buyer it is not ours to give.
  if (ctx.facts.us?.role === 'buyer') return [];
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

import { normalizeAligned } from './text.js';

/**
 * Whether a text could be a contract at all, so `/precheck 你好` is told so instead of getting a
 * report of nine missing clauses. Signals are kinds of contract content, not single words; two
 * kinds are enough, so a single pasted clause with a party and a price is still checked.
 */
const SIGNALS: RegExp[] = [
  // what it calls itself
  /合同|协议|合约|契约|订单|确认书|确认单|agreement|contract/iu,
  // parties
  /(甲方|乙方|买方|卖方|供方|需方|采购方|供货方|出卖人|买受人|委托方|受托方|委托人|受托人|承租人|出租人)/u,
  // numbered clauses
  /(^|\n)\s*(第[一二三四五六七八九十百\d]+[条章]|[一二三四五六七八九十]+[、.]|\d+[、.](?!\d))/u,
  // money
  /\d[\d,]*(\.\d+)?\s*(万)?\s*(元|美元|港币|港元)|[¥￥]\s*\d|(人民币|RMB|USD)\s*\d|[壹贰叁肆伍陆柒捌玖拾佰仟万]{2,}\s*元/iu,
  // obligations and terms of trade
  /(付款|支付|交货|交付|验收|违约|争议|仲裁|价款|货款|单价|总价|数量|服务费)/u,
  // signing
  /盖章|签字|签章|签署|法定代表人|授权代表/u,
];

export function looksLikeContract(text: string): boolean {
  const norm = normalizeAligned(text.slice(0, 20_000));
  let kinds = 0;
  for (const re of SIGNALS) if (re.test(norm)) kinds++;
  return kinds >= 2;
}

/**
 * Who the contract is between. Works on normalised (Simplified) text; offsets index the
 * original too, because normalisation keeps the length.
 */

export type PartyRole = 'buyer' | 'seller' | 'unknown';

export interface Party {
  label: string;
  role: PartyRole;
  name: string;
  start: number;
  end: number;
}

export interface Customer {
  name?: string;
  uscc?: string;
}

const BUYER_WORDS = /采购方|采购人|买方|需方|购买方|购货方|订购方|买受人|委托方|委托人|发包方|定作人|承租人|客户|甲方/;
const SELLER_WORDS = /供货方|供应方|供应商|卖方|供方|销售方|销货方|出卖人|承包方|受托方|受托人|承揽人|出租人|服务方|乙方/;

const LABEL =
  '甲方|乙方|丙方|买方|卖方|采购方|采购人|供货方|供应方|供应商|供方|需方|购买方|购货方|销货方|销售方|订购方|委托方|委托人|受托方|受托人|发包方|承包方|定作人|承揽人|出租人|承租人|服务方|出卖人|买受人';

/** `甲方（采购方）：厦门…有限公司` at the start of a line; the name runs to a wide gap or line end. */
const PARTY_LINE = new RegExp(
  `^[ \\t]*(${LABEL})[ \\t]*(?:[（(]([^）)\\n]{0,12})[)）])?[ \\t]*[:：][ \\t]*([^\\n]*)`,
  'gmu',
);

/** `本合同由甲方XX有限公司与乙方…` — names inline need an organisation suffix to be trusted. */
const PARTY_INLINE = new RegExp(
  `(${LABEL})[（(]?[^）)，,。\\n]{0,6}[)）]?[:：]?\\s*([\\p{Script=Han}A-Za-z0-9（）()·]{2,40}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|研究院|研究所|医院|大学|学院|学校|中心|工厂|厂|商行|事务所|合作社))`,
  'gu',
);

const NOT_A_NAME = /^(盖章|签字|签章|签名|公章|授权代表|法定代表人|日期|住所|地址)/;

function roleOf(label: string, qualifier: string | undefined): PartyRole {
  // The qualifier (`甲方（供货方）`) says more than the label itself.
  if (qualifier) {
    if (SELLER_WORDS.test(qualifier) && !BUYER_WORDS.test(qualifier)) return 'seller';
    if (BUYER_WORDS.test(qualifier)) return 'buyer';
  }
  if (label === '甲方') return 'buyer';
  if (label === '乙方') return 'seller';
  if (BUYER_WORDS.test(label)) return 'buyer';
  if (SELLER_WORDS.test(label)) return 'seller';
  return 'unknown';
}

function cleanName(raw: string): string {
  // A wide gap separates columns (`甲方（盖章）：A公司    乙方（盖章）：B公司`).
  const firstColumn = raw.split(/\s{2,}|\t/)[0] ?? '';
  return firstColumn.replace(/[（(](盖章|签章|签字|公章)[)）]/g, '').replace(/[，,。；;]+$/, '').trim();
}

function isName(name: string): boolean {
  if (name.length < 2) return false;
  if (new RegExp(`^(${LABEL})`).test(name)) return false;
  if (NOT_A_NAME.test(name)) return false;
  return /[\p{Script=Han}A-Za-z]{2,}/u.test(name);
}

export function extractParties(norm: string): Party[] {
  const parties: Party[] = [];
  for (const m of norm.matchAll(PARTY_LINE)) {
    const [whole, label, qualifier, rest] = m;
    const name = cleanName(rest ?? '');
    if (!isName(name)) continue;
    if (qualifier && /盖章|签章|签字/.test(qualifier) && parties.some((p) => p.label === label)) continue;
    const start = m.index! + whole.indexOf(name, whole.length - (rest ?? '').length);
    parties.push({ label: label!, role: roleOf(label!, qualifier), name, start, end: start + name.length });
  }
  if (parties.length < 2) {
    for (const m of norm.matchAll(PARTY_INLINE)) {
      const [whole, label, name] = m;
      if (!isName(name!) || parties.some((p) => p.name === name)) continue;
      const start = m.index! + whole.lastIndexOf(name!);
      parties.push({ label: label!, role: roleOf(label!, undefined), name: name!, start, end: start + name!.length });
    }
  }
  return parties;
}

/** Distinct contracting parties (the signature block repeats the names). */
export function distinctParties(parties: Party[]): Party[] {
  const seen = new Map<string, Party>();
  for (const p of parties) if (!seen.has(p.label)) seen.set(p.label, p);
  return [...seen.values()];
}

const USCC = /统一社会信用代码\s*[:：]?\s*([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18})(?![0-9A-Za-z])/gu;

/**
 * The customer is the buying side. Its 统一社会信用代码 is the first code written after the
 * customer's name and before the next party's line.
 */
export function extractCustomer(norm: string, parties: Party[] = extractParties(norm)): Customer | undefined {
  const ordered = [...parties].sort((a, b) => a.start - b.start);
  const buyer = ordered.find((p) => p.role === 'buyer') ?? ordered.find((p) => p.role === 'unknown');
  if (!buyer) return undefined;
  const next = ordered.find((p) => p.start > buyer.start && p.label !== buyer.label);
  const windowEnd = next ? next.start : Math.min(norm.length, buyer.end + 400);
  let uscc: string | undefined;
  for (const m of norm.slice(buyer.end, windowEnd).matchAll(USCC)) {
    uscc = m[1]!.toUpperCase();
    break;
  }
  return uscc ? { name: buyer.name, uscc } : { name: buyer.name };
}

/**
 * Who the contract is between, read from where contracts say it: the declaration lines at the
 * head (`甲方（采购方）：厦门…有限公司`, `本合同由 A 公司（以下简称甲方）与 B 公司…签订`) and the
 * signature block (`甲方（盖章）：…    乙方（盖章）：…`). A label followed by a blank or a
 * placeholder (`____`, `XXX`, `某某公司`, `（盖章）`) names nobody. Prose that mentions 卖方 or
 * 买方 is never a declaration. Works on normalised (Simplified, half-width) text; offsets index the
 * original too, because normalisation keeps the length.
 */

import { normalizeAligned } from './text.js';

export type PartyRole = 'buyer' | 'seller' | 'unknown';

export interface Party {
  label: string;
  role: PartyRole;
  name: string;
  start: number;
  end: number;
}

/** A label seen in a declaration line or the signature block, named or left blank. */
export interface PartySlot {
  label: string;
  named: boolean;
  start: number;
}

export interface Customer {
  name?: string;
  uscc?: string;
}

export interface PartyReading {
  /** Named parties, one per label, declarations first. */
  parties: Party[];
  /** Labels that appear in declarations or the signature block but are never named. */
  blankLabels: string[];
}

const BUYER_WORDS = /采购单位|订货单位|订购单位|购货单位|发包人|定作方|需方单位|使用单位|建设单位|委托单位|采购方|采购人|买方|需方|购买方|购货方|订购方|买受人|委托方|委托人|发包方|定作人|承租人|客户|用户|订货方|需求方|承租方/;
const SELLER_WORDS = /供货单位|销货单位|承包人|承揽方|供应单位|供货方|供应方|供应商|卖方|供方|销售方|销货方|出卖人|承包方|受托方|受托人|承揽人|出租人|服务方|服务商|提供方|出租方/;

const LABEL =
  '采购单位|订货单位|订购单位|购货单位|供货单位|供应单位|销货单位|需方单位|使用单位|建设单位|委托单位|发包人|承包人|定作方|承揽方|甲方|乙方|丙方|买方|卖方|采购方|采购人|供货方|供应方|供应商|供方|需方|购买方|购货方|销货方|销售方|订购方|订货方|委托方|委托人|受托方|受托人|发包方|承包方|定作人|承揽人|出租人|承租人|出租方|承租方|服务方|服务商|出卖人|买受人|用户|客户';

/** Forms space out short labels (`甲  方：`); the spaced form is read as the label. */
const SPACED_LABEL = LABEL.split('|')
  .map((l) => (l.length === 2 ? `${l[0]}[ \\t]*${l[1]}` : l))
  .join('|');

/**
 * A declaration line: a label and a colon at the start of a line or of a column (after a wide gap),
 * however the form dresses the label — a qualifier (`甲方（采购方）：`), an addressee (`致（客户）：`), a
 * signing word (`客户确认（盖章）：`), an English gloss in a bilingual contract (`The Seller 卖方：`).
 */
// Each run of spaces is matched by one quantifier only: chained `[ \t]*` would backtrack over the
// wide column gaps of signature blocks (quadratic on a long contract).
// A model form may name the role in its own words before the label it stands for
// (`研究开发方（乙方）：`); an English gloss may follow the label or its qualifier
// (`卖方 The Seller：`, `甲方（供应商）Party A (Supplier)：`).
const ENGLISH_GLOSS = `[A-Za-z][A-Za-z0-9.'&() /-]{0,40}?`;
const LABELLED = new RegExp(
  `(?:^[ \\t]*|[ \\t]{2,}|\\t[ \\t]*|\\|[ \\t]*|(?<=[，,；;。.]))(?:[A-Za-z][A-Za-z .'/&-]{0,30}?[ \\t]*)?(?:(?:致|敬致)[ \\t]*)?(?:(?!${LABEL})\\p{Script=Han}{1,6}[方人](?=[(]))?[(]?(${SPACED_LABEL})[)]?(?:[ \\t]*(?:\\/[ \\t]*)?${ENGLISH_GLOSS}(?=[ \\t]*[:：(]))?[ \\t]*(?:(?:确认|签收|签署|签字|签章|盖章)[ \\t]*)?(?:[(]([^)\\n]{0,12})[)][ \\t]*)?(?:[(][^)\\n]{0,12}[)][ \\t]*)?(?:(?:\\/[ \\t]*)?${ENGLISH_GLOSS}(?=[ \\t]*[:：]))?(?:单位)?(?:名称|全称)?[ \\t]*[:：]([^\\n]*)`,
  'gmu',
);

/** English declaration lines (`Seller: …`, `The Buyer: …`, `Party B (Distributor): …`), read as the Chinese label they stand for. */
const ENGLISH_LABELS: Record<string, string> = {
  seller: '卖方', vendor: '卖方', supplier: '供应商', buyer: '买方', purchaser: '买方', customer: '客户', client: '客户',
  'party a': '甲方', 'party b': '乙方', lessor: '出租方', lessee: '承租方', licensor: '甲方', licensee: '乙方',
  contractor: '承包方', employer: '发包方', distributor: '乙方', 'service provider': '服务方',
};
const ENGLISH_LABELLED = new RegExp(
  `(?:^[ \\t]*|[ \\t]{2,})(?:the[ \\t]+)?(${Object.keys(ENGLISH_LABELS).join('|').replace(/ /g, '[ \\t]+')})[ \\t]*(?:[(][^)\\n]{0,20}[)][ \\t]*)?[:：]([^\\n]*)`,
  'gimu',
);

/**
 * The next party's declaration on the same line, after a comma, a semicolon or a space (a contract
 * pasted as one line: `甲方：A 公司，乙方：B 公司，…`); this party's name ends there.
 */
// A bilingual label (`乙方（经销商）/ Party B (Distributor)：`) may follow, and a PDF line join may glue it to the
// end of an English name (`… Co., Ltd.乙方（…）`).
const NEXT_DECLARATION = new RegExp(
  `[，,；;。.\\s](?=(?:${LABEL})(?:[(][^)\\n]{0,8}[)])?(?:[ \\t]*\\/?[ \\t]*${ENGLISH_GLOSS})?[ \\t]*[:：])`,
  'u',
);

/** A line that opens with a party label and its colon (`甲方（采购方）：`, `订货单位：`, `致（客户）：`). */
export const PARTY_LABEL_LINE = new RegExp(`^[ \\t]*(?:致[ \\t]*)?[(]?(?:${SPACED_LABEL})[^:：\\n]{0,12}[:：]`, 'u');

/** `A 公司（以下简称"甲方"）`: a name declared with the label that stands for it. */
const SHORT_FOR = new RegExp(
  `([\\p{Script=Han}A-Za-z0-9()·&\\-]{2,60}?)\\s*[(]\\s*(?:以下|下文)?(?:简称|称)(?:为)?\\s*[:：]?\\s*["“”'「」『』]?(${LABEL})`,
  'gu',
);

/** `本合同由甲方 X 公司与乙方 Y 公司签订`: an inline name needs an organisation suffix to be trusted, on the label's own line. */
const INLINE = new RegExp(
  `(${LABEL})(?:[(][^)\\n]{0,6}[)])?[:：]?[ \\t]*((?![)])[\\p{Script=Han}A-Za-z0-9()·]{2,40}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|研究院|研究所|医院|大学|学院|学校|中心|工厂|厂|商行|事务所|合作社))`,
  'gu',
);

const ORGANISATION = /(公司|集团|研究院|研究所|医院|大学|学院|学校|中心|工厂|厂|商行|商店|事务所|合作社|店|局|委员会|政府|部|处|院|所|社|会)$/u;

/** Words that only a sentence has: a label followed by these is a clause, not a declaration. */
const SENTENCE_WORDS = /应|须|需|负责|承担|保证|同意|有权|按照|根据|依照|向|于|在|将|对|如|若|的|不得|可以|已|为了|提供|支付|收到|交付/u;

/** A blank to fill in: underscores, XXX, ××, 某某, `（盖章）`, `[公司名称]`. */
const PLACEHOLDER = /_{2,}|X{2,}|x{3,}|×{2,}|＿|…|某某|某公司|[\[【][^\]】]*[\]】]|^[(][^)]*[)]$|填写|待定|^[\s._\-—·*○〇□]+$/u;

const NOT_A_NAME = /^(盖章|签字|签章|签名|公章|授权代表|法定代表人|委托代理人|代理人|日期|住所|地址|电话|传真|开户|账号|帐号|税号|邮编|联系人)/u;

/** A Chinese organisation name after its English one (`Harbour Fresh Logistics Limited 港湾鲜运物流有限公司`). */
const CHINESE_NAME_AFTER_LATIN = /[A-Za-z][^\p{Script=Han}]*\s([\p{Script=Han}()]{2,40}(?:有限责任公司|股份有限公司|有限公司|公司|集团|研究院|医院|大学|中心))$/u;

/** …or before it (`合肥…有限公司 Hefei … Co., Ltd.`): the Chinese name is the name. */
const LATIN_AFTER_CHINESE_NAME = /^([\p{Script=Han}()]{2,40}(?:有限责任公司|股份有限公司|有限公司|公司|集团|研究院|医院|大学|中心))\s+[A-Za-z]/u;

/** An English company name ends with its legal form (`… Co., Ltd.`, `… Sdn. Bhd.`, `… Limited`). */
const LATIN_ORGANISATION = /^[A-Za-z][A-Za-z0-9 .,'&()-]{1,80}\b(Co\.?,?\s*Ltd\.?|Ltd\.?|Limited|Inc\.?|Incorporated|LLC|L\.L\.C\.|GmbH|AG|Sdn\.?\s*Bhd\.?|Pte\.?\s*Ltd\.?|Corp\.?|Corporation|Company|PLC|plc|S\.A\.|B\.V\.|LLP)$/u;

const GLUED_FIELD = /^([\p{Script=Han}()]{2,40}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|研究院|医院|大学|中心))(?:授权代表|法定代表人|委托代理人|代理人|经办人|负责人|代表)[^\n:：]{0,24}[:：]/u;

function cleanName(raw: string): string {
  // A wide gap separates columns (`甲方（盖章）：A公司    乙方（盖章）：B公司`).
  const firstColumn = raw.split(/\s{2,}|\t|\|/)[0] ?? '';
  // A PDF may glue the next signing field to the name (`…有限公司授权代表签字 / Signature：`).
  const glued = GLUED_FIELD.exec(firstColumn.trim());
  if (glued) return glued[1]!;
  const bilingual = CHINESE_NAME_AFTER_LATIN.exec(firstColumn.trim()) ?? LATIN_AFTER_CHINESE_NAME.exec(firstColumn.trim());
  if (bilingual) return bilingual[1]!;
  return firstColumn
    // A remark in brackets after the name (`张建国（个体工商户，身份证号 …）`) is not part of it.
    .replace(/\s*[(][^()]*[)]\s*$/u, (remark) => (/[，,：:]|\d{6}/.test(remark) ? '' : remark))
    .replace(/[(][^)]*(章|印|签|全称)[^)]*[)]/g, '')
    // `（下称甲方）`, `（甲方）` after a name says which label stands for it; it is not part of the name.
    .replace(new RegExp(`\\s*[(](?:以下|下文)?(?:简称|称|下称)?[:：]?["“”'「」]?(?:${LABEL})["“”'「」]?[)]\\s*$`, 'u'), '')
    .replace(/[，,。；;]+$/, '')
    .trim();
}

/** Whether a cleaned name names someone. `strict` (outside the head and signature block) wants an organisation. */
function isName(name: string, strict: boolean): boolean {
  if (name.length < 2 || name.length > 60) return false;
  if (new RegExp(`^(${LABEL})`).test(name) || NOT_A_NAME.test(name) || PLACEHOLDER.test(name)) return false;
  if (!/[\p{Script=Han}A-Za-z]{2,}/u.test(name)) return false;
  // A bare suffix (`有限公司`) is what is left of a placeholder.
  if (/^(有限责任公司|股份有限公司|有限公司|公司|集团)$/u.test(name)) return false;
  if (LATIN_ORGANISATION.test(name)) return true;
  if (/[，,。；;：:]/.test(name)) return false;
  if (ORGANISATION.test(name) && !/[，,。；;]/.test(name)) return true;
  if (strict) return false;
  return !SENTENCE_WORDS.test(name) && name.length <= 30;
}

/**
 * The line under a bare label, when it names an organisation (Chinese or English legal form) and is
 * no field of its own (`地址：…`, `Party B:`): `甲方（Party A）：` ⏎ `上海…有限公司`.
 */
const CLAUSE_VERBS = /应当?|须|负责|承担|保证|同意|有权|按照|根据|指定的|交付|支付|约定/u;

function nameLineBelow(norm: string, lineEnd: number): { text: string; start: number } | undefined {
  if (norm[lineEnd] !== '\n') return undefined;
  const start = lineEnd + 1;
  const nl = norm.indexOf('\n', start);
  const text = norm.slice(start, nl === -1 ? norm.length : nl);
  if (/[:：]/.test(text) || PARTY_LABEL_LINE.test(text)) return undefined;
  const name = cleanName(text);
  // A clause that happens to end in 公司 (`双方同意将货物交付至买方指定的物流公司`) is no name.
  if (CLAUSE_VERBS.test(name) && !LATIN_ORGANISATION.test(name)) return undefined;
  return isName(name, true) ? { text, start } : undefined;
}

export interface PartyRegions {
  /** End of the head of the contract (its declarations), exclusive. */
  headEnd: number;
  /** Start of the signature block. */
  tailStart: number;
}

export function readParties(norm: string, regions: PartyRegions = defaultRegions(norm)): PartyReading {
  const found: Party[] = [];
  const slots: PartySlot[] = [];
  const inDeclarations = (at: number) => at < regions.headEnd || at >= regions.tailStart;
  // A label in the head or the signature block is a slot a party must fill; elsewhere it only names one.
  const readDeclaration = (m: RegExpExecArray, labelText: string, label: string, qualifier: string | undefined, fullRest: string, cut?: number) => {
    const labelAt = m.index + m[0].indexOf(labelText);
    const declared = inDeclarations(labelAt);
    let rest = cut === undefined ? fullRest : fullRest.slice(0, cut);
    let restAt = m.index + m[0].length - fullRest.length;
    // A label alone on its line (`甲方（Party A）：`) is named on the next line, if that line is a name
    // and not the next field (`住所：…`) or a placeholder.
    if (declared && rest.trim() === '') {
      const below = nameLineBelow(norm, restAt + fullRest.length);
      if (below) ({ text: rest, start: restAt } = below);
    }
    const name = cleanName(rest);
    if (declared) slots.push({ label, named: false, start: labelAt });
    if (!isName(name, !declared)) return;
    const start = restAt + rest.indexOf(name);
    found.push({ label, role: roleOf(label, qualifier), name, start, end: start + name.length });
    if (declared) slots[slots.length - 1]!.named = true;
  };
  LABELLED.lastIndex = 0;
  for (let m = LABELLED.exec(norm); m; m = LABELLED.exec(norm)) {
    const [whole, spacedLabel, qualifier, rest] = m;
    const label = spacedLabel!.replace(/[ \t]/g, '');
    // The next column of the same line (`甲方：A    乙方：B`) is read on the next turn.
    const column = /\s{2,}|\t|\|/.exec(rest ?? '');
    const next = column ? undefined : NEXT_DECLARATION.exec(rest ?? '');
    const gap = column ?? next;
    if (gap) LABELLED.lastIndex = m.index + whole.length - (rest ?? '').length + gap.index;
    readDeclaration(m, spacedLabel!, label, qualifier, rest ?? '', next?.index);
  }
  ENGLISH_LABELLED.lastIndex = 0;
  for (let m = ENGLISH_LABELLED.exec(norm); m; m = ENGLISH_LABELLED.exec(norm)) {
    const [whole, english, rest] = m;
    const gap = /\s{2,}|\t|\|/.exec(rest ?? '');
    if (gap) ENGLISH_LABELLED.lastIndex = m.index + whole.length - (rest ?? '').length + gap.index;
    const label = ENGLISH_LABELS[english!.toLowerCase().replace(/\s+/g, ' ')]!;
    readDeclaration(m, english!, label, undefined, rest ?? '');
  }
  for (const m of norm.slice(0, regions.headEnd).matchAll(SHORT_FOR)) {
    const label = m[2]!;
    const name = m[1]!.replace(/^(本合同|本协议|本合约)?(由|系|是|经)?/, '').replace(/^(与|和|及|同)/, '');
    const at = m.index! + m[0].indexOf(name);
    slots.push({ label, named: isName(name, false), start: at });
    if (isName(name, false)) found.push({ label, role: roleOf(label, undefined), name, start: at, end: at + name.length });
  }
  const named = new Set(found.map((p) => p.label));
  if (named.size < 2) {
    // An inline declaration sentence (`本合同由买方 A 公司与卖方 B 公司签订`) at the head.
    for (const m of norm.slice(0, regions.headEnd).matchAll(INLINE)) {
      const [whole, label, name] = m;
      // A label already named by its declaration line keeps that name.
      if (named.has(label!) || !isName(name!, true) || found.some((p) => p.name === name)) continue;
      const start = m.index! + whole.lastIndexOf(name!);
      found.push({ label: label!, role: roleOf(label!, undefined), name: name!, start, end: start + name!.length });
    }
  }
  // A role in brackets right after the name (`甲方：A 公司（卖方）`) says more than the label.
  for (const p of found) {
    const after = /^\s*[(]([^)\n]{1,10})[)]/u.exec(norm.slice(p.end, p.end + 14));
    if (after && !/称/.test(after[1]!)) {
      const role = roleOf('', after[1]);
      if (role !== 'unknown') p.role = role;
    }
  }
  const parties = distinctParties(found);
  const blankLabels = [...new Set(slots.filter((s) => !found.some((p) => p.label === s.label)).map((s) => s.label))];
  return { parties, blankLabels };
}

/** Without a structural reading: the first 30 % is the head and the last 30 % the signature block. */
function defaultRegions(norm: string): PartyRegions {
  return { headEnd: Math.max(400, Math.floor(norm.length * 0.3)), tailStart: Math.floor(norm.length * 0.7) };
}

/** Named parties (kept for callers that only need the names). */
export function extractParties(norm: string, regions?: PartyRegions): Party[] {
  return readParties(norm, regions).parties;
}

function roleOf(label: string, qualifier: string | undefined): PartyRole {
  // `甲方（供货方）`: the qualifier says more than the label; `出卖人（甲方）`: the label does.
  const q = qualifier?.replace(/甲方|乙方|丙方/g, '') ?? '';
  if (q) {
    if (SELLER_WORDS.test(q) && !BUYER_WORDS.test(q)) return 'seller';
    if (BUYER_WORDS.test(q)) return 'buyer';
  }
  if (SELLER_WORDS.test(label)) return 'seller';
  if (BUYER_WORDS.test(label)) return 'buyer';
  return 'unknown';
}

/** Distinct contracting parties (the signature block repeats the names); the first naming wins. */
export function distinctParties(parties: Party[]): Party[] {
  const seen = new Map<string, Party>();
  // One name under two labels (`供方：A 公司（以下简称"乙方"）`) is one party, not two.
  const byName = new Map<string, Party>();
  const key = (name: string) => name.replace(/\s/g, '').toLowerCase();
  for (const p of [...parties].sort((a, b) => a.start - b.start)) {
    const known = seen.get(p.label) ?? byName.get(key(p.name));
    if (!known) {
      seen.set(p.label, p);
      byName.set(key(p.name), p);
    } else {
      if (!seen.has(p.label)) seen.set(p.label, known);
      if (known.role === 'unknown' && p.role !== 'unknown') known.role = p.role;
    }
  }
  return [...new Set(seen.values())];
}

const SELLS = '供应|供货|销售|出售|出卖|提供|交付|发货|交货';
const BUYS = '购买|采购|订购|订货|购进|买入|求购';
const PAYS = '支付|付清|结清';

/**
 * Roles of 甲方/乙方 when the labels do not say: who sells to whom (`乙方向甲方供应…`,
 * `甲方向乙方采购…`) and who pays the price (`甲方应于…支付货款`).
 */
export function inferRoles(norm: string, parties: Party[]): void {
  const pending = parties.filter((p) => p.role === 'unknown');
  if (pending.length === 0) return;
  const votes = new Map<string, number>();
  const vote = (label: string, role: PartyRole, weight = 1) => votes.set(`${label}:${role}`, (votes.get(`${label}:${role}`) ?? 0) + weight);
  for (const p of parties) {
    const l = p.label;
    // The label as the subject: `乙方向甲方供应` is 乙方 selling, not 甲方.
    const subject = `(?<![向给为与和对由])${l}`;
    const sells = new RegExp(`${subject}(?:同意|愿意|负责|应|将)?(?:向[^，,。；;]{1,8})?(?:${SELLS})`, 'gu');
    const buys = new RegExp(`${subject}(?:同意|愿意|拟|应|将)?(?:向[^，,。；;]{1,8})?(?:${BUYS})`, 'gu');
    const pays = new RegExp(`${subject}[^，,。；;]{0,12}(?:${PAYS}|付款)`, 'gu');
    vote(l, 'seller', [...norm.matchAll(sells)].length);
    vote(l, 'buyer', [...norm.matchAll(buys)].length + [...norm.matchAll(pays)].length);
  }
  for (const p of pending) {
    const sell = votes.get(`${p.label}:seller`) ?? 0;
    const buy = votes.get(`${p.label}:buyer`) ?? 0;
    if (sell > buy) p.role = 'seller';
    else if (buy > sell) p.role = 'buyer';
  }
  // The usual convention when nothing says otherwise: 甲方 buys, 乙方 sells.
  const taken = new Set(parties.map((p) => p.role));
  for (const p of parties.filter((x) => x.role === 'unknown')) {
    if (p.label === '甲方') p.role = taken.has('buyer') ? 'seller' : 'buyer';
    else if (p.label === '乙方') p.role = taken.has('seller') ? 'buyer' : 'seller';
    taken.add(p.role);
  }
}

/** Names compared without spaces and in Simplified script, so both scripts match one configured name. */
export function isOwnCompany(name: string, ownCompanies: readonly string[]): boolean {
  const n = normalizeAligned(name).replace(/\s/g, '');
  return ownCompanies.some((c) => {
    const o = normalizeAligned(c).replace(/\s/g, '');
    return o.length >= 2 && n.length >= 2 && (n.includes(o) || o.includes(n));
  });
}

const USCC = /统一社会信用代码\s*[:：]?\s*([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18})(?![0-9A-Za-z])/gu;

/**
 * The customer is the other side from us: a party named like one of our own companies is us;
 * otherwise we are the seller and the customer is the buyer. Its 统一社会信用代码 is the first code
 * written after the customer's name and before the next party's line.
 */
export function extractCustomer(norm: string, parties: Party[] = extractParties(norm), ownCompanies: readonly string[] = []): Customer | undefined {
  const ordered = [...parties].sort((a, b) => a.start - b.start);
  const ours = (p: Party) => isOwnCompany(p.name, ownCompanies);
  const us = ordered.find(ours);
  const customer = us
    ? ordered.find((p) => p !== us && p.label !== us.label && !ours(p))
    : (ordered.find((p) => p.role === 'buyer') ?? ordered.find((p) => p.role === 'unknown'));
  if (!customer) return undefined;
  const next = ordered.find((p) => p.start > customer.start && p.label !== customer.label);
  const windowEnd = next ? next.start : Math.min(norm.length, customer.end + 400);
  let uscc: string | undefined;
  for (const m of norm.slice(customer.end, windowEnd).matchAll(USCC)) {
    uscc = m[1]!.toUpperCase();
    break;
  }
  return uscc ? { name: customer.name, uscc } : { name: customer.name };
}

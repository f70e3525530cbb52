import { findAmounts, type Amount } from './amounts.js';
import { findOptionLists, unchosenRanges, type OptionList } from './model/options.js';
import { findTables, keyValueStatements, type Table } from './model/tables.js';
import { extractCustomer, inferRoles, isOwnCompany, PARTY_LABEL_LINE, readParties, type Customer, type Party, type PartyRegions } from './parties.js';
import { normalizeAligned, prepare, type PreparedText, type Sentence } from './text.js';

/**
 * The clause-level reading every rule works on: headings, clauses and sentences (text.ts), the
 * head with its declaration lines and the signature block, tables restated with their headers,
 * and model-form option lists, of which only the chosen option stays in the sentences.
 */
export interface ContractFacts {
  /** Sentences exclude options that were not chosen. */
  text: PreparedText;
  /** Table cells restated as sentences (`合计 金额 12,000 元`); offsets are the row's. */
  statements: Sentence[];
  tables: Table[];
  optionLists: OptionList[];
  regions: PartyRegions;
  parties: Party[];
  /** Labels declared with a blank or a placeholder and never named. */
  blankPartyLabels: string[];
  customer?: Customer;
  /** Our side of the contract: named like one of our companies, else the seller. */
  us?: Party;
  /** The stated total (合同总价 / 总计 …), absolute offsets. */
  contractValue?: Amount;
}

export interface FactOptions {
  /** Our own company names: the customer is the other party. */
  ownCompanies?: readonly string[];
  /** Notes that strike a model-form option out (contract.yaml `struckOptionMarkers`). */
  struckOptionMarkers?: readonly RegExp[];
}

/** Words that introduce the contract's total; the first amount right after one is the value. */
const TOTAL_WORDS =
  /((?:合同|合约|协议)(?:总价款?|总金额|总额|金额|价款|价格)|总价款|价款总额|含税总价|总价|总金额|总计|合计|共计|总额|货款总计|年度服务费|服务费总额)/g;

const OTHER_CONTRACT = /《[^》]{1,30}(合同|协议|合约)》/u;

export function findContractValue(sentences: readonly Sentence[]): Amount | undefined {
  for (const s of sentences) {
    TOTAL_WORDS.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = TOTAL_WORDS.exec(s.text))) {
      // A figure of another contract the sentence names (`《设备采购合同》…合同金额 1,260,000 元`, the
      // base a maintenance fee is reckoned on) is not this contract's value.
      if (OTHER_CONTRACT.test(s.text.slice(0, m.index))) continue;
      const after = m.index + m[0].length;
      // Only an amount that follows closely (`合同总价人民币 204,000.00 元`), figures first.
      const near = findAmounts(s.text.slice(after, after + 40)).filter((a) => a.start <= 16);
      const pick = near.find((a) => !a.inWords) ?? near[0];
      if (!pick) continue;
      // A restated table cell has no offsets of its own: it points at its row.
      if (s.restated) return { ...pick, start: s.start, end: s.end };
      return { ...pick, start: s.start + after + pick.start, end: s.start + after + pick.end };
    }
  }
  return undefined;
}

const CLAUSE_HEADING = /^[ \t]*(第[一二三四五六七八九十百零〇两\d]+[条章]|[一二三四五六七八九十壹贰叁参肆伍陆柒捌玖拾]+[、.]|\d+[、.](?!\d))/;
const LABEL_LINE = PARTY_LABEL_LINE;
const SIGNATURE_CUE = /盖章|签字|签章|签名|签署|授权代表|法定代表人|委托代理人|\(公章\)|签约日期|签订日期/;

/**
 * The head ends at the first numbered clause that is not itself a list of the parties; the
 * signature block starts at the first line in the last 40 % that signs or names a party, with
 * no numbered clause after it.
 */
export function findRegions(text: PreparedText): PartyRegions {
  const { norm, clauses } = text;
  let headEnd = norm.length;
  for (const c of clauses) {
    const body = norm.slice(c.start, c.end);
    if (c.start === 0 || !CLAUSE_HEADING.test(body)) continue;
    const lines = body.split('\n').filter((l) => l.trim());
    if (lines.slice(1).some((l) => LABEL_LINE.test(l)) && /当事人|双方|主体|签约方|基本信息|各方/.test(lines[0] ?? '')) continue;
    headEnd = c.start;
    break;
  }
  if (headEnd === norm.length) headEnd = Math.max(300, Math.floor(norm.length * 0.3));
  let tailStart = norm.length;
  const from = Math.floor(norm.length * 0.6);
  let pos = norm.length;
  // Walk back line by line while no numbered clause is met.
  while (pos > from) {
    const prevNl = norm.lastIndexOf('\n', pos - 1);
    const lineStart = prevNl + 1;
    const line = norm.slice(lineStart, pos);
    if (CLAUSE_HEADING.test(line) && !/^[ \t]*\d+[、.]/.test(line)) break;
    if (SIGNATURE_CUE.test(line) || LABEL_LINE.test(line)) tailStart = lineStart;
    if (prevNl === -1) break;
    pos = prevNl;
  }
  return { headEnd, tailStart: Math.max(tailStart, headEnd) };
}

export function gatherFacts(original: string, options: FactOptions = {}): ContractFacts {
  const text = prepare(original);
  const optionLists = findOptionLists(text.norm, options.struckOptionMarkers);
  // Options not chosen, and lists whose choice is left blank (with the sentence that leads into
  // them), are not agreed terms.
  const notAgreed = [...unchosenRanges(optionLists), ...blankChoiceRanges(optionLists, text.norm)];
  if (notAgreed.length) text.sentences = withoutRanges(text.sentences, notAgreed, text.norm);
  const tables = findTables(text.norm);
  markUnfilled(text, tables, notAgreed);
  const statements: Sentence[] = [...tables.flatMap((t) => t.statements), ...keyValueStatements(text.norm)].map((st) => ({
    index: -1,
    clause: clauseAt(text, st.start),
    start: st.start,
    end: st.end,
    text: st.text,
    restated: true as const,
  }));
  const regions = findRegions(text);
  const reading = readParties(text.norm, regions);
  inferRoles(text.norm, reading.parties);
  // Names are matched in the normalised text but reported as written.
  const parties = reading.parties.map((p) => ({ ...p, name: original.slice(p.start, p.end) }));
  const own = options.ownCompanies ?? [];
  const customer = extractCustomer(text.norm, parties, own);
  const us = parties.find((p) => isOwnCompany(p.name, own)) ?? (own.length === 0 ? parties.find((p) => p.role === 'seller') : undefined);
  return {
    text,
    statements,
    tables,
    optionLists,
    regions,
    parties,
    blankPartyLabels: reading.blankLabels,
    customer,
    ...(us ? { us } : {}),
    contractValue: findContractValue(text.sentences) ?? findContractValue(statements),
  };
}

/** A blank-choice list from the start of the sentence that introduces it to its end. */
function blankChoiceRanges(lists: readonly OptionList[], norm: string): { start: number; end: number }[] {
  return lists
    .filter((l) => l.chosen.length === 0)
    .map((l) => {
      let start = l.start;
      while (start > 0 && !/[。；;\n]/.test(norm[start - 1]!)) start--;
      return { start, end: l.end };
    });
}

/** A fill-in blank: underscores, or a placeholder the form prints for a value. */
const BLANK = /_{3,}|(?<![A-Za-z])X{3,}(?![A-Za-z])|×{3,}|(?<=[\s:：])\/(?=[\s；;，,。)]|$)/u;
/** What a filled-in value shows: a figure or a date. */
const FILLED = /\d(?![\d.,]*\s*%)|[零壹贰叁肆伍陆柒捌玖拾佰仟]{2,}/u;

function markUnfilled(text: PreparedText, tables: Table[], notAgreed: readonly { start: number }[]): void {
  const titles = new Set<number>();
  const emptyTables = tables.filter((t) => t.rows.every((r) => r.cells.slice(1).every((c) => c.trim() === '' || BLANK.test(c))));
  for (const s of text.sentences) {
    const heading = text.clauses[s.clause]?.heading ?? '';
    const stripped = s.text.replace(/^\s*(第[一二三四五六七八九十百零〇两\d]+[条章节款]|[一二三四五六七八九十]+[、.]|\d+(?:[.．]\d+)+(?=\s)|\d+[、.](?!\d)|[(][一二三四五六七八九十\d]+[)])\s*/u, '');
    const title = heading !== '' && s.text.trim() === heading && !/[:：]/.test(s.text);
    const blankField = BLANK.test(s.text) && !FILLED.test(stripped);
    const inEmptyTable = emptyTables.some((t) => s.start >= t.start && s.end <= t.end);
    // What is left of a line once its blank option list is set aside (`；`) states nothing either.
    const empty = !/[\p{L}\p{N}]/u.test(s.text);
    if (blankField || inEmptyTable || empty) s.unfilled = true;
    if (title) titles.add(s.index);
  }
  // A lead-in (`支付方式如下：`) states only what follows it in its clause. A clause title
  // (`第四条 服务质量与考核`) states its clause only when every item under it (`4.1 …`, `（一）…`)
  // states something: not alone, not before the next 第X条, not over blanks or unchosen options.
  for (let i = text.sentences.length - 1; i >= 0; i--) {
    const s = text.sentences[i]!;
    const section = text.sections.find((x) => s.start >= x.start && s.start < x.end);
    const inSection = (n: Sentence) => !!section && n.start < section.end;
    if (titles.has(s.index)) {
      const items: Sentence[] = [];
      let spanEnd = section?.end ?? text.norm.length;
      for (let k = i + 1; k < text.sentences.length; k++) {
        const n = text.sentences[k]!;
        if (NEXT_CLAUSE.test(n.text) || (n.clause !== s.clause && !(inSection(n) && (SUB_ITEM.test(n.text) || n.clause === items.at(-1)?.clause)))) {
          spanEnd = n.start;
          break;
        }
        items.push(n);
      }
      // Options left unchosen under it were taken out of the sentences, but they are still unfilled items.
      const blankOptions = notAgreed.some((r) => r.start >= s.end && r.start < spanEnd);
      if (!items.length || blankOptions || items.some((n) => n.unfilled)) s.unfilled = true;
      continue;
    }
    if (!/[:：]\s*$/.test(s.text)) continue;
    const next = text.sentences[i + 1];
    // Its numbered items (`服务内容如下：` then `1. …`) open clauses of their own inside the same part.
    if (!next || (next.clause !== s.clause && !inSection(next)) || next.unfilled) s.unfilled = true;
  }
}

/** The start of the next top-level clause (`第五条`, `第三章`). */
const NEXT_CLAUSE = /^\s*第[一二三四五六七八九十百零〇两\d]+[条章节]/u;
/** An item numbered under a clause: `4.1`, `（一）`, `1、`. */
const SUB_ITEM = /^\s*(\d+[.．]\d+|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.](?!\d))/u;

function clauseAt(text: PreparedText, offset: number): number {
  let k = 0;
  for (const c of text.clauses) if (c.start <= offset) k = c.index;
  return k;
}

/** Sentences with the given ranges cut out; a sentence may keep the part before and after a cut. */
function withoutRanges(sentences: Sentence[], ranges: { start: number; end: number }[], norm: string): Sentence[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: Sentence[] = [];
  for (const s of sentences) {
    let pieces = [{ start: s.start, end: s.end }];
    for (const r of sorted) {
      if (r.end <= s.start || r.start >= s.end) continue;
      pieces = pieces.flatMap((p) => [
        ...(r.start > p.start ? [{ start: p.start, end: Math.min(p.end, r.start) }] : []),
        ...(r.end < p.end ? [{ start: Math.max(p.start, r.end), end: p.end }] : []),
      ]);
    }
    for (const p of pieces) {
      let { start, end } = p;
      while (start < end && /\s/.test(norm[start]!)) start++;
      while (end > start && /\s/.test(norm[end - 1]!)) end--;
      if (end > start) out.push({ index: out.length, clause: s.clause, start, end, text: norm.slice(start, end) });
    }
  }
  return out;
}

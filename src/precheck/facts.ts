import { findAmounts, type Amount } from './amounts.js';
import { distinctParties, extractCustomer, extractParties, type Customer, type Party } from './parties.js';
import { prepare, type PreparedText } from './text.js';

/** What the computed checks share: segmented text, parties and the contract value. */
export interface ContractFacts {
  text: PreparedText;
  parties: Party[];
  customer?: Customer;
  /** The stated total (合同总价 / 总计 …), absolute offsets. */
  contractValue?: Amount;
}

/** Words that introduce the contract's total; the first amount right after one is the value. */
const TOTAL_WORDS = /((?:合同|合约|协议)(?:总价款?|总金额|总额|金额|价款|价格)|总价款|价款总额|含税总价|总价|总金额|总计|合计|共计|总额)/g;

export function findContractValue(text: PreparedText): Amount | undefined {
  for (const s of text.sentences) {
    TOTAL_WORDS.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = TOTAL_WORDS.exec(s.text))) {
      const after = m.index + m[0].length;
      // Only an amount that follows closely (`合同总价人民币 204,000.00 元`), figures first.
      const near = findAmounts(s.text.slice(after, after + 40)).filter((a) => a.start <= 16);
      const pick = near.find((a) => !a.inWords) ?? near[0];
      if (pick) return { ...pick, start: s.start + after + pick.start, end: s.start + after + pick.end };
    }
  }
  return undefined;
}

export function gatherFacts(original: string): ContractFacts {
  const text = prepare(original);
  // Names are matched in the normalised text but reported as written.
  const all = extractParties(text.norm).map((p) => ({ ...p, name: original.slice(p.start, p.end) }));
  const customer = extractCustomer(text.norm, all);
  return { text, parties: distinctParties(all), customer, contractValue: findContractValue(text) };
}

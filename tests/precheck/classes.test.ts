import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { gatherFacts } from '../../src/precheck/facts.js';
import { readContractDocument } from '../../src/precheck/read/index.js';
import { withoutRunningLines } from '../../src/precheck/read/pdf.js';
import { looksHardWrapped, tidyContractText } from '../../src/precheck/read/tidy.js';
import { unwrapLines, wrapProfile } from '../../src/precheck/read/unwrap.js';
import { loadOwnCompanies } from '../../src/precheck/rules.js';
import { describeContractSet } from '../helpers/contract-set.js';

/**
 * The classes the second held-out run missed (tests/fixtures/contracts-heldout2), read in general
 * form: each with a positive and a negative case worded unlike that set and unlike
 * tests/fixtures/contracts-classes, which runs as a whole at the end.
 */
const prechecker = createPrechecker();
const found = async (text: string) => new Set((await prechecker.check(text, { skipModelReview: true })).findings.map((f) => f.rule));

const HEAD = '甲方：鹤壁淇滨食品机械有限公司\n乙方：合肥蓝途信息技术有限公司\n';

/** Cut every line after `width` characters, as a plain-text export or a line-by-line PDF does. */
const cut = (lines: string[], width: number) => lines.flatMap((l) => (l === '' ? [''] : (l.match(new RegExp(`.{1,${width}}`, 'gu')) ?? [])));

describe('text cut at a fixed number of characters', () => {
  const source = [
    '第三条 货款支付：需方于设备安装完毕并经验收合格后二十个工作日内，向供方支付货款人民币 1,386,450.00 元整，供方同时开具增值税专用发票。',
    '| 序号 | 货物名称 | 规格 | 数量 | 单价（元） | 金额（元） |',
    '| 1 | 不锈钢灌装机 | GZ-12 型 | 3 | 462,150.00 | 1,386,450.00 |',
    '第四条 验收：需方应于设备到厂后五个工作日内组织验收，逾期未验收的视为验收合格。',
    '第五条 质保：质保期十二个月，自验收合格之日起算，质保期内非人为损坏由供方免费维修。',
  ];

  it('is measured by characters, and sentences, table rows and figures cut at the width are one again', () => {
    const lines = cut(source, 23);
    expect(wrapProfile(lines)?.byCharacters).toBe(true);
    expect(looksHardWrapped(lines)).toBe(true);
    const out = tidyContractText(lines.join('\n')).split('\n');
    expect(out).toEqual(source);
  });

  it('a typed contract with one paragraph per line is left as it is', () => {
    const typed = [
      '第一条 标的：灌装机三台。',
      '第二条 交货：2027 年 5 月 1 日前送至需方工厂。',
      '第三条 付款：验收后二十日内付清。',
      '第四条 质保：十二个月。',
      '第五条 违约：按日万分之五计付违约金。',
      '第六条 争议：由需方所在地人民法院管辖。',
      '| 货物 | 数量 | 金额 |',
      '| 灌装机 | 3 | 1,386,450.00 |',
      '第七条 生效：双方盖章后生效。',
    ];
    expect(looksHardWrapped(typed)).toBe(false);
    expect(tidyContractText(typed.join('\n'))).toBe(typed.join('\n'));
  });

  it('a row that closes on its own line and a figure ending a sentence are not joined to what follows', () => {
    const lines = [...cut(source.slice(0, 1), 23), '| 货物 | 数量 |', '| 灌装机 | 3 |', '2. 其余款项于质保期满后支付。'];
    const out = unwrapLines(lines);
    expect(out).toContain('| 货物 | 数量 |');
    expect(out).toContain('| 灌装机 | 3 |');
    expect(out).toContain('2. 其余款项于质保期满后支付。');
  });
});

describe('PDF page furniture', () => {
  const page = (n: number, body: string[]) => ['鹤壁淇滨 · 设备采购合同（副本）', ...body, '', `— ${n} / 3 —`];

  it('a head repeated on every page and page numbers go; a sentence running over the break is whole again', () => {
    const pages = [
      page(1, ['第一条 供方应于合同生效后三十日内交付全部', '设备。']),
      page(2, ['第二条 需方于验收合格后十日内']),
      page(3, ['支付全部货款。']),
    ];
    const text = unwrapLines(withoutRunningLines(pages).flat()).join('\n');
    expect(text).not.toMatch(/副本|\/ 3/);
    expect(text).toContain('第二条 需方于验收合格后十日内');
  });

  it('body lines that merely look alike, and a figure inside the text, stay', () => {
    const pages = [
      ['第一条 标的', '灌装机 3 台。', '第二条 价格'],
      ['合同总价 1,386,450 元。', '第三条 交货', '2027 年 5 月 1 日前。'],
    ];
    expect(withoutRunningLines(pages).flat()).toEqual(pages.flat());
  });

  it('the same contract as .txt and as a hard-wrapped multi-page .pdf gives the same findings', async () => {
    const dir = path.join(import.meta.dirname, '..', 'fixtures', 'contracts-classes');
    const rules = async (file: string) => {
      const { text } = await readContractDocument(file, readFileSync(path.join(dir, file)));
      return [...(await found(text))].sort();
    };
    expect(await rules('k08-sales-table-wrapped.pdf')).toEqual(await rules('k08-sales-table-wrapped.txt'));
    expect(await rules('k09-shop-lease-trad.pdf')).toEqual(await rules('k09-shop-lease-trad.txt'));
  });
});

describe('unilateral: one side sets the price, rent or fee', () => {
  it('a right to adjust the fee, or the fee being whatever one side publishes, is unilateral', async () => {
    expect(await found(`${HEAD}四、乙方有权于每个计费年度开始时对技术服务费进行调整。`)).toContain('unilateral');
    expect(await found(`${HEAD}四、场地使用费依甲方当期发布的收费表计收。`)).toContain('unilateral');
    expect(await found(`${HEAD}四、甲方可以自行决定并上调仓储费用，乙方不得以未经其同意为由拒绝支付。`)).toContain('unilateral');
  });

  it('a right both sides hold, an adjustment both confirm, or costs allocated after ending are not', async () => {
    expect(await found(`${HEAD}四、任一方有权在能源价格变动超过百分之十时要求重新商定技术服务费。`)).not.toContain('unilateral');
    expect(await found(`${HEAD}四、乙方可以提出调整仓储费用，调整后的费用经甲方书面同意后执行。`)).not.toContain('unilateral');
    expect(await found(`${HEAD}四、甲方于服务期内终止合作的，截至终止日的技术服务费由甲方结清，乙方已垫付的耗材费用由甲方承担。`)).not.toContain('unilateral');
    expect(await found(`${HEAD}四、检测费按甲方确定的检测机构收费标准结算。`)).not.toContain('unilateral');
  });
});

describe('liability.unlimited: a cap denied or losses listed open-ended', () => {
  it('不以…为限 and 一切损失（包括但不限于…） without a cap', async () => {
    expect(await found(`${HEAD}七、乙方对甲方承担的赔偿责任不以设备价款为限。`)).toContain('liability.unlimited');
    expect(await found(`${HEAD}七、乙方应承担甲方因此产生的全部损失，包括但不限于停产损失和客户索赔。`)).toContain('liability.unlimited');
  });

  it('the same listing under a cap is capped', async () => {
    expect(await found(`${HEAD}七、乙方应赔偿甲方的直接损失，包括但不限于修理费，赔偿累计以设备价款为限。`)).not.toContain('liability.unlimited');
    expect(await found(`${HEAD}七、乙方应承担甲方因此产生的全部损失，但赔偿总额不超过本合同总价。`)).not.toContain('liability.unlimited');
  });
});

describe('kickback: gifts in kind or money reaching a person on the customer side', () => {
  it('a gift card, a laptop or a trip for the customer’s staff, or a fee to the company their manager names', async () => {
    expect(await found(`${HEAD}八、设备交付后，乙方向甲方工程部经理赠送笔记本电脑一台，作为答谢。`)).toContain('kickback');
    expect(await found(`${HEAD}八、乙方安排甲方采购员及家属赴三亚旅游一次，费用由乙方额外承担。`)).toContain('kickback');
    expect(await found(`${HEAD}八、乙方应按每笔回款的 3% 向甲方设备处处长推荐的郑州中原信达咨询有限公司支付项目协调费。`)).toContain('kickback');
    expect(await found(`${HEAD}八、乙方另按每台 200 元向甲方设备科科长支付技术指导费。`)).toContain('kickback');
  });

  it('a discount to the company written into the price, or a third party that serves the contract, is not', async () => {
    expect(await found(`${HEAD}八、甲方年采购额超过 50 万元的，乙方按 1.5% 向甲方返利，返利直接冲抵货款并开具红字发票。`)).not.toContain('kickback');
    expect(await found(`${HEAD}八、设备到货后由甲方质量部经理指定的第三方检测机构抽检，检测费由乙方承担。`)).not.toContain('kickback');
    expect(await found(`${HEAD}八、乙方为甲方操作人员提供两次免费上机培训。`)).not.toContain('kickback');
    expect(await found(`${HEAD}八、乙方应向甲方项目负责人提交月度服务报告，服务费按月支付至乙方对公账户。`)).not.toContain('kickback');
  });
});

describe('leases and service contracts: rent and fees are the price, the term is the delivery', () => {
  it('a fee set as a rate of a price, a rent, a service term', async () => {
    const rate = await found(`${HEAD}一、乙方为甲方提供设备托管服务。二、托管费按设备采购金额的百分之二点五计收，按季度支付。三、服务期自 2027 年 1 月 1 日至 2027 年 12 月 31 日。`);
    expect(rate).not.toContain('price.missing');
    expect(rate).not.toContain('payment.missing');
    expect(rate).not.toContain('delivery.missing');
    const rent = await found(`出租方：鹤壁淇滨食品机械有限公司\n承租方：合肥蓝途信息技术有限公司\n一、租赁的厂房位于鹤壁市淇滨区黄河路 8 号。二、每月租金 12,000 元，承租方每月 5 日前缴纳。三、租赁期自 2027 年 3 月 1 日起两年。`);
    expect(rent).not.toContain('price.missing');
    expect(rent).not.toContain('subject.missing');
    expect(rent).not.toContain('delivery.missing');
  });

  it('a lease names its object by letting it, and its quality by the state it is handed over in', async () => {
    const lease = await found(`出租方：鹤壁淇滨食品机械有限公司\n承租方：合肥蓝途信息技术有限公司\n一、出租方将叉车 3 台出租给承租方使用。二、叉车交付时车况良好、随车证件齐全。`);
    expect(lease).not.toContain('subject.missing');
    expect(lease).not.toContain('quality.missing');
  });

  it('letting without a named object, or a state that is no thing’s condition, names neither', async () => {
    const bare = await found(`出租方：鹤壁淇滨食品机械有限公司\n承租方：合肥蓝途信息技术有限公司\n一、出租方同意出租给承租方，具体以承租方需求为准。二、承租方付款状态正常的，出租方按月开票。`);
    expect(bare).toContain('subject.missing');
    expect(bare).toContain('quality.missing');
  });

  it('a rate that is a penalty is no price', async () => {
    const r = await found(`${HEAD}一、乙方为甲方提供设备托管服务。二、任何一方违约的，按合同金额的百分之五支付违约金。`);
    expect(r).toContain('price.missing');
  });
});

describe('whose side: the customer is the other party', () => {
  const own = loadOwnCompanies();
  it('one pasted line: a role written after a name, or our name in the other script, makes the other side the customer', () => {
    const roleAfter = gatherFacts('甲方：鹤壁淇滨食品机械有限公司（供货方） 乙方：濮阳油田装备有限公司（采购方） 乙方验收后 60 日内付款。');
    expect(roleAfter.customer?.name).toBe('濮阳油田装备有限公司');
    const ours = gatherFacts('甲方合肥藍途信息技術有限公司（服務方）與乙方濮陽油田裝備有限公司（委託方）簽訂本協議，乙方按月支付服務費。', { ownCompanies: own });
    expect(ours.customer?.name).toBe('濮陽油田裝備有限公司');
    const comma = gatherFacts('卖方：合肥蓝途信息技术有限公司，买方：濮阳油田装备有限公司，货到 30 天付款。', { ownCompanies: own });
    expect(comma.customer?.name).toBe('濮阳油田装备有限公司');
  });

  it('with the buyer named first and no role words, the usual reading stands', () => {
    const plain = gatherFacts('甲方：濮阳油田装备有限公司\n乙方：鹤壁淇滨食品机械有限公司\n甲方向乙方采购阀门 20 台，甲方于到货后 30 日内付款。');
    expect(plain.customer?.name).toBe('濮阳油田装备有限公司');
    const shortFor = gatherFacts('濮阳油田装备有限公司（以下简称甲方）向鹤壁淇滨食品机械有限公司（以下简称乙方）采购阀门。\n甲方（盖章）：濮阳油田装备有限公司（甲方）');
    expect(shortFor.parties.every((p) => !/[（(]/.test(p.name))).toBe(true);
  });
});

describe('.docx automatic numbering', () => {
  const dir = path.join(import.meta.dirname, '..', 'fixtures', 'contracts-classes');
  it('clauses numbered by Word are clauses, as in the typed text', async () => {
    for (const base of ['k10-numbered-support', 'k12-mutual-review-termination']) {
      const docx = (await readContractDocument(`${base}.docx`, readFileSync(path.join(dir, `${base}.docx`)))).text;
      const txt = readFileSync(path.join(dir, `${base}.txt`), 'utf8');
      const clauses = async (t: string) => (await prechecker.check(t, { skipModelReview: true })).stats.clauses;
      // Every numbered heading of the typed text opens a clause in the .docx too (mammoth's plain text had one clause).
      const headings = txt.split('\n').filter((l) => /^(\d+\.|[一二三四五六七八九十]+、)/.test(l)).length;
      expect(headings).toBeGreaterThanOrEqual(7);
      expect(docx).toMatch(/^1\. /m);
      expect(docx.split('\n').filter((l) => /^\d+\. /.test(l)).length).toBe(headings);
      expect(await clauses(docx)).toBeGreaterThanOrEqual(headings);
    }
  });
});

describeContractSet('precheck classes set (written with the fixes; not unseen)', 'contracts-classes', {});

/**
 * Four contracts written after the fixes and run once before any further change: precision 0.500,
 * recall 1.000, verdicts 3/4 (a vehicle lease's 出租…2 辆 and 车况良好, a subscription's 开通…平台 were not
 * read). Mended in general form since (lease and service verbs name the subject; a thing's state at
 * handover is its quality), so this set is tuned on now.
 */
describeContractSet('precheck classes check set (run once, then mended)', 'contracts-classes-check', {});

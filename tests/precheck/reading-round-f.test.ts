import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { readParties } from '../../src/precheck/parties.js';
import { normalizeAligned } from '../../src/precheck/text.js';
import { describeContractSet } from '../helpers/contract-set.js';

/**
 * The reading classes the fourth held-out set (tests/fixtures/contracts-heldout4, now diagnostic) showed, round f:
 * each with a positive and a negative case worded unlike that set — in the contracts of
 * tests/fixtures/contracts-classes-f (.txt, and .docx / .pdf made from them by its make_variants.py) and in the
 * short cases below.
 */
describeContractSet('precheck round f classes: own contracts (positive and negative per class)', 'contracts-classes-f', {});

const prechecker = createPrechecker();
const found = async (text: string) => new Set((await prechecker.check(text, { skipModelReview: true })).findings.map((f) => f.rule));
const parties = (text: string) => readParties(normalizeAligned(text)).parties.map((p) => p.name);

/** A complete small service contract; each test swaps one part. */
function contract(parts: Partial<Record<'head' | 'scope' | 'fee' | 'pay' | 'extra' | 'dispute' | 'sign', string>> = {}): string {
  return [
    parts.head ?? '甲方：兰州黄河明珠酒店管理有限公司\n乙方：合肥蓝途信息技术有限公司',
    '',
    parts.scope ?? '第一条 乙方为甲方的 30 台客房自助终端提供年度维保服务，每月上门巡检一次。',
    '第二条 服务期自 2027 年 4 月 1 日起至 2028 年 3 月 31 日止。',
    parts.fee ?? '第三条 年度服务费人民币 36,000 元（大写：叁万陆仟元整），含税。',
    parts.pay ?? '第四条 甲方于合同签订后 5 日内预付全部服务费至乙方对公账户。',
    '第五条 巡检后提交巡检报告，由甲方签字验收。',
    '第六条 任何一方违约的，应赔偿对方直接损失，累计不超过服务费总额。',
    parts.extra ?? '',
    parts.dispute ?? '第七条 争议由乙方所在地人民法院管辖。',
    '',
    parts.sign ?? '甲方（盖章）：兰州黄河明珠酒店管理有限公司        乙方（盖章）：合肥蓝途信息技术有限公司',
  ].join('\n');
}

describe('bilingual party declarations', () => {
  it('a Chinese label with its English gloss after a slash names the party', () => {
    const names = parties('Lessor / 出租方：西宁青海湖文旅发展有限公司 Xining Qinghaihu Tourism Co., Ltd.\n承租方 / Lessee：合肥蓝途信息技术有限公司\n\n第一条 租赁物……');
    expect(names).toEqual(['西宁青海湖文旅发展有限公司', '合肥蓝途信息技术有限公司']);
  });

  it('a name on the line under its label is read; a field there is not a name', () => {
    expect(parties('甲方（Party A）：\n银川贺兰山葡萄酒业有限公司\n乙方（Party B）：\n合肥蓝途信息技术有限公司\n\n第一条 ……')).toEqual([
      '银川贺兰山葡萄酒业有限公司',
      '合肥蓝途信息技术有限公司',
    ]);
    expect(parties('甲方（Party A）：\n注册地址（Address）：银川市金凤区\n乙方（Party B）：\n合肥蓝途信息技术有限公司\n\n第一条 ……')).toEqual([
      '合肥蓝途信息技术有限公司',
    ]);
    expect(parties('买方（Buyer）：\n双方同意货物由卖方委托的物流公司\n卖方（Seller）：\n合肥蓝途信息技术有限公司\n\n第一条 ……')).toEqual([
      '合肥蓝途信息技术有限公司',
    ]);
  });
});

describe('the subject of a service stated right under a heading of the same words', () => {
  it('a clause titled like its content line still names the subject', async () => {
    const text = contract({ scope: '第一条 培训内容\n培训内容：前台收银操作与会员营销实务。' });
    expect(await found(text)).not.toContain('subject.missing');
  });

  it('a heading whose content line is left blank names nothing', async () => {
    const text = contract({ scope: '第一条 培训内容\n培训内容：________' });
    expect(await found(text)).toContain('subject.missing');
  });
});

describe('a filled-in forum name standing between the spaces of its blank', () => {
  it('the spaced commission name is a name', async () => {
    const text = contract({ dispute: '第七条 发生争议的，按下列第 1 种方式解决：（1）提交   兰州   仲裁委员会仲裁；（2）向 ／ 人民法院起诉。' });
    expect(await found(text)).not.toContain('dispute.ambiguous');
  });

  it('spaces with no name between them name no commission', async () => {
    const text = contract({ dispute: '第七条 发生争议的，按下列第 1 种方式解决：（1）提交      仲裁委员会仲裁；（2）向 ／ 人民法院起诉。' });
    expect(await found(text)).toContain('dispute.ambiguous');
  });
});

describe('a total in words under a table whose currency is only in its header', () => {
  const table = (words: string) =>
    contract({
      fee: `第三条 费用明细\n| 服务项目 | 次数 | 单价（元） | 金额（元） |\n| 季度巡检 | 4 | 6,000.00 | 24,000.00 |\n| 备件包 | 1 | 12,000.00 | 12,000.00 |\n| 合计 | | | 36,000.00 |\n费用合计大写：${words}`,
    });
  it('words that disagree with the table are a mismatch', async () => {
    expect(await found(table('叁万陆仟伍佰元整。'))).toContain('amount.mismatch');
  });
  it('words that agree are none', async () => {
    expect(await found(table('叁万陆仟元整。'))).not.toContain('amount.mismatch');
  });
});

describe('the contract fee paid into a person of the side it is owed to, against money for the other side', () => {
  it('the quarterly fee paid into our own sales lead’s card is a personal account, not a kickback', async () => {
    const rules = await found(contract({ pay: '第四条 甲方每季度初将本季服务费 9,000 元转入乙方销售主管王磊的个人银行卡。' }));
    expect(rules).toContain('personal-account');
    expect(rules).not.toContain('kickback');
  });
  it('a coordination fee of its own paid into the customer’s manager’s card is a kickback', async () => {
    const rules = await found(contract({ extra: '第八条 乙方每季度将协调费 1,500 元转入甲方工程部经理的个人银行卡，不计入服务费。' }));
    expect(rules).toContain('kickback');
  });
});

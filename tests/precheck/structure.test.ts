import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { gatherFacts } from '../../src/precheck/facts.js';
import { PrecheckInputError, precheckText } from '../../src/precheck/input.js';
import { findOptionLists } from '../../src/precheck/model/options.js';
import { findTables } from '../../src/precheck/model/tables.js';
import { normalizeAligned } from '../../src/precheck/text.js';

/**
 * The clause-level reading (issue 14): each cause named in the issue with a positive and a
 * negative case, in wording that differs from the tune contracts.
 */

const prechecker = createPrechecker({ ownCompanies: [] });
const withUs = createPrechecker({ ownCompanies: ['合肥蓝途信息技术有限公司'] });

async function rules(text: string, checker = prechecker): Promise<Set<string>> {
  return new Set((await checker.check(text)).findings.map((f) => f.rule));
}

/** A complete, clean sale so one clause at a time can be varied. */
function sale(parts: { dispute?: string; payment?: string; extra?: string; head?: string; sign?: string } = {}): string {
  return [
    '产品购销合同',
    parts.head ?? '甲方（买方）：杭州西湖文旅发展有限公司\n乙方（卖方）：合肥蓝途信息技术有限公司',
    '第一条 标的：乙方向甲方供应自助售票终端 10 台，单价人民币 12,000 元，合同总价人民币 120,000 元。',
    '第二条 质量：产品符合国家标准，验收合格后质保 12 个月。',
    '第三条 交货：乙方于 2027 年 3 月 1 日前将货物送至甲方杭州仓库。',
    `第四条 付款：${parts.payment ?? '甲方于合同签订后 5 日内支付全部货款。'}`,
    '第五条 违约责任：逾期交货的，每日按合同总价 0.05% 支付违约金。',
    `第六条 争议解决：${parts.dispute ?? '因本合同发生的争议，提交杭州仲裁委员会仲裁。'}`,
    parts.extra ?? '',
    parts.sign ?? '甲方（盖章）：杭州西湖文旅发展有限公司        乙方（盖章）：合肥蓝途信息技术有限公司',
  ].join('\n');
}

describe('model-form option lists: the chosen option decides', () => {
  it('reads the number filled in and only that option', () => {
    const text = '发生争议时，按下列第 2 种方式解决：（一）提交 ______ 仲裁委员会仲裁；（二）依法向甲方所在地人民法院起诉。';
    const [list] = findOptionLists(normalizeAligned(text));
    expect(list!.chosen).toEqual([2]);
    expect(list!.options.map((o) => o.number)).toEqual([1, 2]);
  });

  it('a filled-in form is not ambiguous; a blank choice is', async () => {
    const chosen = sale({ dispute: '协商不成的，采用以下第（一）种方式：\n（一）提交宁波仲裁委员会仲裁；\n（二）向 ____ 人民法院起诉。' });
    expect(await rules(chosen)).not.toContain('dispute.ambiguous');
    const blank = sale({ dispute: '协商不成的，采用以下第 ____ 种方式：\n（一）提交宁波仲裁委员会仲裁；\n（二）向被告所在地人民法院起诉。' });
    expect(await rules(blank)).toContain('dispute.ambiguous');
  });

  it('an option struck out with ／ leaves the other one chosen', async () => {
    const text = sale({ dispute: '协商不成的，按下列第 __ 种方式解决：\n1. 提交 ／ 仲裁委员会仲裁；\n2. 依法向合肥市蜀山区人民法院起诉。' });
    expect(await rules(text)).not.toContain('dispute.ambiguous');
    expect(await rules(text)).not.toContain('dispute.missing');
  });

  it('an unticked box is no agreed payment term; a ticked one is', async () => {
    const unticked = sale({ payment: '\n☑ 款到发货：甲方于发货前付清全部货款；\n□ 货到付款：甲方于验收合格后 60 日内付清全部货款。' });
    expect(await rules(unticked)).not.toContain('payment.credit-required');
    const ticked = sale({ payment: '\n□ 款到发货：甲方于发货前付清全部货款；\n☑ 货到付款：甲方于验收合格后 60 日内付清全部货款。' });
    expect(await rules(ticked)).toContain('payment.credit-required');
  });

  it('boxes on one line with several ticks keep the ticked ones', () => {
    const [list] = findOptionLists(normalizeAligned('结算方式：☑电汇 □承兑汇票 ☑支票。'));
    expect(list!.chosen).toEqual([1, 3]);
  });
});

describe('dispute.missing: a dispute clause that chooses a forum, not a stray word', () => {
  const noDispute = (extra: string) =>
    sale({ dispute: '' }).replace('第六条 争议解决：', '').replace('\n\n', '\n') + `\n${extra}`;

  it('a force-majeure list naming 纠纷 and 诉讼 is no dispute clause', async () => {
    const text = noDispute('第七条 不可抗力：不可抗力包括地震、罢工、第三方引起的纠纷或诉讼导致的查封。');
    expect(await rules(text)).toContain('dispute.missing');
  });

  it('an indemnity with 诉讼费 is no dispute clause', async () => {
    const text = noDispute('第七条 赔偿：乙方赔偿甲方因此支出的律师费、诉讼费及鉴定费。');
    expect(await rules(text)).toContain('dispute.missing');
  });

  it('negotiation alone names no forum', async () => {
    const text = sale({ dispute: '双方应友好协商解决履行中的争议；协商不成的，继续协商直至达成一致。' });
    const found = await rules(text);
    expect(found).toContain('dispute.missing');
    expect(found).not.toContain('dispute.ambiguous');
  });

  it('a clause naming a court is a dispute clause', async () => {
    expect(await rules(sale({ dispute: '如有纠纷，由乙方住所地人民法院管辖。' }))).not.toContain('dispute.missing');
  });
});

describe('parties: declaration lines and the signature block; placeholders are blanks', () => {
  it('XXX, 某某公司 and underscores are no names', async () => {
    const head = '供方：XXX有限公司\n需方：某某贸易公司';
    const sign = '供方（盖章）：__________        需方（盖章）：__________';
    const facts = gatherFacts(sale({ head, sign }));
    expect(facts.parties).toEqual([]);
    expect(await rules(sale({ head, sign }))).toContain('parties.missing');
  });

  it('names in the signature block count when the head is blank', async () => {
    const head = '甲方：____________\n乙方：____________';
    expect(await rules(sale({ head }))).not.toContain('parties.missing');
  });

  it('spaced-out labels (`甲  方：`) are labels', () => {
    const parties = gatherFacts(sale({ head: '甲  方：杭州西湖文旅发展有限公司\n乙  方：合肥蓝途信息技术有限公司' })).parties;
    expect(parties.map((p) => [p.label, p.name])).toEqual([
      ['甲方', '杭州西湖文旅发展有限公司'],
      ['乙方', '合肥蓝途信息技术有限公司'],
    ]);
  });

  it('prose that mentions 卖方 is no party', () => {
    const text = '合同\n第一条 卖方：应保证货物来自正规渠道。\n第二条 买方：应按时收货。';
    expect(gatherFacts(text).parties).toEqual([]);
  });
});

describe('price: tables with the currency in the header, fees named otherwise', () => {
  it('reads 金额（元） and 总价(RMB) from the header', () => {
    const [table] = findTables(normalizeAligned('| 品名 | 数量 | 单价(RMB) | 总价(RMB) |\n| 扫码枪 | 10 | 300.00 | 3,000.00 |'));
    expect(table!.statements.map((s) => s.text)).toContain('扫码枪 总价 RMB 3,000.00');
  });

  it('a contract priced only in a table is not price.missing', async () => {
    const text = [
      '采购单',
      '甲方：宁波港城物流有限公司',
      '乙方：合肥蓝途信息技术有限公司',
      '一、货物清单',
      '| 序号 | 货物名称 | 数量 | 单价（元） | 金额（元） |',
      '| 1 | 手持终端 | 20 | 2,100.00 | 42,000.00 |',
      '二、付款：甲方收货前付清。三、交货：2027 年 5 月 1 日前送至甲方仓库。',
    ].join('\n');
    expect(await rules(text)).not.toContain('price.missing');
    expect(await rules(text.replace('| 1 | 手持终端 | 20 | 2,100.00 | 42,000.00 |', '| 1 |  |  |  |  |'))).toContain('price.missing');
  });

  it.each(['年度服务费为人民币 36,000 元', '合同總額：新台幣 88,000 元', '货款总计 ¥58,000.00'])('%s is a price', async (fee) => {
    expect(await rules(`服务合同\n甲方：成都锦城酒店管理有限公司\n乙方：合肥蓝途信息技术有限公司\n一、${fee}。`)).not.toContain('price.missing');
  });
});

describe('unilateral by meaning', () => {
  it('a seller raising prices at set dates, even with notice, is one-sided', async () => {
    const extra = '第七条 调价：乙方可于每季度首日根据市场行情上调产品单价，并提前十日书面告知甲方，甲方不得拒收。';
    expect(await rules(sale({ extra }))).toContain('unilateral');
  });

  it('an unrelated 不得 in the sentence does not lift it', async () => {
    const extra = '第七条 乙方有权随时修改交货批次，甲方不得在合同期内向第三方采购同类产品。';
    expect(await rules(sale({ extra }))).toContain('unilateral');
  });

  it('costs after one side ends the contract grant no right', async () => {
    const extra = '第七条 一方单方解除本合同的，应承担对方已发生的合理费用。';
    expect(await rules(sale({ extra }))).not.toContain('unilateral');
  });

  it('a negation right before the right binds it', async () => {
    const extra = '第七条 未经对方书面同意，任何一方均不得擅自调整价格。';
    expect(await rules(sale({ extra }))).not.toContain('unilateral');
  });
});

describe('disguised kickbacks: money or gifts for a person on the other side, outside the price', () => {
  it.each([
    '第七条 乙方按合同总价的 4% 向甲方采购经理支付市场调研咨询费，该费用不计入合同价款。',
    '第七条 项目验收后，乙方为甲方项目负责人提供价值 5,000 元的商场购物卡。',
    '第七条 乙方另行向甲方委托的代理人支付每台 200 元的推荐费。',
  ])('finds: %s', async (extra) => {
    expect(await rules(sale({ extra }))).toContain('kickback');
  });

  it.each([
    '第七条 乙方免费为甲方操作人员提供两天上机培训。',
    '第七条 乙方按成交额 3% 向其区域代理商支付佣金，凭增值税发票结算。',
    '第七条 双方承诺不以任何形式向对方工作人员赠送购物卡、礼品或现金。',
  ])('does not find: %s', async (extra) => {
    expect(await rules(sale({ extra }))).not.toContain('kickback');
  });
});

describe('whose credit: the customer is the other side from us', () => {
  const sellerFirst = sale({
    head: '出卖人（甲方）：合肥蓝途信息技术有限公司\n买受人（乙方）：南京秦淮商贸有限公司',
    payment: '乙方于验收合格后 45 日内支付全部货款。',
  }).replace(/甲方/g, '买方占位').replace(/乙方/g, '甲方').replace(/买方占位/g, '乙方');

  it('甲方 as the seller: the customer is 乙方', async () => {
    const r = await prechecker.check(sellerFirst);
    expect(r.customer?.name).toBe('南京秦淮商贸有限公司');
  });

  it('configured company names decide when the labels do not', async () => {
    const text = sale({ head: '甲方：合肥蓝途信息技术有限公司\n乙方：苏州姑苏电子有限公司', payment: '甲方于验收合格后 30 日内付款。' });
    expect((await withUs.check(text)).customer?.name).toBe('苏州姑苏电子有限公司');
    // We buy here (甲方 pays): credit for a customer is not ours to check.
    expect(await rules(text, withUs)).not.toContain('payment.credit-required');
    const weSell = sale({ payment: '甲方于验收合格后 30 日内付款。' });
    expect(await rules(weSell, withUs)).toContain('payment.credit-required');
  });
});

describe('not a contract', () => {
  it.each(['你好', 'hello, can you check this?', '今天下午三点开会'])('%s gets an explanation, not a report', async (text) => {
    const e = await precheckText(text).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PrecheckInputError);
    expect((e as PrecheckInputError).problem).toBe('not-contract');
  });

  it('a single pasted clause with a party and a price is still checked', async () => {
    const doc = await precheckText('乙方供应服务器 3 台，总价人民币 90,000 元。');
    expect(doc.result.findings.length).toBeGreaterThan(0);
  });
});

describe('handbook citations only when the passage is about the rule', () => {
  const passages = async () => [
    { docId: 'a', title: '手册', section: '一', text: '商务谈判：协商价格、付款方式等细节。' },
    { docId: 'b', title: '手册', section: '二', text: '销售纪律。不得收受客户贿赂、回扣或谋取其他不正当利益。' },
  ];

  it('cites the sentence that is about the rule, and nothing for a rule without one', async () => {
    const checker = createPrechecker({ handbookPassages: passages, ownCompanies: [] });
    const r = await checker.check(sale({ extra: '第七条 乙方向甲方经办人支付回扣 2,000 元。' }).replace('第四条 付款：', '第四条 '));
    const kick = r.findings.find((f) => f.rule === 'kickback')!;
    expect(kick.citation?.quote).toBe('不得收受客户贿赂、回扣或谋取其他不正当利益。');
    for (const f of r.findings.filter((x) => x.rule !== 'kickback')) expect(f.citation?.quote ?? '').not.toContain('商务谈判');
  });
});

import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { readParties } from '../../src/precheck/parties.js';
import { normalizeAligned } from '../../src/precheck/text.js';

/**
 * The reading classes the third held-out set (tests/fixtures/contracts-heldout3, now diagnostic) showed:
 * each with a positive and a negative case, worded unlike that set.
 */
const prechecker = createPrechecker();
const found = async (text: string) => new Set((await prechecker.check(text, { skipModelReview: true })).findings.map((f) => f.rule));
const parties = (text: string) => readParties(normalizeAligned(text)).parties.map((p) => p.name);

/** A complete small supply contract; each test swaps one part. */
function contract(parts: Partial<Record<'head' | 'goods' | 'delivery' | 'pay' | 'extra' | 'dispute' | 'sign', string>> = {}): string {
  return [
    parts.head ?? '买方：洛阳伊河精密轴承有限公司\n卖方：合肥蓝途信息技术有限公司',
    '',
    parts.goods ?? '第一条 卖方向买方出售振动监测传感器 LT-VB20 共 80 只，单价 1,150.00 元，总价 92,000.00 元（含税）。',
    parts.delivery ?? '第二条 卖方于 2027 年 3 月 15 日前将货物送至买方洛阳工厂。',
    '第三条 货物执行卖方企业标准，买方收货后 5 日内验收，质保期 12 个月。',
    parts.pay ?? '第四条 买方于合同签订后 5 日内支付全部货款至卖方对公账户，卖方收款后发货。',
    '第五条 任何一方违约的，应赔偿对方因此遭受的直接损失，累计不超过总价的 10%。',
    parts.extra ?? '',
    parts.dispute ?? '第六条 争议由卖方所在地人民法院管辖。',
    '第七条 本合同自双方盖章后生效。',
    '',
    parts.sign ?? '买方（盖章）：洛阳伊河精密轴承有限公司        卖方（盖章）：合肥蓝途信息技术有限公司',
  ].join('\n');
}

describe('a model-form option struck out by a note, in a list with no number to fill in', () => {
  it('the option left standing is the choice', async () => {
    const text = contract({
      dispute: '第六条 争议解决方式：双方协商不成时，采用以下方式之一处理：\n(1) 向 ／ 仲裁委员会申请仲裁（本项删去）；\n(2) 向卖方所在地人民法院起诉。',
    });
    expect(await found(text)).not.toContain('dispute.ambiguous');
  });

  it('with nothing struck, both forums stay offered', async () => {
    const text = contract({
      dispute: '第六条 争议解决方式：双方协商不成时，采用以下方式之一处理：\n(1) 向洛阳仲裁委员会申请仲裁；\n(2) 向卖方所在地人民法院起诉。',
    });
    expect(await found(text)).toContain('dispute.ambiguous');
  });
});

describe('a fee kept outside the price and routed where the customer points', () => {
  it('a "service fee" left out of the price, its payee to be named by the customer\'s manager, is a kickback', async () => {
    const text = contract({
      extra: '第五条之一 卖方另行承担项目协调费 6,000 元，该协调费不在本合同总价中体现，收款方由买方届时指定。',
    });
    expect(await found(text)).toContain('kickback');
  });

  it('a share of the price paid to a company the customer designates as a "coordination fee" is a kickback', async () => {
    const text = contract({ extra: '第五条之一 卖方委托买方指定的某商务咨询工作室协助办理入场手续，协调费按合同总价的 3% 支付。' });
    expect(await found(text)).toContain('kickback');
  });

  it('an installation fee billed apart from the price and paid to the seller\'s own account is not', async () => {
    const text = contract({ extra: '第五条之一 安装服务费 3,000 元不含在合同总价内，买方验收后支付至卖方指定账户，卖方另开发票。' });
    expect(await found(text)).not.toContain('kickback');
  });

  it('a property fee outside the price paid to the manager the landlord names is not', async () => {
    const text = contract({ extra: '第五条之一 物业服务费不包含在合同价款内，由买方按月向卖方指定的物业管理公司缴纳。' });
    expect(await found(text)).not.toContain('kickback');
  });

  it('a testing fee to an agency the customer names, inside the price and invoiced, is not', async () => {
    const text = contract({ extra: '第五条之一 出厂检测由买方指定的检测机构进行，检测费 2,000 元已包含在合同总价内，由检测机构向卖方开具发票。' });
    expect(await found(text)).not.toContain('kickback');
  });
});

describe('a service or project is delivered by doing it by a date', () => {
  it('commissioning finished by a date is the delivery term', async () => {
    const text = contract({
      delivery: '第二条 卖方应在 2027 年 2 月 28 日之前完成传感器的现场安装与联调，并通知买方。',
      pay: '第四条 买方于合同签订后 5 日内支付全部货款至卖方对公账户。',
    });
    expect(await found(text)).not.toContain('delivery.missing');
  });

  it('finishing the work named only as the condition of a payment says nothing of when', async () => {
    const text = contract({ delivery: '第二条 卖方负责安装。', pay: '第四条 安装完成后买方支付全部货款至卖方对公账户。' });
    expect(await found(text)).toContain('delivery.missing');
  });
});

describe('a lead-in whose numbered items follow in the same part', () => {
  const goods = '第一条 服务内容\n卖方为买方提供设备状态监测服务，具体包括：\n1. 每季度现场巡检 1 次并出具巡检报告；\n2. 远程值守监测平台 12 个月。\n服务费合计 48,000 元（含税）。';
  it('is filled by its items: the subject is named', async () => {
    expect(await found(contract({ goods }))).not.toContain('subject.missing');
  });

  it('followed by blank items, it still names nothing', async () => {
    const blank = '第一条 服务内容\n卖方为买方提供下列事项：\n1. ________；\n2. ________。\n服务费合计 48,000 元（含税）。';
    expect(await found(contract({ goods: blank }))).toContain('subject.missing');
  });
});

describe('declaration lines in bilingual and model-form layouts', () => {
  it('a Chinese label glossed in English reads as the label, and the Chinese name before its English one is the name', () => {
    const text = '供方 The Supplier：苏州恒川电子有限公司 Suzhou Hengchuan Electronics Co., Ltd.\n需方 The Purchaser：合肥蓝途信息技术有限公司\n';
    expect(parties(text)).toEqual(['苏州恒川电子有限公司', '合肥蓝途信息技术有限公司']);
  });

  it('English-only declaration lines name the parties by their legal form', () => {
    const text = 'Vendor: Nordlicht Sensorik GmbH\nPurchaser: Harbour Crest Trading Pte. Ltd.\n';
    expect(parties(text)).toEqual(['Nordlicht Sensorik GmbH', 'Harbour Crest Trading Pte. Ltd.']);
  });

  it('an English label followed by a blank names nobody', () => {
    const text = 'Vendor: Nordlicht Sensorik GmbH\nPurchaser: ______________\n';
    expect(parties(text)).toEqual(['Nordlicht Sensorik GmbH']);
  });

  it('a role in the form\'s own words before the label (设计方（乙方）：) declares that party', () => {
    const text = '委托方（甲方）：芜湖江岸智能装备有限公司\n设计方（乙方）：合肥蓝途信息技术有限公司\n';
    expect(parties(text)).toEqual(['芜湖江岸智能装备有限公司', '合肥蓝途信息技术有限公司']);
  });

  it('a bilingual contract with its fields glossed in English is read whole', async () => {
    const text = contract({
      head: '买方 Buyer：洛阳伊河精密轴承有限公司\n卖方 Seller：合肥蓝途信息技术有限公司',
      goods: '品名 Description：振动监测传感器 LT-VB20\n数量 Quantity：80 只 pcs\n总价 Total Price：RMB 92,000.00',
      delivery: '装运期 Time of Shipment：2027 年 3 月 15 日前 Before 15 March 2027',
    });
    const f = await found(text);
    for (const id of ['parties.missing', 'subject.missing', 'delivery.missing', 'price.missing']) expect(f).not.toContain(id);
  });

  it('one company under two labels (卖方 and its short name 乙方) is one party: a blank buyer is still missing', async () => {
    const text = contract({
      head: '买方：____________________\n卖方：合肥蓝途信息技术有限公司（以下简称“乙方”）',
      sign: '买方（盖章）：某某        卖方（盖章）：合肥蓝途信息技术有限公司',
    });
    expect(await found(text)).toContain('parties.missing');
  });
});

describe('a price list per unit', () => {
  it('prices stated per unit with no price word are the price', async () => {
    const goods = '第一条 卖方向买方出售振动监测传感器 LT-VB20 与采集器 LT-DA8。\nLT-VB20 每只人民币 1,150.00 元；LT-DA8 每套 4,600.00 元。';
    expect(await found(contract({ goods }))).not.toContain('price.missing');
  });

  it('per-unit prices left to each order are no price', async () => {
    const goods = '第一条 卖方向买方出售振动监测传感器 LT-VB20 与采集器 LT-DA8，每只价格以买方订单确认为准。';
    expect(await found(contract({ goods }))).toContain('price.missing');
  });
});

describe('a service contract names its subject, schedule and quality in its own words', () => {
  const service = (body: string) =>
    ['委托方（甲方）：淮南舜耕矿山机电有限公司', '服务方（乙方）：合肥蓝途信息技术有限公司', '', body, '',
      '任何一方违约，应赔偿对方直接损失，以服务费总额为限。', '争议提交淮南仲裁委员会仲裁。', '',
      '委托方（甲方）（盖章）：淮南舜耕矿山机电有限公司', '服务方（乙方）（盖章）：合肥蓝途信息技术有限公司'].join('\n');

  it('维修 of counted equipment by a date, with a pass rate, reads as subject, delivery and quality', async () => {
    const text = service('一、乙方为甲方检修井下变频柜 4 台。\n二、检修期限：2027 年 5 月 6 日至 5 月 20 日。\n三、检修费 28,000 元，甲方于检修结束后 10 日内付清。\n四、检修后设备一次试车通过率应达 100%。');
    const f = await found(text);
    for (const id of ['subject.missing', 'delivery.missing', 'quality.missing']) expect(f).not.toContain(id);
  });

  it('after-sales repair and user training promised by a supply form name no goods', async () => {
    const text = service('一、甲方向乙方采购所需之货品，以订单为准。\n二、质保期内乙方免费维修设备，并免费培训甲方操作人员 10 名。\n三、货款 28,000 元，甲方于收货后 10 日内付清。');
    expect(await found(text)).toContain('subject.missing');
  });

  it('a training contract that gives no dates or place still lacks its delivery', async () => {
    const text = service('一、培训内容：变频器故障诊断。\n二、培训费 9,000 元，甲方于培训结束后 10 日内付清。\n三、学员考核通过率不低于 90%。');
    expect(await found(text)).toContain('delivery.missing');
  });
});

describe('more routes for money to the customer side, and counts in any unit', () => {
  it('a share of the price "为合同总价的 x%" to a company the customer recommends, with no invoice, is a kickback', async () => {
    const text = contract({ extra: '第五条之一 卖方向买方推荐的某商务顾问有限公司支付顾问费，数额为合同总价的 4%，不另开票据。' });
    expect(await found(text)).toContain('kickback');
  });

  it('an allowance signed for by the customer\'s manager himself is a kickback', async () => {
    const text = contract({ extra: '第五条之一 卖方另行发放项目补贴 8,000 元，由买方设备部经理本人领取。' });
    expect(await found(text)).toContain('kickback');
  });

  it('goods signed for by the customer\'s warehouse head, and a tender agent\'s fee, are not', async () => {
    const text = contract({ extra: '第五条之一 货物由买方仓库负责人签收；卖方按中标金额的 1% 向买方指定的招标代理机构支付招标代理服务费。' });
    expect(await found(text)).not.toContain('kickback');
  });

  it('goods counted in 块, 箱 or 卷 after a supply verb name the subject', async () => {
    const goods = '第一条 卖方向买方供应防静电地板 360 块，总价 92,000.00 元（含税）。';
    expect(await found(contract({ goods }))).not.toContain('subject.missing');
  });

  it('a count of papers handed over (发票 2 张) names no goods', async () => {
    const goods = '第一条 买方所需之货品由卖方供应，总价 92,000.00 元（含税）。卖方随货提供增值税发票 2 张。';
    expect(await found(contract({ goods }))).toContain('subject.missing');
  });
});

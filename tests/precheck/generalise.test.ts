import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { findOptionLists } from '../../src/precheck/model/options.js';
import { findTables, keyValueStatements } from '../../src/precheck/model/tables.js';
import { closeLetterSpacing, joinSplitAmounts, looksHardWrapped, tidyContractText } from '../../src/precheck/read/tidy.js';
import { loadStruckOptionMarkers } from '../../src/precheck/rules.js';
import { normalizeAligned } from '../../src/precheck/text.js';

/**
 * Classes of misreading the diagnostic set (tests/fixtures/contracts-diagnostic) exposed, each read
 * in general form and tested here with a positive and a negative case worded unlike that set.
 */
const prechecker = createPrechecker();
const found = async (text: string) => new Set((await prechecker.check(text, { skipModelReview: true })).findings.map((f) => f.rule));

const HEAD = '甲方：洛阳牡丹农业科技有限公司\n乙方：合肥蓝途信息技术有限公司\n';

describe('struck-out options: a note from contract.yaml struckOptionMarkers strikes an option out', () => {
  const markers = loadStruckOptionMarkers();
  it('a bracketed or named note leaves the other option chosen', () => {
    const bracket = normalizeAligned('争议按下列第____种方式解决：\n（一）向____仲裁委员会申请仲裁；（不适用）\n（二）向乙方住所地人民法院起诉。');
    expect(findOptionLists(bracket, markers)[0]!.chosen).toEqual([2]);
    const named = normalizeAligned('爭議依下列第＿＿種方式解決：\n（1）提交武漢仲裁委員會仲裁；\n（2）向甲方所在地法院起訴，本項已刪去。');
    expect(findOptionLists(named, markers)[0]!.chosen).toEqual([1]);
  });
  it('an option that merely talks of deleting something is not struck', () => {
    const text = normalizeAligned('争议按下列第____种方式解决：\n（一）提交郑州仲裁委员会仲裁，仲裁前双方应删除争议数据副本；\n（二）向甲方所在地人民法院起诉。');
    expect(findOptionLists(text, markers)[0]!.chosen).toEqual([]);
  });
});

describe('dispute: a blank choice among blank forums chooses no forum', () => {
  it('number and both forums blank → dispute.missing, not ambiguous', async () => {
    const r = await found(`${HEAD}九、争议解决：双方协商不成的，按以下第＿＿项办理：1. 提交＿＿＿＿＿＿仲裁委员会仲裁；2. 向＿＿＿＿＿＿人民法院起诉。`);
    expect(r).toContain('dispute.missing');
    expect(r).not.toContain('dispute.ambiguous');
  });
  it('number blank but forums named → dispute.ambiguous, not missing', async () => {
    const r = await found(`${HEAD}九、争议解决：双方协商不成的，按以下第＿＿项办理：1. 提交洛阳仲裁委员会仲裁；2. 向甲方所在地人民法院起诉。`);
    expect(r).toContain('dispute.ambiguous');
    expect(r).not.toContain('dispute.missing');
  });
});

describe('dispute: a not-forum word counts only in the phrase naming the court', () => {
  it('过程中 in the lead-in does not unmake the court', async () => {
    expect(await found(`${HEAD}八、履行本合同过程中产生的分歧，经协商未果的，由乙方住所地人民法院管辖。`)).not.toContain('dispute.missing');
  });
  it('a court named only for enforcement is still no forum', async () => {
    expect(await found(`${HEAD}八、双方产生分歧的，友好协商解决，任何一方可向人民法院申请强制执行已达成的和解协议。`)).toContain('dispute.missing');
  });
});

describe('payment.missing: a payment named only as the condition of something else is no payment term', () => {
  it('title retention alone → payment.missing', async () => {
    expect(await found(`${HEAD}五、买方结清全部货款之前，设备的所有权归卖方。`)).toContain('payment.missing');
  });
  it('a wire transfer to the seller is a payment term', async () => {
    expect(await found(`${HEAD}五、买方于发货前将货款电汇给卖方。`)).not.toContain('payment.missing');
  });
});

describe('credit: the delivery event and its 后 in one phrase, however long; a service period is performance', () => {
  it('a long phrase between the event and 后 is still after delivery', async () => {
    expect(await found(`${HEAD}三、设备全部安装完毕并经需方组织的专家组评审通过且供方提交全部竣工资料后二十日内，需方付清余款。`)).toContain('payment.credit-required');
  });
  it('a comma ends the event: a prepayment after signing is no credit', async () => {
    expect(await found(`${HEAD}三、合同签订后五日内需方付清全款，供方收款后安排设备安装。`)).not.toContain('payment.credit-required');
  });
  it('paying after each service month ends is credit', async () => {
    expect(await found(`${HEAD}三、每个服务月度结束后十日内，甲方支付当月维护费 3,000 元。`)).toContain('payment.credit-required');
  });
  it('paying before the service month starts is not', async () => {
    expect(await found(`${HEAD}三、每个服务月度开始前十日内，甲方支付当月维护费 3,000 元。`)).not.toContain('payment.credit-required');
  });
});

describe('unilateral: the object may come before the change verb', () => {
  it('`将…价格调高` is a one-sided price change', async () => {
    expect(await found(`${HEAD}四、乙方可以在每半年末将供货价格调高，调高后通知甲方。`)).toContain('unilateral');
  });
  it('a negated or agreed change is not', async () => {
    expect(await found(`${HEAD}四、乙方不可将供货价格调高；确需调整的，经双方协商一致后签订补充协议。`)).not.toContain('unilateral');
  });
});

describe('auto-renewal: extended by a term, however far from 届满', () => {
  it('`…按原条件自动延长一年` is a renewal', async () => {
    expect(await found(`${HEAD}六、本协议首期为两年，首期结束时，协议第一至三条按原有条件自动延长一年。`)).toContain('auto-renewal');
  });
  it('a deadline that moves (`交货期自动顺延`) is none', async () => {
    expect(await found(`${HEAD}六、遇不可抗力导致停工的，停工期间届满后乙方的交货期自动顺延。`)).not.toContain('auto-renewal');
  });
});

describe('kickback: the money may be named before it is handed to the person', () => {
  it('`该笔款项…发放给对方经理本人` is a kickback', async () => {
    expect(
      await found(`${HEAD}七、乙方按每批货款的 1.5% 计提协作资金。该笔款项不入账，由乙方于每月底发放给甲方仓储部经理本人。`),
    ).toContain('kickback');
  });
  it('a fee to the other company’s account is no kickback', async () => {
    expect(await found(`${HEAD}七、乙方按货款的 1.5% 计提协作资金，该笔款项支付给甲方对公账户，并开具发票。`)).not.toContain('kickback');
  });
});

describe('party labels: any dressing of a label before its colon', () => {
  it('an addressee label and an English gloss name the parties', async () => {
    const addressed = await prechecker.check('订货确认函\n致（买方）：东莞松湖精工有限公司\n供方：合肥蓝途信息技术有限公司\n一、供应检测相机 2 台，总价 30,000 元。\n买方确认（盖章）：');
    expect(addressed.findings.map((f) => f.rule)).not.toContain('parties.missing');
    expect(addressed.customer?.name).toBe('东莞松湖精工有限公司');
    const glossed = await prechecker.check('PURCHASE AGREEMENT\nPurchaser 买方：Lotus Bay Trading Limited 莲湾贸易有限公司\nVendor 卖方：Hefei Lantu Information Technology Co., Ltd. 合肥蓝途信息技术有限公司\n1. 卖方供应网关 10 台，总价 USD 5,000。');
    expect(glossed.findings.map((f) => f.rule)).not.toContain('parties.missing');
    expect(glossed.customer?.name).toBe('莲湾贸易有限公司');
  });
  it('a confirmation line with a sentence after the colon names nobody', async () => {
    const r = await prechecker.check('收货确认\n供方：合肥蓝途信息技术有限公司\n客户确认：已收到全部货物，数量无误。\n一、供应检测相机 2 台，总价 30,000 元。');
    expect(r.findings.map((f) => f.rule)).toContain('parties.missing');
  });
});

describe('tidy text: letter-spaced OCR lines, hard-wrapped files, amounts split after a thousands comma', () => {
  it('closes up a letter-spaced line but keeps column gaps and spaced figures', () => {
    expect(closeLetterSpacing('买 方 应 于 收 货 后 付 清 货 款 ， 账 号 6217 0031 2200')).toBe('买方应于收货后付清货款，账号6217 0031 2200');
    expect(closeLetterSpacing('甲 方：福 州 闽 江 食 品 有 限 公 司    乙 方：合 肥 蓝 途')).toBe('甲方：福州闽江食品有限公司    乙方：合肥蓝途');
  });
  it('leaves ordinary lines with a few spaces alone', () => {
    const line = '第二条 单价 12,500 元，数量 8 台，合计 100,000 元。';
    expect(closeLetterSpacing(line)).toBe(line);
  });
  it('rejoins a file wrapped at a fixed width', () => {
    const wrapped = [
      '第一条 乙方向甲方供应冷柜温度探头二百只，每只单价',
      '八十元，合计一万六千元，含税含运费，送至甲方位于',
      '厦门市湖里区的仓库，交货日期为二〇二七年五月十日',
      '之前。',
      '第二条 甲方应在收到全部货物并验收合格后十五日内',
      '一次性付清货款，乙方应在付款前开具增值税专用发票',
      '，发票金额与货款一致。',
      '第三条 争议由甲方所在地人民法院管辖。',
    ];
    expect(looksHardWrapped(wrapped)).toBe(true);
    const joined = tidyContractText(wrapped.join('\n')).split('\n');
    expect(joined[0]).toBe('第一条 乙方向甲方供应冷柜温度探头二百只，每只单价八十元，合计一万六千元，含税含运费，送至甲方位于厦门市湖里区的仓库，交货日期为二〇二七年五月十日之前。');
    expect(joined).toHaveLength(3);
  });
  it('leaves a contract typed one paragraph per line as it is', () => {
    const typed = [
      '购销合同',
      '甲方：福州闽江食品有限公司',
      '乙方：合肥蓝途信息技术有限公司',
      '第一条 乙方供应冷柜温度探头 200 只，单价 80 元，合计 16,000 元。',
      '第二条 交货：2027 年 5 月 10 日前送至甲方仓库。',
      '第三条 付款：款到发货。',
      '第四条 违约责任：逾期一日按合同总价 0.05% 支付违约金。',
      '第五条 争议由甲方所在地人民法院管辖。',
      '甲方（盖章）：                  乙方（盖章）：',
    ];
    expect(looksHardWrapped(typed)).toBe(false);
    expect(tidyContractText(typed.join('\n'))).toBe(typed.join('\n'));
  });
  it('rejoins an amount split after its thousands comma, not a list of figures', () => {
    expect(joinSplitAmounts(['合同总价 ¥2,350,', '000.00 元。'])).toEqual(['合同总价 ¥2,350,000.00 元。']);
    expect(joinSplitAmounts(['数量：12, 15,', '20 台分三批。'])).toEqual(['数量：12, 15,', '20 台分三批。']);
  });
});

describe('price tables: any kind of price in the header, the currency in a caption line', () => {
  it('reads 出厂价 columns and the caption unit', () => {
    const table = findTables(normalizeAligned('附表：供货价目（币种：美元）\n| 品名 | 型号 | 出厂价 |\n| 温度探头 | TP-1 | 12.50 |\n| 网关 | GW-2 | 260.00 |'))[0]!;
    expect(table.statements.map((s) => s.text)).toContain('温度探头 出厂价 美元 12.50');
  });
  it('a column of years or model numbers is no price', () => {
    const tables = findTables(normalizeAligned('| 品名 | 型号 | 年份 |\n| 温度探头 | TP-1 | 2027 |'));
    expect(tables).toHaveLength(0);
  });
});

describe('two-column field tables read as `label：value`', () => {
  it('a form with every clause in a table names its subject', async () => {
    const r = await found('| 买方 | 太原汾河物流有限公司 |\n| 卖方 | 合肥蓝途信息技术有限公司 |\n| 货物名称 | 冷藏车温度记录仪 |\n| 合同总价 | 人民币 9,600 元 |\n| 交货 | 2027 年 6 月 1 日前送至买方仓库 |');
    expect(r).not.toContain('subject.missing');
  });
  it('a table with long sentences in its first column is no field table', () => {
    expect(keyValueStatements(normalizeAligned('| 乙方应当在每月五日之前向甲方提交上月的对账单据 | 是 |\n| 甲方应当在收到对账单据后三日内确认 | 是 |\n| 双方确认后开具发票 | 否 |'))).toHaveLength(0);
  });
});

describe('line items: digits glued to letters are a model code', () => {
  it('`LT-TH30，500 只` is 500 pieces', async () => {
    expect(await found(`${HEAD}一、乙方供应传感器 LT-TH30，500 只，单价 10 元，总价 5,000 元。`)).not.toContain('amount.mismatch');
  });
  it('a grouped figure is still one count: 1,200 只 × 10 ≠ 5,000', async () => {
    expect(await found(`${HEAD}一、乙方供应传感器 1,200 只，单价 10 元，总价 5,000 元。`)).toContain('amount.mismatch');
  });
});

describe('probes of the second round: each class with a positive and a negative', () => {
  const UNITS = '使用单位（甲方）：大连星海港口物流有限公司\n供应单位（乙方）：合肥蓝途信息技术有限公司\n';
  it('单位 labels (使用单位 / 供应单位, 甲方单位名称) name the parties; blank ones do not', async () => {
    expect(await found(`${UNITS}一、乙方供应网关 2 台，总价 6,000 元。`)).not.toContain('parties.missing');
    expect(await found('甲方单位名称：大连星海港口物流有限公司\n乙方单位名称：合肥蓝途信息技术有限公司\n一、网关 2 台，总价 6,000 元。')).not.toContain('parties.missing');
    expect(await found('使用单位（甲方）：＿＿＿＿＿＿\n供应单位（乙方）：合肥蓝途信息技术有限公司\n一、网关 2 台，总价 6,000 元。')).toContain('parties.missing');
  });
  it('paying after the accounts are reconciled is credit; reconciling a prepayment is not', async () => {
    expect(await found(`${HEAD}二、双方每月核对账单，核对无误后二十日内甲方付款。`)).toContain('payment.credit-required');
    expect(await found(`${HEAD}二、甲方于下单时付清全款，双方每月核对账单。`)).not.toContain('payment.credit-required');
  });
  it('renewal by silence with any verb of continuing, in one sentence', async () => {
    expect(await found(`${HEAD}五、服务期到期时甲乙双方均没有书面表示终止的，本合同按原条款继续执行一年。`)).toContain('auto-renewal');
    expect(await found(`${HEAD}五、服务期到期时双方未续签的，本合同终止，已发生的付款义务继续履行。`)).not.toContain('auto-renewal');
  });
  it('a fee named before it is paid to the other side’s person; the same fee to the company is none', async () => {
    expect(await found(`${HEAD}六、乙方以 2% 的货款作为推介费，另行支付给甲方仓储部主任。`)).toContain('kickback');
    expect(await found(`${HEAD}六、乙方以 2% 的货款作为推介费，支付给甲方，甲方开具发票并入账。`)).not.toContain('kickback');
  });
  it('the whole liability for the losses, named after them; a capped liability is not', async () => {
    expect(await found(`${HEAD}七、产品缺陷给甲方造成的损害，由乙方负全部责任。`)).toContain('liability.unlimited');
    expect(await found(`${HEAD}七、产品缺陷给甲方造成的损害，由乙方负全部责任，但累计不超过合同总价。`)).not.toContain('liability.unlimited');
  });
  it('a vague time for sending the goods; a dated one is fine', async () => {
    expect(await found(`${HEAD}三、乙方接到通知后从速配送。`)).toContain('vague-term');
    expect(await found(`${HEAD}三、乙方接到通知后三日内配送至甲方仓库。`)).not.toContain('vague-term');
  });
});

describe('kickback: the person must be who receives the money', () => {
  it('given to the person, or to a pronoun for them', async () => {
    expect(await found(`${HEAD}六、为答谢甲方仓储部主管的协助，乙方每季度向其发放价值 2,000 元的加油卡，该费用另行列支。`)).toContain('kickback');
  });
  it('a person who only signs for the goods receives nothing; a commission borne for one’s own staff is none', async () => {
    expect(await found(`${HEAD}六、运费由乙方承担，货物经甲方仓储部主管签收后，甲方按总价的 100% 付款至乙方对公账户。`)).not.toContain('kickback');
    expect(await found(`${HEAD}六、乙方业务人员的佣金及差旅费由乙方自行承担。`)).not.toContain('kickback');
  });
});

describe('party labels, third round: more labels, glosses after the label, remarks after the name', () => {
  const BODY = '\n一、供应网关 2 台，总价 6,000 元。';
  it('订货单位 / 发包人 / `买方 Buyer：` / a person with a bracketed remark are parties', async () => {
    for (const head of [
      '订货单位：银川塞上冷链有限公司\n销货单位：合肥蓝途信息技术有限公司',
      '发包人：银川塞上冷链有限公司\n承包人：合肥蓝途信息技术有限公司',
      '买方 Purchaser：银川塞上冷链有限公司\n卖方 Vendor：合肥蓝途信息技术有限公司',
      '甲方：银川塞上冷链有限公司\n乙方：马文华（个人独资，身份证号 640104199002023456）',
    ]) expect(await found(head + BODY), head).not.toContain('parties.missing');
  });
  it('the same labels with a seal placeholder or nothing are blanks', async () => {
    expect(await found(`订货单位：（公章）\n销货单位：合肥蓝途信息技术有限公司${BODY}`)).toContain('parties.missing');
    expect(await found(`发包人：\n承包人：合肥蓝途信息技术有限公司${BODY}`)).toContain('parties.missing');
  });
});

describe('credit: an invoice event with words between the verb and 发票', () => {
  it('paying after receiving the seller’s VAT invoice is credit', async () => {
    expect(await found(`${HEAD}三、甲方收到乙方开具的全额增值税专用发票后四十五日内付款。`)).toContain('payment.credit-required');
  });
  it('issuing the invoice after a prepayment is not', async () => {
    expect(await found(`${HEAD}三、甲方于签约当日付清全款，乙方收款后开具增值税专用发票。`)).not.toContain('payment.credit-required');
  });
});

import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';
import { loadRules } from '../../src/precheck/rules.js';

/**
 * One positive and one negative case (at least) for every rule, in Simplified and Traditional
 * script and with wording that differs from the sample contracts.
 */

const prechecker = createPrechecker();

async function rulesFound(text: string): Promise<Set<string>> {
  const r = await prechecker.check(text);
  return new Set(r.findings.map((f) => f.rule));
}

interface Case {
  text: string;
  note?: string;
}

const CASES: Record<string, { positive: Case[]; negative: Case[] }> = {
  'parties.missing': {
    positive: [
      { text: '购销合同\n甲方：\n乙方：\n一、乙方供应打印机 5 台，总价 10,000 元。', note: 'blank placeholders' },
      { text: '買賣合同\n買方：________\n賣方：合肥藍途信息技術有限公司\n一、貨款 5,000 元。', note: 'one side only' },
    ],
    negative: [
      { text: '甲方：杭州西湖文旅发展有限公司\n乙方：合肥蓝途信息技术有限公司\n一、供应打印机 5 台。' },
      { text: '本合同由買方台南安平漁業股份有限公司與賣方合肥藍途信息技術有限公司簽訂。', note: 'inline names' },
      { text: '委托人：重庆山城软件园管理有限公司\n受托人：合肥蓝途信息技术有限公司', note: '委托人 / 受托人' },
    ],
  },
  'subject.missing': {
    positive: [
      { text: '甲方：A市甲公司有限公司\n乙方：B市乙公司有限公司\n一、合同总价 10,000 元。\n二、付款：签约后付清。' },
      { text: '甲方：台北甲有限公司\n乙方：台中乙有限公司\n一、總價 8,000 元，簽約後付清。' },
      {
        text: '甲方：桃園大成餐飲股份有限公司\n乙方：新竹豐收食品有限公司\n一、乙方供應甲方各分店需用之物料，品名、規格及數量均依甲方每次訂貨單為準。\n二、甲方收貨後付款。',
        note: 'generic goods, the items left to each order',
      },
      { text: '甲方：A市甲公司有限公司\n乙方：B市乙公司有限公司\n一、乙方向甲方供应其生产所需的物料，品种、规格、数量均按甲方每月采购单确定。', note: 'items by monthly purchase order' },
    ],
    negative: [
      { text: '一、標的：工業網關（型號 GW-3），數量 10 台。' },
      { text: '乙方为甲方开发会员管理小程序，服务内容详见附件。' },
      { text: '一、乙方向甲方供应食用油，具体规格、数量以甲方订单为准。', note: 'goods named; only quantities left to orders' },
      { text: '一、冷凍蝦仁 500 箱，每箱 1,200 元。', note: 'a line item with its unit price' },
      { text: '（一）产品明细\n1. 304 不锈钢管：数量 12 吨；单价 28,500 元/吨。', note: 'item split over sentences' },
    ],
  },
  'price.missing': {
    positive: [
      { text: '一、乙方供应服务器 3 台，价格以双方届时确认的报价单为准。' },
      { text: '一、乙方供應網絡交換機 20 台，價格另行約定。\n二、逾期付款的，違約金為 1,000 元。', note: 'a penalty amount is not a price' },
    ],
    negative: [
      { text: '合同金额：人民币 86,000 元。' },
      { text: '總價款為 RMB 120000，含稅。' },
      { text: '价款合计贰万叁仟元整。' },
      { text: '总价：204,000.00（含税）' , note: 'bare figure' },
    ],
  },
  'payment.missing': {
    positive: [
      { text: '一、乙方供应路由器 5 台，总价 5,000 元。\n二、逾期交货的，乙方支付违约金 500 元。', note: 'only a penalty payment' },
      { text: '一、乙方供應平板電腦 10 台，總價 30,000 元。' },
    ],
    negative: [
      { text: '甲方应在收到发票后 10 日内结清全部款项。' },
      { text: '買方於合同簽訂後 3 日內將貨款匯入賣方對公賬戶。' },
    ],
  },
  'delivery.missing': {
    positive: [
      { text: '一、乙方供应扫码枪 50 把，总价 15,000 元。\n二、逾期交货的，每日支付违约金 100 元。' },
      { text: '一、賣方供應標籤打印機 8 台，總價 16,000 元。' },
    ],
    negative: [
      { text: '乙方应于 2027 年 5 月 1 日前将货物运至甲方上海仓库。' },
      { text: '賣方須在收到預付款後 15 日內發貨。' },
    ],
  },
  'quality.missing': {
    positive: [{ text: '一、乙方供应显示器 10 台，总价 12,000 元，2027 年 1 月 1 日前交货。' }],
    negative: [
      { text: '產品應符合國家標準，質保期兩年。' },
      { text: '甲方收货后 3 日内完成验收。' },
    ],
  },
  'liability.missing': {
    positive: [{ text: '一、乙方供应键盘 100 个，总价 8,000 元。\n二、争议提交合肥仲裁委员会仲裁。' }],
    negative: [
      { text: '任何一方违约，应向对方支付合同总价 10% 的违约金。' },
      { text: '賣方延遲交貨造成買方損失的，應予賠償。' },
    ],
  },
  'dispute.missing': {
    positive: [{ text: '一、乙方供应鼠标 100 个，总价 3,000 元。\n二、违约方支付违约金 300 元。' }],
    negative: [
      { text: '因履行本合同發生的糾紛，由賣方所在地人民法院管轄。' },
      { text: '双方争议提交深圳国际仲裁院仲裁。' },
    ],
  },
  'signature.missing': {
    positive: [{ text: '甲方：杭州甲有限公司\n乙方：合肥乙有限公司\n一、总价 1,000 元。\n二、本合同自双方签字之日起生效。\n三、争议由法院管辖。\n四、其他。\n五、附则。' }],
    negative: [
      { text: '一、总价 1,000 元。\n\n甲方（签章）：杭州甲有限公司\n乙方（签章）：合肥乙有限公司' },
      { text: '一、總價 1,000 元。\n二、其他事項。\n三、附則。\n\n甲方：              乙方：\n日期：' },
    ],
  },
  'amount.mismatch': {
    positive: [
      { text: '合同总价为人民币 1,200,500 元（大写：壹佰贰拾万零伍仟元整）。', note: 'words vs figures' },
      { text: '合同總價：人民幣（大寫）叁拾萬元整（¥310,000.00）。', note: 'words first, Traditional' },
      { text: '一、乙方供应读卡器 25 台，单价 480 元，合计 12,500 元。', note: 'quantity × unit price' },
      { text: '付款：预付款 50,000 元；到货款 40,000 元；尾款 20,000 元。\n合同总价 100,000 元。', note: 'instalment amounts' },
      { text: '第三條 付款\n1. 首期款：簽約後支付 40%；\n2. 第二期款：到貨後支付 40%；\n3. 尾款：驗收後支付 10%。', note: 'instalment percentages' },
      { text: '一、设备清单\n| 名称 | 数量 | 单价（元） | 金额（元） |\n|---|---|---|---|\n| 工业平板 | 20 台 | 4,500 | 95,000 |\n| 扫码枪 | 50 把 | 300 | 15,000 |', note: 'table row, | layout' },
      { text: '品名\t數量\t單價\t小計\n伺服馬達\t12\t8,800.00\t105,000.00\n驅動器\t12\t3,000.00\t36,000.00', note: 'table row, tabs, Traditional' },
      { text: '序号  货物        数量    单价（元）   金额（万元）\n1     光伏支架    10 吨   25,000       26\n2     螺栓        2 吨    9,000        1.8', note: 'table amounts in 万元' },
      { text: '二、供货明细\n1. 防爆灯具 60 套，单价 1,250 元，小计 80,000 元；\n2. 防爆开关 40 个，单价 500 元，小计 20,000 元。', note: 'item written out, total not stated' },
      { text: '二、供貨明細\n1. 冷凍蝦仁 500 箱，每箱新臺幣 1,200 元，共計新臺幣 540,000 元；', note: 'price per unit (每箱), NT$' },
      { text: '二、供货明细\n防爆灯具：数量 60 套；单价 1,250 元；金额 80,000 元。', note: 'one item across sentences' },
      {
        text: '合同总价 USD 500,000。\n付款安排：\n第一笔（首付款）：签约后 10 日内支付 USD 100,000；\n第二笔：装船前支付 USD 300,000，作为进度款；\n第三笔：到港后支付 USD 50,000。',
        note: 'USD instalments; a label restated inside an instalment',
      },
      { text: '合約總價港幣 120 萬元。\n付款：\n首期：簽約時支付 40%；\n第二期：交貨時支付 40%；\n尾款：驗收時支付港幣 300,000 元。', note: 'percentages and an HK$ amount' },
      { text: '合同总价 USD 125,000（大写：壹拾贰万叁仟美元整）。', note: 'words in 美元' },
      { text: '合約總價新臺幣 1,400,000 元（大寫：新臺幣壹佰參拾萬元整）。', note: '參 as a capital numeral' },
      { text: '合約總價 HK$ 500,000（大寫：港幣肆拾伍萬元整）。', note: 'HK$ figure, 港幣 words' },
    ],
    negative: [
      { text: '合同总价为人民币 1,200,500 元（大写：壹佰贰拾万零伍佰元整）。' },
      { text: '合同總價：人民幣 123,456.78 元（大寫：人民幣壹拾貳萬叁仟肆佰伍拾陸元柒角捌分）。', note: 'jiao and fen' },
      { text: '一、乙方供应读卡器 25 台，单价 480 元，合计 12,000 元。' },
      { text: '付款：预付款 30%，到货款 60%，尾款 10%。' },
      { text: '付款：首期款 30% 于签约后支付；剩余款项于验收后支付。', note: 'not all instalments stated' },
      { text: '一、单价 680 元（不含税），数量 100 台，含税总价 76,840 元。', note: 'net unit price vs gross total' },
      { text: '第一条 乙方供应网关 1,200 台，单价 500 元，总价 600,000 元，分 3 批交货。', note: 'thousands separator; 分 3 批 is no quantity' },
      { text: '一、设备清单\n| 名称 | 数量 | 单价（元） | 金额（元） |\n|---|---|---|---|\n| 工业平板 | 20 台 | 4,500 | 90,000 |\n| 扫码枪 | 50 把 | 300 | 15,000 |\n| 合计 | | | 105,000 |', note: 'table adds up' },
      { text: '序号  货物        数量    单价（元）   金额（万元）\n1     光伏支架    10 吨   25,000       25\n2     螺栓        2 吨    9,000        1.8', note: 'amounts in 万元 add up' },
      { text: '名称        数量    单价（不含税）   金额（含税）\n服务器      4 台    50,000           226,000', note: 'net unit price vs gross amount column' },
      { text: '名称        数量    单价      折扣    金额\n服务器      4 台    50,000    9 折    180,000', note: 'discount column' },
      { text: '| 料号 | 数量 | 单价 | 金额 |\n| R-01 | 30,000 只 | 0.033 | 1,000.00 |', note: 'unit price rounded to 3 decimals' },
      { text: '二、原料\n碳酸钙 2 吨，每公斤 5 元，金额 10,000 元。', note: 'price per 公斤, quantity in 吨' },
      { text: '品名  数量（千克）  单价（元/吨）  金额（元）\n钢丝  2,000  3,920  7,840', note: 'table: count in 千克, price per 吨' },
      { text: '三、维护费\n每台每年维护费 2,000 元，共 50 台，服务期 3 年，合计 300,000 元。', note: 'price per unit and year' },
      {
        text: '（一）货物\n1. 甲醇 100 吨，单价 2,500 元/吨，金额 250,000 元；\n2. 乙醇 50 吨，单价 6,000 元/吨，金额 300,000 元。\n合同金额合计：人民币 550,000 元。\n（二）交货\n1. 交货地点：甲方仓库。',
        note: '1. 2. items under （一）, not sections of their own',
      },
      {
        text: '合同总价 USD 500,000。\n付款安排：\n第一笔（首付款）：签约后 10 日内支付 USD 100,000；\n第二笔：装船前支付 USD 350,000，作为进度款；\n第三笔：到港后支付 USD 50,000。',
        note: 'USD instalments add up',
      },
      { text: '合約總價港幣 120 萬元。\n付款：\n首期：簽約時支付 40%；\n第二期：交貨時支付 40%；\n尾款：驗收時支付港幣 240,000 元。', note: 'percentages and HK$ add up' },
      { text: '付款：\n第一期：签约后支付 30%；\n第二期：到货后支付剩余款项的 50%；\n第三期：验收后支付剩余款项的 50%。', note: 'shares of the remainder' },
      { text: '合約總價新臺幣 1,300,000 元（大寫：新臺幣壹佰參拾萬元整）。', note: '參 read as 叁' },
    ],
  },
  'deposit.over-cap': {
    positive: [
      { text: '合同总价 500,000 元。\n甲方于签约后支付定金 120,000 元。' },
      { text: '定金為合同總價的 30%，於簽約當日支付。' },
      { text: '甲方支付 150,000 元作为定金。合同总价人民币 600,000 元。', note: 'amount before the word, total later' },
      { text: '本合同总金额人民币 4,000,000 元。\n甲方应于签约当日交付定金 1,000,000 元，乙方收到后安排排产。', note: 'millions: digit-group commas are no phrase breaks' },
      { text: '合約總價港幣 HK$2,400,000。\n買方應於簽約時給付定金港幣 600,000 元。', note: 'HK$' },
    ],
    negative: [
      { text: '合同总价 500,000 元。\n甲方于签约后支付定金 100,000 元。', note: 'exactly 20%' },
      { text: '本合同总金额人民币 8,000,000 元。\n甲方应于签约当日交付定金 1,000,000 元，乙方收到后安排排产。', note: '12.5% of millions' },
      { text: '合同总价 800 万元。\n买方于签约后五日内给付定金 150 万元。', note: '万 units, under 20%' },
      { text: '合同總價 500,000 元。\n買方於簽約後支付訂金 200,000 元。', note: '订金 is not 定金' },
      { text: '合同总价 500,000 元。\n甲方于签约后支付预付款 300,000 元。', note: '预付款 is not 定金' },
      { text: '合同总价 500,000 元。\n双方约定金额为 300,000 元的部分先行结算。', note: '约定金额' },
      { text: '合同总价 500,000 元。\n甲方支付预付款 200,000 元，该款项不作为定金。' },
      { text: '合同总价 500,000 元。\n甲方支付定金 50,000 元后，乙方逾期交货超过 30 日的，应按合同总价 30% 支付违约金。', note: 'penalty percentage nearby' },
    ],
  },
  'dispute.ambiguous': {
    positive: [
      { text: '争议解决：双方可向广州仲裁委员会申请仲裁，也可以向合同签订地人民法院提起诉讼。' },
      { text: '爭議解決：協商不成的，提交當地仲裁機構仲裁。' },
      { text: '争议由甲方所在地仲裁委员会仲裁。' },
    ],
    negative: [
      { text: '争议提交中国国际经济贸易仲裁委员会，按其仲裁规则仲裁。仲裁裁决是终局的。' },
      { text: '爭議提交廈門仲裁委員會仲裁；一方不履行裁決的，另一方可向有管轄權的人民法院申請執行。' },
      { text: '因本合同引起的争议，由乙方所在地人民法院管辖。' },
      { text: '争议提交杭州仲裁委员会仲裁，仲裁费、律师费及诉讼费由败诉方承担。', note: '诉讼费 is a cost, not a forum' },
    ],
  },
  kickback: {
    positive: [
      { text: '乙方给予甲方项目负责人 5% 回扣。' },
      { text: '賣方按年度採購額的 2% 向買方經辦人支付返利，以現金結算。' },
      { text: '乙方另行支付推荐费 3 万元给甲方采购员个人。' },
      { text: '乙方按每台 200 元向甲方技术总监支付佣金，不开发票。' },
    ],
    negative: [
      { text: '双方均不得向对方工作人员支付回扣、佣金或其他好处。' },
      { text: '嚴禁任何一方收受或給予好處費。' },
      { text: '年度返利按采购额 1% 计算，以冲抵货款方式结算并开具发票。' },
      { text: '乙方按成交额 3% 向代理商深圳某某科技有限公司支付佣金，凭增值税发票结算。' },
    ],
  },
  'personal-account': {
    positive: [
      { text: '甲方应将货款汇入乙方销售经理张伟的个人银行账户。' },
      { text: '款項請轉入以下賬戶：戶名：李美玲，賬號 6222 0000 1111。' },
      { text: '尾款可通过支付宝转账支付。' },
    ],
    negative: [
      { text: '甲方不得将任何款项支付至乙方员工个人账户，否则不视为付款。' },
      { text: '貨款匯入賣方對公賬戶（戶名：合肥藍途信息技術有限公司）。' },
    ],
  },
  'liability.unlimited': {
    positive: [
      { text: '因乙方原因造成的一切损失，均由乙方承担。' },
      { text: '賣方應賠償買方全部損失，包括間接損失及可得利益損失。' },
    ],
    negative: [
      { text: '违约方应赔偿守约方全部直接损失，但赔偿总额以合同总价为限。' },
      { text: '任何一方均不承擔間接損失。' },
      { text: '乙方逾期交货的，每日支付合同总价 0.1% 的违约金。' },
    ],
  },
  unilateral: {
    positive: [
      { text: '甲方有权单方面变更交货地点和数量。' },
      { text: '賣方可隨時修改本合同條款，毋須徵得買方同意。' },
    ],
    negative: [
      { text: '任何一方不得擅自变更或解除本合同。' },
      { text: '合同的變更須經雙方協商一致並書面確認。' },
      { text: '甲方逾期付款超过 60 日的，乙方有权单方解除合同。' },
    ],
  },
  'auto-renewal': {
    positive: [
      { text: '本合同期限两年，到期后自动续签，续签次数不限。' },
      { text: '服務期屆滿，雙方未簽訂新合同的，視為續約一年。' },
      { text: '本協議屆滿時自動展延一年。', note: '展延' },
      { text: '服務期滿，如雙方均未提出異議，本合約順延一年。', note: 'renewal by silence, 順延' },
    ],
    negative: [
      { text: '本合同有效期一年，期满自动续期一年；任何一方可在到期前 30 天书面通知对方终止续期。' },
      { text: '本合同有效期一年，期滿後雙方另行簽訂新合同。' },
      { text: '本协议期满前 60 日内任何一方未书面通知终止的，自动续展一年。', note: 'notice period' },
      { text: '如遇法定节假日，交货期自动顺延。', note: 'a deadline moves, no renewal' },
    ],
  },
  'vague-term': {
    positive: [
      { text: '乙方应尽快交货。' },
      { text: '價格視情況由雙方屆時協商確定。' },
      { text: '甲方在收到货物后合理时间内支付货款。' },
      { text: '交货期为签约后 30 天左右。' },
    ],
    negative: [
      { text: '本合同未尽事宜，双方另行协商。' },
      { text: '如有未盡事宜，由雙方另行協商簽訂補充協議。' },
      { text: '乙方应尽快发货，最迟不晚于 2027 年 1 月 10 日。' },
      { text: '双方应尽快协商解决合作中出现的问题。', note: 'not a price/payment/delivery term' },
    ],
  },
  'payment.credit-required': {
    positive: [
      { text: '甲方于货物验收合格之日起 60 日内付清全部货款。' },
      { text: '貨款按月結 30 天方式結算。' },
      { text: '买方收到发票后 15 个工作日内支付尾款。' },
      { text: '貨物經買方簽收後 45 日內，買方以電匯付清貨款。', note: '簽收' },
      { text: '乙方出货后 60 天内，甲方支付全部货款。', note: '出货' },
      { text: '乙方開立統一發票後 30 日內，甲方以匯款方式付清貨款。', note: '開立發票' },
      { text: '本合約貨款帳期為 45 天。', note: '帳期 (Traditional 帳)' },
    ],
    negative: [
      { text: '甲方于合同签订后 3 日内支付全部货款，乙方收到货款后发货。' },
      { text: '款到發貨。' },
      { text: '甲方于乙方出货前付清全部货款。', note: 'paid before shipment' },
      { text: '買方應於裝船前以電匯付清貨款。', note: 'paid before loading' },
      { text: '乙方逾期交货的，应于交货后 5 日内支付违约金。', note: 'a penalty, not a payment term' },
    ],
  },
};

describe('precheck rules: one positive and one negative per rule', () => {
  it('covers every required rule id, and the YAML defines them all', () => {
    const required = [
      'parties.missing', 'subject.missing', 'price.missing', 'payment.missing', 'delivery.missing', 'quality.missing',
      'liability.missing', 'dispute.missing', 'signature.missing', 'amount.mismatch', 'deposit.over-cap',
      'dispute.ambiguous', 'kickback', 'personal-account', 'liability.unlimited', 'unilateral', 'auto-renewal',
      'vague-term', 'payment.credit-required',
    ];
    expect(Object.keys(CASES).sort()).toEqual([...required].sort());
    expect(loadRules().map((r) => r.id).sort()).toEqual([...required].sort());
  });

  for (const [rule, { positive, negative }] of Object.entries(CASES)) {
    describe(rule, () => {
      positive.forEach((c, i) => {
        it(`finds #${i + 1}${c.note ? ` (${c.note})` : ''}`, async () => {
          expect(await rulesFound(c.text), c.text).toContain(rule);
        });
      });
      negative.forEach((c, i) => {
        it(`does not find #${i + 1}${c.note ? ` (${c.note})` : ''}`, async () => {
          expect(await rulesFound(c.text), c.text).not.toContain(rule);
        });
      });
    });
  }
});

describe('precheck rules: severities and verdicts', () => {
  it('uses the agreed severities', () => {
    const sev = Object.fromEntries(loadRules().map((r) => [r.id, r.severity]));
    for (const id of ['kickback', 'personal-account', 'amount.mismatch', 'deposit.over-cap']) expect(sev[id]).toBe('high');
    expect(['high', 'medium']).toContain(sev['dispute.ambiguous']);
    expect(['medium', 'low']).toContain(sev['payment.credit-required']);
  });

  it('pays after delivery → review, never block, when nothing else is wrong', async () => {
    const text = [
      '甲方（买方）：苏州工业园区测试贸易有限公司',
      '乙方（卖方）：合肥蓝途信息技术有限公司',
      '第一条 乙方向甲方供应条码打印机（型号 LT-P1）10 台，单价 2,000 元，总价人民币 20,000 元（大写：贰万元整）。',
      '第二条 乙方于 2027 年 2 月 1 日前送货至甲方仓库，甲方到货后 3 日内按规格书验收。',
      '第三条 甲方于验收合格后 30 日内付清货款。',
      '第四条 违约方按合同总价 5% 支付违约金。',
      '第五条 争议由乙方所在地人民法院管辖。',
      '甲方（盖章）：            乙方（盖章）：',
    ].join('\n');
    const r = await prechecker.check(text);
    expect(r.findings.map((f) => f.rule)).toEqual(['payment.credit-required']);
    expect(r.verdict).toBe('review');
  });
});

import { describe, expect, it } from 'vitest';
import { decodeMoneyWords, findAmounts, findPercents } from '../../src/precheck/amounts.js';
import { extractCustomer, extractParties } from '../../src/precheck/parties.js';
import { normalizeAligned, prepare } from '../../src/precheck/text.js';

describe('precheck amounts (nzh with 元/角/分/整/萬/人民币 normalised first)', () => {
  it.each([
    ['人民币贰拾万肆仟元整', 204000],
    ['贰拾伍万元整', 250000],
    ['壹佰贰拾万零伍佰元', 1200500],
    ['壹拾贰万叁仟肆佰伍拾陆元柒角捌分', 123456.78],
    ['贰万元零伍角', 20000.5],
    ['拾万元整', 100000],
    ['二十万元', 200000],
  ])('%s = %d', (words, value) => {
    expect(decodeMoneyWords(words)).toBe(value);
  });

  it('reads Traditional 大写 after normalisation', () => {
    const norm = normalizeAligned('貳拾伍萬元整');
    expect(decodeMoneyWords(norm)).toBe(250000);
  });

  it('finds figures with a currency marker only, and words amounts', () => {
    const text = '共 300 套，单价 680.00 元，合同总价人民币 204,000.00 元（大写：人民币贰拾万肆仟元整），¥1,500，80 万元。';
    const found = findAmounts(text).map((a) => [a.value, a.inWords]);
    expect(found).toEqual([
      [680, false],
      [204000, false],
      [204000, true],
      [1500, false],
      [800000, false],
    ]);
  });

  it('reads other currencies before or after the figure, and 參 as a capital three', () => {
    const text = 'USD 12,000；86 万港元；3,000 美元；NT$ 5,000；HK$1,200.50；壹万贰仟美元整';
    expect(findAmounts(text).map((a) => [a.value, a.inWords])).toEqual([
      [12000, false],
      [860000, false],
      [3000, false],
      [5000, false],
      [1200.5, false],
      [12000, true],
    ]);
    expect(decodeMoneyWords(normalizeAligned('港幣壹佰貳拾參萬肆仟伍佰元整'))).toBe(1234500);
  });

  it('finds percentages in figures and words', () => {
    expect(findPercents('定金为 30%，尾款百分之二十五点五').map((p) => p.value)).toEqual([30, 25.5]);
  });
});

describe('precheck text preparation', () => {
  it('keeps offsets aligned with the original (Traditional, full-width digits)', () => {
    const original = '第一條　價款：人民幣２０４，０００元（大寫：貳拾萬肆仟元整）。\n第二條 爭議';
    const norm = normalizeAligned(original);
    expect(norm.length).toBe(original.length);
    expect(norm).toContain('价款:人民币204,000元');
  });

  it('segments clauses at headings and keeps a bare heading with its body', () => {
    const t = prepare('合同\n\n第一条 标的\n乙方供应终端 10 台。\n\n第二条 付款\n\n验收后付款。\n三、争议：提交仲裁。');
    const headings = t.clauses.map((c) => c.heading);
    expect(headings).toEqual(['', '第一条 标的', '第二条 付款', '三、争议']);
    const pay = t.sentences.find((s) => s.text.startsWith('验收后付款'))!;
    expect(t.clauses[pay.clause]!.heading).toBe('第二条 付款');
  });

  it('takes the least indented heading style as the top level: （一） above indented 1.', () => {
    const t = prepare('买卖合同\n（一）产品\n  1. 甲醇 100 吨，用于涂料生产。\n  2. 乙醇 50 吨，用于清洗工序。\n（二）付款\n  1. 预付 30%，签约后支付。\n  2. 尾款 70%，发货前付清。');
    const firstLines = t.sections.map((s) => t.norm.slice(s.start, s.end).trim().split('\n')[0]);
    expect(firstLines).toEqual(['买卖合同', '(一)产品', '(二)付款']);
  });

  it('opens sections at Traditional capital numerals (壹、貳、參、)', () => {
    const t = prepare('買賣合約\n壹、標的：貨品 10 台。\n貳、付款\n1. 預付三成。\n2. 尾款七成。\n參、交貨：月底前交貨。');
    const firstLines = t.sections.map((s) => t.norm.slice(s.start, s.end).trim().split('\n')[0]);
    expect(firstLines).toEqual(['买卖合约', '壹、标的:货品 10 台。', '贰、付款', '参、交货:月底前交货。']);
  });

  it('extracts parties, the buyer as customer with its USCC', () => {
    const text = '甲方（供货方）：合肥蓝途信息技术有限公司\n乙方（采购方）：长沙湘江电子商务有限公司\n统一社会信用代码：91430100MA4L0A1B2C\n';
    const norm = normalizeAligned(text);
    const parties = extractParties(norm);
    expect(parties.map((p) => [p.label, p.role])).toEqual([
      ['甲方', 'seller'],
      ['乙方', 'buyer'],
    ]);
    expect(extractCustomer(norm, parties)).toEqual({ name: '长沙湘江电子商务有限公司', uscc: '91430100MA4L0A1B2C' });
  });
});

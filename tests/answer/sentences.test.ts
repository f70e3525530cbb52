import { describe, expect, it } from 'vitest';
import { passageSentences } from '../../src/answer/sentences.js';
import type { Chunk } from '../../src/retrieval/types.js';

function chunk(text: string, sectionPath: string[]): Chunk {
  return { id: `t#${Math.random()}`, docId: 't', title: '测试手册', section: sectionPath.join(' › '), sectionPath, text, normText: text, start: 0, end: text.length };
}

describe('quotable sentences', () => {
  it('drops slide markers, numbering runs and a glued heading, keeping exact slices', () => {
    const c = chunk('07PART客户拜访规范09080706拜访前要准备好产品资料和报价单,并提前预约时间。', ['07 客户拜访规范']);
    const s = passageSentences(c);
    expect(s.map((x) => x.text)).toEqual(['拜访前要准备好产品资料和报价单,并提前预约时间']);
    for (const x of s) expect(c.text.slice(x.start, x.start + x.text.length)).toBe(x.text);
  });

  it('never quotes template placeholders, but keeps years, amounts and real numbers', () => {
    const c = chunk('报销单须在[具体天数]个工作日内提交。自2025年起执行新标准。单笔超过5000元须经理审批。每季度抽查123家门店的台账。', ['一、 报销']);
    const texts = passageSentences(c).map((x) => x.text);
    expect(texts.some((t) => t.includes('['))).toBe(false);
    expect(texts).toContain('自2025年起执行新标准');
    expect(texts).toContain('单笔超过5000元须经理审批');
    expect(texts).toContain('每季度抽查123家门店的台账');
  });

  it('keeps the clauses beside a blank or a garbled clause, as exact slices', () => {
    const c = chunk('实习期一般为[N]个月,期满由部门经理面谈,面谈通过者方可转正。报销前须仔细核对发票抬头和税号,发\ufffd票号码须与系统一致,金额超过限额的一律须另行审批。', ['二、 入职']);
    const s = passageSentences(c);
    const texts = s.map((x) => x.text);
    expect(texts).toContain('期满由部门经理面谈,面谈通过者方可转正');
    expect(texts).toContain('报销前须仔细核对发票抬头和税号');
    expect(texts).toContain('金额超过限额的一律须另行审批');
    expect(texts.some((t) => /\[|\ufffd/u.test(t))).toBe(false);
    for (const x of s) expect(c.text.slice(x.start, x.start + x.text.length)).toBe(x.text);
  });

  it('drops a lone short clause left over by a blank, and a blank with commas inside stays one piece', () => {
    const c = chunk('对于小额退款,应在[具体时限,如三个或五个]个工作日内办结。', ['三、 退款']);
    expect(passageSentences(c).map((x) => x.text)).toEqual([]);
  });

  it('drops a clause with a Latin letter wedged into Han text (broken encoding), keeping the clean clauses', () => {
    const c = chunk('每季度末由店长对店员进行评估Q果将反馈给本人,评估优秀的店员可获得季度奖金。', ['四、 评估']);
    const texts = passageSentences(c).map((x) => x.text);
    expect(texts).toEqual(['评估优秀的店员可获得季度奖金']);
  });

  it('keeps capital letters that grade or class things (A类门店, 评为B级, 得A得B)', () => {
    const c = chunk('门店分为A类门店和B类门店。年度评估评为B级的门店须整改。评估结果得A得B一目了然。', ['四、 评估']);
    const texts = passageSentences(c).map((x) => x.text);
    expect(texts).toEqual(['门店分为A类门店和B类门店', '年度评估评为B级的门店须整改', '评估结果得A得B一目了然']);
  });
});

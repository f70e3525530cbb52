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
});

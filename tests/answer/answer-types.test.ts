import { describe, expect, it } from 'vitest';
import { composeExtractive } from '../../src/answer/extractive.js';
import { queryTerms } from '../../src/answer/terms.js';
import type { Chunk, SearchHit } from '../../src/retrieval/types.js';

// Passages of our own: a rule that names a period or a yes/no rule, among sentences that only share words.
const passage = (id: string, text: string): SearchHit => {
  const chunk: Chunk = { id: `${id}#0`, docId: id, title: '测试手册', section: '一、 售后', sectionPath: ['一、 售后'], text, normText: text, start: 0, end: text.length };
  return { rank: 1, chunk, score: 1 };
};
const hits = [
  passage('a', '售后团队负责登记客户的退货申请并跟进处理结果。退货申请由售后主管审核。'),
  passage('b', '售后团队要重视每一条退货申请，认真核实退货原因。退货申请须在3个工作日内给出处理结果。'),
];
const firstLine = (question: string) => composeExtractive(queryTerms(question), hits, 'zh-Hans', { question }).answer.split('\n')[1]!;

describe('the sentence that answers what is asked leads', () => {
  it('a "when / how soon" question leads with the sentence naming a period', () => {
    expect(firstLine('退货申请最晚什么时候给处理结果')).toMatch(/3个工作日内/);
    expect(firstLine('How soon 退货申请 处理结果?')).toMatch(/3个工作日内/);
  });

  it('an A-not-A question (是不是 / 要不要) leads with the rule that obliges or forbids', () => {
    expect(firstLine('退货申请是不是要有处理结果')).toMatch(/须/);
    expect(firstLine('退货申请要不要给处理结果')).toMatch(/须/);
  });

  it('a question that asks neither keeps the best-matching sentence first', () => {
    expect(firstLine('退货申请的处理结果谁来跟进登记')).not.toMatch(/3个工作日内/);
  });
});

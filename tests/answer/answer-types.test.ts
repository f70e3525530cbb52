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

describe('a sentence that states a rule is preferred over one that only mentions the topic', () => {
  const rules = [passage('r', '客户退货申请的处理结果记录在售后系统里。客户退货申请的处理结果须告知客户本人。')];
  // One sentence only: which one is chosen (chosen sentences are shown in passage order).
  const lead = (question: string) => composeExtractive(queryTerms(question), rules, 'zh-Hans', { question, maxSentences: 1 }).answer.split('\n')[1]!;

  it('chooses the obliging sentence when both match the question as well', () => {
    expect(lead('客户退货申请的处理结果怎么弄')).toMatch(/须告知/);
  });

  it('still chooses a clearly closer sentence without a modal', () => {
    expect(lead('退货处理结果记录在系统里吗')).toMatch(/记录在售后系统/);
  });
});

// A case of our own, built the way the knowledge base builds one (story, rule, lesson).
import { caseChunk } from '../../src/knowledge/sources.js';
const caseText = `---
id: test-lent-seal
title: 把公章借给代理商盖自己的合同
summary: |
  一名区域经理把公司合同专用章借给代理商，让对方在自己起草的供货合同上盖章。
---

## 经过
略。

## 违反的规定
《测试手册》二、4 规定：公章由行政部保管，用印必须经部门负责人审批并登记。

## 教训
公章只用于公司自己审核过的合同；外部借章一律拒绝并报告。
`;
const caseHit = (): SearchHit => ({ rank: 1, chunk: caseChunk(caseText, 0)!, score: 1 });
const sopHit = passage('c', '合同专用章用于公司对外签署的销售合同。用印前核对合同版本。');

describe('a case answers with its rule and lesson, not only its story', () => {
  it('quotes the rule or the lesson when the story repeats the question', () => {
    const q = '代理商想借我们的合同专用章盖他们自己的合同 可以吗';
    const answer = composeExtractive(queryTerms(q), [caseHit(), sopHit], 'zh-Hans', { question: q }).answer;
    expect(answer).toMatch(/教训：/);
    expect(answer.split("\n").length).toBeGreaterThan(2);
  });

  it('brings the rule the case broke, besides its lesson, when the question retells its story', () => {
    const q = '区域经理把合同专用章借给代理商 让他在自己起草的供货合同上盖章 后果严重吗';
    const answer = composeExtractive(queryTerms(q), [caseHit(), sopHit], 'zh-Hans', { question: q }).answer;
    expect(answer).toMatch(/用印必须经部门负责人审批/);
    expect(answer).toMatch(/教训：/);
  });

  it('quotes the broken rule once when it already answers the question', () => {
    const q = '用印要不要经部门负责人审批并登记';
    const answer = composeExtractive(queryTerms(q), [caseHit(), sopHit], 'zh-Hans', { question: q }).answer;
    expect(answer.match(/用印必须经部门负责人审批/g) ?? []).toHaveLength(1);
  });

  it('adds no case lesson when no case is cited', () => {
    const q = '合同专用章用于哪些合同';
    const answer = composeExtractive(queryTerms(q), [sopHit], 'zh-Hans', { question: q }).answer;
    expect(answer).not.toMatch(/教训/);
    expect(answer).toMatch(/对外签署的销售合同/);
  });
});

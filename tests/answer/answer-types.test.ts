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

describe('what kind of answer is asked for, read by structure', () => {
  const lead = (question: string, texts: string[]) =>
    composeExtractive(queryTerms(question), texts.map((t, i) => passage(`k${i}`, t)), 'zh-Hans', { question }).answer.split('\n')[1]!;

  it('"who" leads with a party doing the asked thing, not a sentence that merely names a department', () => {
    const texts = ['退货申请的数量每月在各部门例会上通报。退货申请由售后主管审核后办理。'];
    expect(lead('退货申请归谁审', texts)).toMatch(/由售后主管审核/);
    expect(lead('who approves 退货申请', texts)).toMatch(/由售后主管审核/);
    expect(lead('退货单号要交给谁', ['退货单号在系统里登记后每周汇总给各部门参考。发出退货后要及时将单号反馈给售后专员和客户。'])).toMatch(/反馈给售后专员/);
  });

  it('a question that does not ask who keeps the closer sentence first', () => {
    expect(lead('退货申请的数量在例会上通报吗', ['退货申请的数量每月在各部门例会上通报。退货申请由售后主管审核后办理。'])).toMatch(/例会上通报/);
  });

  it('"how many kinds" leads with the sentence that divides, not one that lists steps', () => {
    const texts = ['投诉处理包括登记、调查、回复等步骤。投诉按严重程度可分为一般投诉和重大投诉。'];
    expect(lead('投诉分几类', texts)).toMatch(/分为一般投诉和重大投诉/);
    expect(lead('what kinds of 投诉 are there', texts)).toMatch(/分为一般投诉和重大投诉/);
    expect(lead('门店有哪些岗位', ['门店的工作包括陈列、盘点、收银等事务。门店主要包括店长、店员、收银员等岗位。'])).toMatch(/店长、店员、收银员等岗位/);
  });

  it('a question about steps is not read as asking for kinds', () => {
    expect(lead('投诉处理要经过哪些步骤', ['投诉处理包括登记、调查、回复等步骤。投诉按严重程度可分为一般投诉和重大投诉。'])).toMatch(/登记、调查、回复/);
  });

  it('"what does X do" leads with what X is responsible for', () => {
    const texts = ['区域经理每月参加一次销售例会。区域经理负责本区域的销售目标和团队培训。'];
    expect(lead('区域经理平时管哪些事', texts)).toMatch(/负责本区域/);
    expect(lead('what does a 区域经理 do', texts)).toMatch(/负责本区域/);
  });

  it('"what is X" leads with the sentence that defines X', () => {
    const texts = ['会员积分可以在门店兑换礼品和优惠券。会员积分是指顾客每次消费后按金额累计的奖励点数。'];
    expect(lead('会员积分是啥', texts)).toMatch(/是指顾客每次消费/);
    expect(lead('what does 会员积分 mean', texts)).toMatch(/是指顾客每次消费/);
  });

  it('a question about what X is used for is not read as asking for a definition', () => {
    expect(lead('会员积分能换礼品吗', ['会员积分可以在门店兑换礼品和优惠券。会员积分是指顾客每次消费后按金额累计的奖励点数。'])).toMatch(/兑换礼品/);
  });

  it('"when" prefers a named moment (次月上旬) over a sentence that only says "promptly"', () => {
    expect(lead('退货款啥时候退回', ['退货款要及时退回客户账户。退货款于次月上旬统一退回客户账户。'])).toMatch(/次月上旬/);
  });

  it('"when" still leads with "promptly" when no sentence names a moment', () => {
    expect(lead('退货款啥时候退回', ['退货款的金额以系统记录为准退回客户账户。退货款要及时退回客户账户。'])).toMatch(/及时退回/);
  });
});

describe('a quoted case gives the handbook rule it broke', () => {
  const twoRules = `---
id: test-seal-lent-out
title: 代理商借用合同专用章
summary: |
  区域经理把合同专用章借给代理商盖章。
---

## 经过
略。

## 违反的规定
《测试手册》二、4 规定：公章由行政部保管，用印必须经部门负责人审批并登记；借给代理商或其他外部单位盖章的，同样属于违规用印。

## 教训
外部借章一律拒绝并报告。
`;
  it('quotes the opening of 违反的规定 even when its second sentence matched the question better', () => {
    const q = '代理商借我们的章去盖章行不行';
    const answer = composeExtractive(queryTerms(q), [{ rank: 1, chunk: caseChunk(twoRules, 0)!, score: 1 }], 'zh-Hans', { question: q }).answer;
    expect(answer).toMatch(/同样属于违规用印/);
    expect(answer).toMatch(/用印必须经部门负责人审批/);
  });
});

describe('an answer is not left at one line when runner-up sentences still match', () => {
  const quoted = (question: string, text: string) =>
    composeExtractive(queryTerms(question), [passage('m', text)], 'zh-Hans', { question }).answer.split('\n').filter((l) => l.startsWith('- '));

  it('a two-part chat question gets the sentence for its second part too', () => {
    const text = '年度优秀门店可获得门店奖金、门店旗帜等奖励。获奖者另授予金牌称号。';
    const lines = quoted('优秀门店有奖金吗 有啥称号', text);
    expect(lines.some((l) => l.includes('金牌称号'))).toBe(true);
  });

  it('does not pad the answer with sentences that share nothing with the question', () => {
    const text = '年度优秀门店可获得门店奖金、门店旗帜等奖励。仓库每周盘点一次并上报库存。';
    const lines = quoted('优秀门店有奖金吗', text);
    expect(lines.some((l) => l.includes('仓库每周盘点'))).toBe(false);
  });
});

describe('a later passage that says it clearly better leads, with citations numbered as shown', () => {
  const twoPassages = (first: string, second: string) => [
    { ...passage('p1', first), rank: 1, score: 1 },
    { ...passage('p2', second), rank: 2, score: 0.9 },
  ];

  it('puts the second passage first when its sentence matches the question much better', () => {
    const q = '样品寄出以后跟进客户反馈的规定';
    const r = composeExtractive(queryTerms(q), twoPassages('客户拜访前准备好样品清单。', '样品寄出后由销售电话跟进客户反馈。'), 'zh-Hans', { question: q, maxSentences: 2 });
    const [, lead] = r.answer.split('\n');
    expect(lead).toMatch(/电话跟进客户反馈 \[1\]/);
    expect(r.citations[0]!.docId).toBe('p2');
  });

  it('keeps the first passage first when the second is only a little closer', () => {
    const q = '样品寄出后要跟进客户反馈吗';
    const r = composeExtractive(queryTerms(q), twoPassages('样品寄出后及时跟进客户。', '样品寄出后要跟进客户反馈。'), 'zh-Hans', { question: q, maxSentences: 2 });
    expect(r.citations[0]!.docId).toBe('p1');
  });
});

describe('the best sentence of the leading passage comes first, the rest in reading order', () => {
  const text = '临期商品统一陈列在门店专区。门店每月盘点一次库存。临期商品须在到期前七天下架并登记。下架的临期商品由店长统一处理。';
  const lines = (q: string) => composeExtractive(queryTerms(q), [passage('o', text)], 'zh-Hans', { question: q }).answer.split('\n').filter((l) => l.startsWith('- '));

  it('leads with the sentence that matches best, even when an earlier one is also quoted', () => {
    const got = lines('临期商品下架前登记的规定');
    expect(got.length).toBeGreaterThan(1);
    expect(got[0]).toMatch(/临期商品须在到期前七天下架并登记/);
  });

  it('keeps the other quoted sentences of the passage in reading order', () => {
    const rest = lines('临期商品下架前登记的规定').slice(1).map((l) => text.indexOf(l.replace(/^- /, '').replace(/ \[\d+\]$/, '')));
    expect(rest.every((p) => p >= 0)).toBe(true);
    expect([...rest].sort((a, b) => a - b)).toEqual(rest);
  });
});

describe('要 reads as a modal in a rule, not inside other words', () => {
  const lead = (question: string, text: string) => composeExtractive(queryTerms(question), [passage('y', text)], 'zh-Hans', { question }).answer.split('\n')[1]!;

  it('a "do I have to" question leads with the sentence that says 要', () => {
    expect(lead('赠品登记表要不要店长签字', '店长签字的赠品登记表放在门店前台备查。赠品登记表要由店长签字。')).toMatch(/要由店长签字/);
  });

  it('重要 / 主要 in a sentence do not make it the rule', () => {
    expect(lead('赠品登记表要不要店长签字', '店长签字的赠品登记表放在门店前台备查。赠品登记表是重要台账，店长签字。')).toMatch(/放在门店前台备查/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { ANSWER_FEATURES, answerProbability, DEFAULT_ANSWER_MODEL } from '../../src/retrieval/answer-model.js';
import { loadQuestionForms, questionForms } from '../../src/retrieval/question-forms.js';
import { refuseFinalSets } from '../../bench/final-sets.js';

// Wordings of our own, not taken from any evaluation set.
describe('question forms (knowledge/question-forms.yaml)', () => {
  const [RULE, FACT] = [0, 1];
  it('reads a question that asks whether, what to do or who decides as asking for a rule', () => {
    expect(questionForms('展会上收到的样品能不能自己留着')[RULE]).toBe(1);
    expect(questionForms('客户退货拖了三个月 咋办')[RULE]).toBe(1);
    expect(questionForms('超出授权的折扣找谁批')[RULE]).toBe(1);
    expect(questionForms('Should we tell the client about the delay in writing?')[RULE]).toBe(1);
    expect(questionForms('展会样品的来历')[RULE]).toBe(0);
  });

  it('reads a question that asks how many, when or how things stand as asking for a fact', () => {
    expect(questionForms('今年展会一共来了多少家客户')[FACT]).toBe(1);
    expect(questionForms('上次提交的授信申请进度怎么样')[FACT]).toBe(1);
    expect(questionForms('How many samples did we hand out at the fair?')[FACT]).toBe(1);
    expect(questionForms('展会上能给客户发样品吗')[FACT]).toBe(0);
  });

  it('reads how much one may or must as a rule (a limit), how much there is as a fact', () => {
    expect(questionForms('押金最多能收几个月的租金')).toEqual([1, 0]);
    expect(questionForms('What is the maximum discount a rep can give?')).toEqual([1, 0]);
    expect(questionForms('这个月一共收了多少押金')).toEqual([0, 1]);
    expect(questionForms('How many deposits came in this month?')).toEqual([0, 1]);
  });

  it('rejects a broken pattern with its line, and reads a file of its own', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'forms-'));
    const file = path.join(dir, 'question-forms.yaml');
    const write = (text: string) => (writeFileSync(file, text), () => loadQuestionForms(file));
    expect(write('forms:\n  rule:\n    why: x\n    zh: ["(unclosed"]\n  fact:\n    why: y\n')).toThrow(/question-forms.*:4:.*not a valid regular expression/s);
    expect(write('forms:\n  rule:\n    why: x\n')).toThrow(/fact/);
    const own = write('forms:\n  rule:\n    why: x\n    zh: ["可以吗$"]\n  fact:\n    why: y\n    en: ["\\\\bhow many\\\\b"]\n')();
    expect(own.of('这样可以吗')).toEqual([1, 0]);
    expect(own.of('how many are there')).toEqual([0, 1]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the answerability model', () => {
  it('rises with a feature of positive weight and falls with one of negative weight', () => {
    const base = ANSWER_FEATURES.map(() => 0.5);
    const at = (name: (typeof ANSWER_FEATURES)[number], v: number) => answerProbability(DEFAULT_ANSWER_MODEL, base.map((x, i) => (ANSWER_FEATURES[i] === name ? v : x)));
    expect(at('focus', 1)).toBeGreaterThan(at('focus', 0));
    expect(at('asksFact', 1)).toBeLessThan(at('asksFact', 0));
    expect(DEFAULT_ANSWER_MODEL.threshold).toBeGreaterThan(0);
    expect(DEFAULT_ANSWER_MODEL.threshold).toBeLessThan(1);
  });
});

describe('answerability on the shipped knowledge base', () => {
  let kb: KnowledgeBase;
  const tmp = mkdtempSync(path.join(tmpdir(), 'answer-model-'));
  beforeAll(async () => {
    kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: path.join(tmp, 'data') });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('answers a colloquial rule question (a boss’s nod, a discount)', async () => {
    // Before round j's glossary (点头 → 审批) the coverage threshold refused this one and only the model answered it.
    const q = '老板没点头我能给客户打折吗';
    const r = await kb.retriever.search(q, { k: 5 });
    expect(r.relevant).toBe(true);
    expect(r.hits.slice(0, 2).some((h) => /[价價]格|優惠|优惠|折扣/.test(h.chunk.text))).toBe(true);
  });

  it('refuses questions for a count that share a handbook word, which no asking slot catches', async () => {
    for (const q of ['合规部今年招了几个人', '客户管理系统一共有多少条记录', 'how many contracts did we sign last year']) {
      const r = await kb.retriever.search(q, { k: 5 });
      expect(r.unanswerable, q).toBeUndefined();
      expect(r.relevant, q).toBe(false);
      // The coverage threshold alone answered them.
      expect((await kb.retriever.withOptions({ answerModel: null }).search(q, { k: 5 })).relevant, q).toBe(true);
    }
  });

  it('still answers the same words asked as a rule', async () => {
    for (const q of ['合规部门负责哪些工作', '客户管理系统里的记录能导出吗']) expect((await kb.retriever.search(q, { k: 5 })).relevant, q).toBe(true);
  });
});

describe('final sets', () => {
  it('are refused by every fit script, and a script may refuse more sets', () => {
    expect(() => refuseFinalSets(['tune', 'heldout8'])).toThrow(/heldout8/);
    expect(() => refuseFinalSets(['heldout5', 'heldout6'])).not.toThrow();
    expect(() => refuseFinalSets(['dev', 'heldout5'], ['heldout5', 'heldout6'])).toThrow(/heldout5/);
  });
});

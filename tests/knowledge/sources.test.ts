import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerer } from '../../src/answer/answerer.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { caseChunk, contractRuleDocument, loadSourceDocuments } from '../../src/knowledge/sources.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'sources-test-'));
let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: path.join(tmp, 'data') });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const silent = { debug() {}, info() {}, warn() {} };

describe('one knowledge base over every source', () => {
  it('reads every case, every contract rule and the credit policy as citable passages', () => {
    const { documents, skipped } = loadSourceDocuments(path.resolve('knowledge'));
    expect(skipped).toEqual([]);
    const byId = Object.fromEntries(documents.map((d) => [d.docId, d.chunks]));
    expect(byId.cases!.length).toBeGreaterThanOrEqual(19);
    expect(byId['contract-rules']!.length).toBeGreaterThanOrEqual(15);
    expect(byId['credit-policy']!.map((c) => c.section)).toContain('信用额度审批流程');
    for (const chunk of documents.flatMap((d) => d.chunks)) {
      expect(chunk.kind).not.toBe('handbook');
      expect(chunk.text).not.toMatch(/\{detail\}/);
    }
    // A rule explanation carries its legal basis.
    expect(byId['contract-rules']!.find((c) => c.text.includes('定金'))!.text).toMatch(/依据：.*民法典/);
  });

  it('answers from the case library and the rules, and says which kind of source it cites', async () => {
    const answerer = createAnswerer({ retriever: kb.retriever, config: { llmEnabled: false }, log: silent });
    const personal = await answerer.ask('客户想把货款直接打到我私人卡里，可以吗');
    expect(personal.answered).toBe(true);
    expect(personal.citations.some((c) => c.kind === 'case' || c.kind === 'contract-rule')).toBe(true);
    expect(personal.answer).toMatch(/^根据.*(案例库|合同预审规则)/);
    const deposit = await answerer.ask('定金最多能收合同额的多少');
    expect(deposit.citations.some((c) => c.kind === 'contract-rule' && /20%/.test(c.section))).toBe(true);
    // A plain handbook question still leads with the handbook.
    const training = await answerer.ask('新员工入职培训多长时间');
    expect(training.citations[0]!.kind ?? 'handbook').toBe('handbook');
  });

  it('skips and reports a broken source file without losing the others', async () => {
    const knowledgeDir = path.join(tmp, 'knowledge');
    cpSync(path.resolve('knowledge'), knowledgeDir, { recursive: true });
    writeFileSync(path.join(knowledgeDir, 'cases', '99-broken.md'), 'no front matter here');
    const { documents, skipped } = loadSourceDocuments(knowledgeDir);
    expect(skipped.map((s) => s.file)).toEqual([path.join('cases', '99-broken.md')]);
    expect(documents.map((d) => d.docId).sort()).toEqual(['cases', 'contract-rules', 'credit-policy']);
  });

  it('turns a rule and a case into passages without placeholders', () => {
    const rule = contractRuleDocument("rules:\n  - id: x\n    message: 金额前后不一致：{detail}\n    suggestion: 统一金额。\n    basis: 《民法典》第四百六十六条\n").chunks[0]!;
    expect(rule.section).toBe('金额前后不一致');
    expect(rule.text).toContain('依据：《民法典》第四百六十六条');
    const c = caseChunk('---\nid: a\ntitle: 标题\nsummary: 经过摘要。\n---\n\n## 违反的规定\n规定甲。\n\n## 教训\n第一段。\n\n第二段。\n', 0)!;
    expect(c.text).toContain('教训：第一段。');
    expect(c.text).not.toContain('第二段');
  });
});

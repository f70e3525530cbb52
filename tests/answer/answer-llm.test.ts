import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnswerer, type AnswererConfig } from '../../src/answer/answerer.js';
import { checkCitations } from '../../src/answer/llm.js';
import { toSimplified } from '../../src/text/script.js';
import { FakeRetriever } from '../helpers/fake-retriever.js';
import { promptText, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';

const silent = { debug() {}, info() {}, warn() {} };
let server: FakeOpenAI;

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

function llmAnswerer(overrides: Partial<AnswererConfig> = {}, retriever = new FakeRetriever()) {
  const config: AnswererConfig = {
    llmEnabled: true,
    OPENAI_BASE_URL: server.baseURL,
    LLM_MODEL: 'fake-model',
    LLM_TIMEOUT_MS: 5_000,
    PROMPTS_DIR: './prompts',
    ...overrides,
  };
  return { answerer: createAnswerer({ retriever, config, log: silent }), retriever };
}

describe('LLM mode through @langchain/openai', () => {
  it('sends the numbered passages and keeps valid citations', async () => {
    server.respondWith(() => ({ content: '公司禁止给客户回扣 [1]，销售人员也不得收受客户的回扣 [2]。' }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(server.requests).toHaveLength(1);
    const body = server.requests[0];
    expect(body.model).toBe('fake-model');
    const prompt = promptText(body);
    expect(prompt).toContain('[1] ');
    expect(prompt).toContain('[2] ');
    expect(prompt).toMatch(/禁止給客戶回扣/);
    expect(prompt).toMatch(/銷售部管理規章制度修訂版 › 第九章/);
    expect(prompt).toContain('可以给客户回扣吗？');
    expect(r.mode).toBe('llm');
    expect(r.answered).toBe(true);
    expect(r.fallbackReason).toBeUndefined();
    expect(r.citations.map((c) => c.n)).toEqual([1, 2]);
    expect(r.answer).toContain('[1]');
    for (const c of r.citations) expect(c.quote.length).toBeLessThanOrEqual(120);
  });

  it('drops invented citation numbers', async () => {
    server.respondWith(() => ({ content: '禁止给客户回扣 [1][9]。违者处罚 [42]。' }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(r.mode).toBe('llm');
    expect(r.answer).not.toMatch(/\[9\]|\[42\]/);
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0].n).toBe(1);
  });

  it('renumbers citations to match the citation list', () => {
    const out = checkCitations('A [3]. B [1, 3]. C [7]. D 【3】', 4);
    expect(out.used).toEqual([1, 3]);
    expect(out.text).toBe('A [2]. B [1][2]. C. D [2]');
  });

  it('falls back to extractive when no valid citation remains', async () => {
    server.respondWith(() => ({ content: '当然可以，没问题 [8]。' }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(r.mode).toBe('extractive');
    expect(r.fallbackReason).toMatch(/citation/);
    expect(r.answered).toBe(true);
    expect(r.citations.length).toBeGreaterThan(0);
    expect(r.answer).not.toMatch(/没问题/);
  });

  it('falls back to extractive on timeout', async () => {
    server.respondWith(() => ({ content: '禁止给客户回扣 [1]。', delayMs: 3_000 }));
    const { answerer } = llmAnswerer({ LLM_TIMEOUT_MS: 300 });
    const started = performance.now();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(r.mode).toBe('extractive');
    expect(r.fallbackReason).toMatch(/timeout/);
    expect(r.answered).toBe(true);
    expect(r.citations.length).toBeGreaterThan(0);
  });

  it('falls back to extractive on HTTP 500', async () => {
    server.respondWith(() => ({ status: 500 }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
    expect(r.mode).toBe('extractive');
    expect(r.fallbackReason).toMatch(/500/);
    expect(r.answered).toBe(true);
    expect(toSimplified(r.answer)).toMatch(/回扣/);
  });

  it('reports not covered when the model says so', async () => {
    server.respondWith(() => ({ content: 'NOT_COVERED' }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(r.answered).toBe(false);
    expect(r.mode).toBe('llm');
    expect(r.citations).toEqual([]);
    expect(r.answer).toMatch(/合规团队/);
  });

  it('never asks the model for an answer when retrieval finds nothing relevant, even after rewriting', async () => {
    server.respondWith(() => ({ content: 'NONE' }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('周末去哪里爬山比较好？');
    expect(r.answered).toBe(false);
    // One call: the rewrite, which said the question is not about the handbook.
    expect(server.requests).toHaveLength(1);
    expect(promptText(server.requests[0]!)).toMatch(/search queries/);
  });

  it('refuses a question that asks for what no policy holds without calling the model', async () => {
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('法务部的律师电话是多少？');
    expect(r.answered).toBe(false);
    expect(server.requests).toHaveLength(0);
  });

  it('rewrites a question the index misses into the handbook vocabulary and answers from what that finds', async () => {
    server.respondWith((body) => {
      const prompt = promptText(body);
      if (/search queries/.test(prompt)) return { content: '禁止给客户回扣\n收受回扣的处罚' };
      return { content: '公司禁止给客户回扣 [1]。' };
    });
    const { answerer, retriever } = llmAnswerer();
    const r = await answerer.ask('塞点茶水钱给采购行不行');
    expect(retriever.queries).toContain('禁止给客户回扣');
    expect(r.mode).toBe('llm');
    expect(r.answered).toBe(true);
    expect(r.citations.length).toBe(1);
  });

  it('keeps only sentences with a valid citation from a model that lies', async () => {
    // The model invents a permission, cites a passage that does not exist, and adds an uncited claim.
    server.respondWith(() => ({
      content: '公司禁止给客户回扣 [1]。1000 元以下的回扣是允许的 [9]。小额红包一般没问题。违者会受到处罚 [2]。',
    }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(r.mode).toBe('llm');
    expect(r.answer).toContain('公司禁止给客户回扣 [1]');
    expect(r.answer).toContain('违者会受到处罚 [2]');
    expect(r.answer).not.toMatch(/1000|允许|红包/);
  });

  it('falls back to extractive when a lying model cites nothing that was given', async () => {
    server.respondWith(() => ({ content: '1000 元以下的回扣是允许的 [7]。小额红包没问题。' }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(r.mode).toBe('extractive');
    expect(r.answer).not.toMatch(/1000|允许/);
    expect(toSimplified(r.answer)).toMatch(/回扣/);
  });

  it('answers in the question’s script even if the model drifts', async () => {
    server.respondWith(() => ({ content: '公司禁止給客戶回扣 [1]。' }));
    const { answerer } = llmAnswerer();
    const r = await answerer.ask('可以给客户回扣吗？');
    expect(r.answer).toBe('公司禁止给客户回扣 [1]。');
    expect(promptText(server.requests[0])).toMatch(/Simplified Chinese/);
  });

  it('condenses a follow-up into a standalone query before retrieval', async () => {
    server.respondWith((body, i) => {
      const prompt = promptText(body);
      if (/Standalone question/i.test(prompt)) return { content: '违反回扣规定会受到什么处罚？' };
      return { content: i === 0 ? '禁止给客户回扣 [1]。' : '违反者将视情节轻重给予处罚 [1]。' };
    });
    const { answerer, retriever } = llmAnswerer();
    await answerer.ask('可以给客户回扣吗？', 'thread-9');
    expect(server.requests).toHaveLength(1);
    const r = await answerer.ask('那违反了会怎样？', 'thread-9');
    expect(server.requests).toHaveLength(3);
    const condense = promptText(server.requests[1]);
    expect(condense).toContain('可以给客户回扣吗？');
    expect(condense).toContain('那违反了会怎样？');
    expect(retriever.queries.at(-1)).toBe('违反回扣规定会受到什么处罚？');
    expect(r.mode).toBe('llm');
    expect(r.answered).toBe(true);
    expect(r.citations.length).toBe(1);
  });

  it('falls back to the extractive follow-up heuristics when condensing fails', async () => {
    server.respondWith((body, i) => (i === 0 ? { content: '禁止给客户回扣 [1]。' } : { status: 500 }));
    const { answerer, retriever } = llmAnswerer();
    await answerer.ask('可以给客户回扣吗？', 'thread-10');
    const r = await answerer.ask('那违反了会怎样？', 'thread-10');
    expect(r.mode).toBe('extractive');
    expect(r.fallbackReason).toMatch(/500/);
    expect(retriever.queries.at(-1)).toMatch(/回扣/);
    expect(toSimplified(r.answer)).toMatch(/处罚/);
  });

  it('answers extractively when prompt templates are missing, instead of failing', async () => {
    const warnings: unknown[] = [];
    const answerer = createAnswerer({
      retriever: new FakeRetriever(),
      config: { llmEnabled: true, OPENAI_BASE_URL: server.baseURL, LLM_MODEL: 'm', PROMPTS_DIR: '/nonexistent' },
      log: { ...silent, warn: (o: unknown) => warnings.push(o) },
    });
    // The bundled prompts/ folder stands in for a missing PROMPTS_DIR.
    expect(answerer.preferredMode).toBe('llm');
    expect(warnings).toHaveLength(0);
  });
});

describe('supported sentences', () => {
  it('keeps cited sentences and lines, a citation after its full stop included, in Chinese and English', async () => {
    const { supportedSentences } = await import('../../src/answer/llm.js');
    expect(supportedSentences('甲规定 [1]。乙没有出处。丙规定。[2]', 2)).toBe('甲规定 [1]。丙规定。[2]');
    expect(supportedSentences('- 第一条 [1]\n- 编造的一条\n- 第三条 [3]', 2)).toBe('- 第一条 [1]');
    expect(supportedSentences('Kickbacks are banned [1]. Small ones are fine. Violations are punished [2].', 2)).toBe(
      'Kickbacks are banned [1]. Violations are punished [2].',
    );
  });
});

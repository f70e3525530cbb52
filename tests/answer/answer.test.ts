import { describe, expect, it } from 'vitest';
import { createAnswerer } from '../../src/answer/answerer.js';
import { splitSentences } from '../../src/answer/sentences.js';
import { looksLikeFollowUp } from '../../src/answer/followup.js';
import { ConversationMemory } from '../../src/answer/memory.js';
import { fillTemplate } from '../../src/answer/prompts.js';
import type { AskResult } from '../../src/answer/types.js';
import { detectScript, toScript, toSimplified, type Script } from '../../src/text/script.js';
import { CHUNKS, FakeRetriever } from '../helpers/fake-retriever.js';

const silent = { debug() {}, info() {}, warn() {} };

function extractive(retriever = new FakeRetriever(), memory?: ConversationMemory) {
  return createAnswerer({ retriever, config: { llmEnabled: false }, log: silent, memory });
}

/** Every [n] in the answer names a citation, every citation is used, quotes come from a real passage in the reader's script (Simplified for English readers). */
function expectWellCited(r: AskResult, script: Script) {
  expect(r.answered).toBe(true);
  expect(r.citations.length).toBeGreaterThan(0);
  const used = new Set([...r.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  expect([...used].sort()).toEqual(r.citations.map((c) => c.n).sort());
  r.citations.forEach((c, i) => expect(c.n).toBe(i + 1));
  for (const c of r.citations) {
    expect(c.quote.length).toBeGreaterThan(0);
    expect(c.quote.length).toBeLessThanOrEqual(120);
    const sources = CHUNKS.filter((ch) => ch.docId === c.docId).map((ch) => toScript(ch.text, script === 'en' ? 'zh-Hans' : script));
    expect(sources.some((s) => s.includes(c.quote))).toBe(true);
  }
}

describe('extractive answers', () => {
  it('composes cited sentences, not whole passages', async () => {
    const r = await extractive().ask('可以给客户回扣吗？');
    expectWellCited(r, 'zh-Hans');
    expect(r.mode).toBe('extractive');
    expect(r.topScore).toBeGreaterThan(0);
    expect(toSimplified(r.answer)).toMatch(/回扣/);
    // Sentences, each cited on its own line, within the length bound.
    const lines = r.answer.split('\n').filter((l) => l.startsWith('- '));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(6);
    for (const l of lines) expect(l).toMatch(/\[\d+\]$/);
    expect(r.answer.length).toBeLessThan(600);
    // No whole chunk pasted: unrelated lines of the kickback passage (audit, credit checks) stay out.
    expect(r.answer).not.toMatch(/走钢丝/);
  });

  it('strips leading list numbers from sentences', async () => {
    const r = await extractive().ask('合规培训应该包括哪些内容？');
    expectWellCited(r, 'zh-Hans');
    for (const line of r.answer.split('\n').filter((l) => l.startsWith('- '))) expect(line).not.toMatch(/^- \d+[.．、]/);
    expect(r.answer).toMatch(/政策解读、案例分析/);
  });

  it('collapses near-duplicate sentences from different sections', async () => {
    const r = await extractive().ask('合规培训应该包括哪些内容？');
    const mentions = r.answer.split('\n').filter((l) => l.includes('政策解读、案例分析'));
    expect(mentions).toHaveLength(1);
  });

  it('orders sentences by passage rank, then position', async () => {
    const r = await extractive().ask('违规的销售人员会受到什么处罚？');
    expectWellCited(r, 'zh-Hans');
    const ns = r.answer
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .map((l) => Number(l.match(/\[(\d+)\]$/)![1]));
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    expect(toSimplified(r.answer)).toMatch(/处罚/);
  });

  it('says plainly when the handbook does not cover the question, and what the bot can do', async () => {
    for (const q of ['周末去哪里爬山比较好？', '帮我翻译一下这句英文：hello world']) {
      const r = await extractive().ask(q);
      expect(r.answered).toBe(false);
      expect(r.citations).toEqual([]);
      expect(r.topScore).toBe(0);
      expect(r.answer).toMatch(/合规团队/);
      expect(r.answer).toMatch(/\/help/);
      expect(r.answer).toMatch(/\/precheck/);
      expect(r.answer).toMatch(/\/credit/);
    }
    const en = await extractive().ask('Recommend a good pizza place nearby.');
    expect(en.answered).toBe(false);
    expect(en.answer).toMatch(/handbook does not cover/i);
    expect(en.answer).toMatch(/compliance team/);
  });
});

describe('script and language', () => {
  it('answers a Simplified question over Traditional text in Simplified', async () => {
    const r = await extractive().ask('违反销售纪律会怎么处罚？');
    expectWellCited(r, 'zh-Hans');
    expect(r.citations.some((c) => ['sales-dept-rules', 'hefei-qualification'].includes(c.docId))).toBe(true);
    expect(detectScript(r.answer)).toBe('zh-Hans');
    expect(r.answer).not.toMatch(/銷售|處罰|規定/);
    for (const c of r.citations) expect(c.title).toBe(toSimplified(c.title));
  });

  it('answers a Traditional question in Traditional, also over Simplified text', async () => {
    const r = await extractive().ask('合規培訓應該包括哪些內容？');
    expectWellCited(r, 'zh-Hant');
    expect(r.citations.some((c) => c.docId === 'compliance-in-sales')).toBe(true);
    expect(detectScript(r.answer)).toBe('zh-Hant');
    expect(r.answer).toMatch(/培訓/);
    expect(r.answer).not.toMatch(/培训|销售/);
  });

  it('frames English answers in English around the Chinese quotes', async () => {
    const r = await extractive().ask('Can a salesperson accept a kickback from a customer?');
    expectWellCited(r, 'en');
    const [lead, ...quotes] = r.answer.split('\n');
    // An English lead naming the subject and the source; the quotes in Simplified, not the source's mixed scripts.
    expect(lead).toMatch(/^The handbook says the following \(quoted in Simplified Chinese/);
    expect(lead!.split(' The first quote is from ')[0]!.replace(/\([^)]*\)/g, '')).not.toMatch(/\p{Script=Han}/u);
    expect(quotes.join('\n')).toMatch(/回扣/);
    expect(quotes.join('\n')).toBe(toScript(quotes.join('\n'), 'zh-Hans'));
  });
});

describe('follow-ups', () => {
  it('carries the previous question’s topic into an anaphoric follow-up', async () => {
    const retriever = new FakeRetriever();
    const a = extractive(retriever);
    await a.ask('可以给客户回扣吗？', 'thread-1');
    const r = await a.ask('那违反了会怎样？', 'thread-1');
    expectWellCited(r, 'zh-Hans');
    expect(retriever.queries.at(-1)).toMatch(/回扣/);
    expect(toSimplified(r.answer)).toMatch(/处罚/);
    expect(toSimplified(r.answer)).toMatch(/回扣/);
  });

  it('does not borrow context across conversations, nor for an unrelated new question', async () => {
    const retriever = new FakeRetriever();
    const a = extractive(retriever);
    await a.ask('可以给客户回扣吗？', 'thread-1');
    const other = await a.ask('那违反了会怎样？', 'thread-2');
    expect(retriever.queries.at(-1)).not.toMatch(/回扣/);
    expect(toSimplified(other.answer)).not.toMatch(/回扣/);
    const offTopic = await a.ask('周末去哪里爬山比较好？', 'thread-1');
    expect(offTopic.answered).toBe(false);
  });

  it('forgets turns older than the age bound', async () => {
    let now = 1_000_000;
    const memory = new ConversationMemory({ now: () => now, maxAgeMs: 60_000 });
    const retriever = new FakeRetriever();
    const a = extractive(retriever, memory);
    await a.ask('可以给客户回扣吗？', 'thread-1');
    now += 61_000;
    await a.ask('那违反了会怎样？', 'thread-1');
    expect(retriever.queries.at(-1)).not.toMatch(/回扣/);
  });

  it('recognises follow-up phrasing generally', () => {
    for (const q of ['那违反了会怎样？', '如果违反呢？', '這樣可以嗎？', 'What if I do it anyway?', 'and then?', '它的期限呢']) {
      expect(looksLikeFollowUp(q), q).toBe(true);
    }
    for (const q of ['销售合同有哪些常见风险？', 'How are customers classified into A, B and C?']) {
      expect(looksLikeFollowUp(q), q).toBe(false);
    }
  });
});

describe('conversation memory', () => {
  it('bounds turns per conversation and the number of conversations (LRU)', () => {
    const m = new ConversationMemory({ maxTurns: 3, maxConversations: 2 });
    for (let i = 0; i < 5; i++) m.add('a', { question: `q${i}`, query: `q${i}`, answer: '', answered: true });
    expect(m.history('a').map((t) => t.question)).toEqual(['q2', 'q3', 'q4']);
    m.add('b', { question: 'b', query: 'b', answer: '', answered: true });
    m.history('a'); // reading does not refresh; writing does
    m.add('a', { question: 'q5', query: 'q5', answer: '', answered: true });
    m.add('c', { question: 'c', query: 'c', answer: '', answered: true });
    expect(m.size).toBe(2);
    expect(m.history('b')).toEqual([]);
    expect(m.history('a').at(-1)!.question).toBe('q5');
  });
});

describe('sentence splitting and templates', () => {
  it('splits at Chinese terminators and line breaks, strips list markers, keeps exact slices', () => {
    const text = '1.第一句話很重要。2、第二句也重要！\n（三）第三句要遵守；四、第四句是什麼？最後一句沒有句號\n6.';
    const parts = splitSentences(text);
    expect(parts.map((p) => p.text)).toEqual(['第一句話很重要', '第二句也重要', '第三句要遵守', '第四句是什麼', '最後一句沒有句號']);
    for (const p of parts) expect(text.slice(p.start, p.start + p.text.length)).toBe(p.text);
  });

  it('cuts overlong runs without punctuation into bounded pieces', () => {
    const text = '甲'.repeat(500);
    const parts = splitSentences(text);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(160);
  });

  it('fills placeholders once, leaving injected braces alone', () => {
    expect(fillTemplate('Q: {{question}} P: {{ passages }}', { question: '{{passages}}', passages: 'x' })).toBe('Q: {{passages}} P: x');
  });
});

describe('speed', () => {
  it('answers extractively well under 50 ms per question once warm', async () => {
    const a = extractive();
    const qs = ['可以给客户回扣吗？', '合规培训应该包括哪些内容？', '銷售合同有哪些風險？', 'Can I give a kickback?', '违规会怎么处罚？'];
    for (const q of qs) await a.ask(q);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (const q of qs) {
        const t = performance.now();
        await a.ask(q);
        times.push(performance.now() - t);
      }
    }
    times.sort((x, y) => x - y);
    expect(times[Math.floor(times.length * 0.95)]).toBeLessThan(50);
  });
});

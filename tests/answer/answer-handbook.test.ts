import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerer, type ConfiguredAnswerer } from '../../src/answer/answerer.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { toScript, toSimplified, type Script } from '../../src/text/script.js';

/** The answerer on the real handbook index, with the retriever's glossary expansion wired in as in production. */

interface DevQuestion {
  id: string;
  lang: Script;
  q: string;
  gold?: string[];
}

const readJsonl = (file: string): DevQuestion[] =>
  readFileSync(path.join('tests/fixtures', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as DevQuestion);

const silent = { debug() {}, info() {}, warn() {} };
let dataDir: string;
let kb: KnowledgeBase;
let answerer: ConfiguredAnswerer;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'answer-kb-'));
  kb = await loadKnowledgeBase({ knowledgeDir: 'knowledge', dataDir });
  answerer = createAnswerer({
    retriever: kb.retriever,
    config: { llmEnabled: false },
    log: silent,
    expandQuery: (q) => kb.retriever.expandQuery(q),
  });
  answerer.warm(kb.retriever.chunks);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('extractive answers on the handbook', () => {
  const goldInAnswer = new Map<string, boolean>();
  for (const dq of readJsonl('questions.dev.jsonl')) {
    it(`${dq.id}: ${dq.q}`, async () => {
      const r = await answerer.ask(dq.q);
      expect(r.answered).toBe(true);
      expect(r.mode).toBe('extractive');
      expect(r.citations.length).toBeGreaterThan(0);
      const used = new Set([...r.answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
      expect([...used].sort()).toEqual(r.citations.map((c) => c.n).sort());
      const script = dq.lang;
      for (const c of r.citations) {
        const docChunks = kb.retriever.chunks.filter((ch) => ch.docId === c.docId);
        expect(docChunks.some((ch) => toScript(ch.text, script === 'en' ? 'zh-Hans' : script).includes(c.quote)), c.quote).toBe(true);
      }
      const said = toSimplified(`${r.answer}\n${r.citations.map((c) => c.quote).join('\n')}`);
      goldInAnswer.set(dq.id, dq.gold!.some((g) => said.includes(g)));
      // Every answer cites a passage that holds the gold phrase, even when the quoted sentences don't.
      const cited = kb.retriever.chunks.filter((ch) => r.citations.some((c) => c.docId === ch.docId));
      expect(cited.some((ch) => dq.gold!.some((g) => toSimplified(ch.text).replace(/\s/g, '').includes(g))), r.answer).toBe(true);
      if (script === 'en') expect(r.answer.split('\n')[0]).toMatch(/the handbook says the following \(quoted in Simplified Chinese/i);
    });
  }

  it('quotes a gold phrase itself for at least 90% of the dev questions', () => {
    const values = [...goldInAnswer.values()];
    expect(values.length).toBe(readJsonl('questions.dev.jsonl').length);
    expect(values.filter(Boolean).length / values.length, JSON.stringify([...goldInAnswer])).toBeGreaterThanOrEqual(0.9);
  });

  for (const dq of readJsonl('questions.offtopic.dev.jsonl')) {
    it(`${dq.id} (off-topic): ${dq.q}`, async () => {
      const r = await answerer.ask(dq.q);
      expect(r.answered).toBe(false);
      expect(r.citations).toEqual([]);
    });
  }

  it('leads an English answer with what it is about, and a Chinese permission question with the rule that forbids', async () => {
    const en = await answerer.ask('Is a salesperson allowed to pay a customer a kickback?');
    expect(en.answer.split('\n')[0]).toMatch(/^On .*kickback \(回扣\)/);
    const zh = await answerer.ask('我能不能私下给客户一点回扣');
    expect(zh.answer.split('\n')[1]).toMatch(/禁止|不得|严禁/);
  });

  it('resolves a follow-up about kickback penalties', async () => {
    await answerer.ask('可以给客户回扣吗？', 'hb-thread');
    const r = await answerer.ask('那违反了会怎样？', 'hb-thread');
    expect(r.answered).toBe(true);
    const said = toSimplified(`${r.answer}\n${r.citations.map((c) => c.quote).join('\n')}`);
    expect(said).toMatch(/处罚|处分|处理/);
    expect(said).toMatch(/回扣|贿赂|违反/);
  });

  it('reads a hypothetical that varies the previous question with that question, however long it is', async () => {
    await answerer.ask('能收经销商送的红包吗', 'hb-vary');
    const r = await answerer.ask('那要是经销商私下硬塞到我车里的呢', 'hb-vary');
    expect(r.answered).toBe(true);
    expect(toSimplified(r.answer)).toMatch(/回扣|贿赂|红包|好处/);
  });

  it('does not carry the previous topic into a new question phrased as 那…呢', async () => {
    await answerer.ask('能收经销商送的红包吗', 'hb-new-topic');
    const r = await answerer.ask('那电子合同的签署流程呢', 'hb-new-topic');
    expect(toSimplified(r.answer)).toMatch(/合同|签署|签名/);
    expect(toSimplified(r.answer)).not.toMatch(/红包|回扣/);
  });

  it('answers a pointer to the handbook numbering with that item, in the reader script', async () => {
    const r = await answerer.ask('第六章的第三点写的啥');
    expect(r.answered).toBe(true);
    expect(r.citations).toHaveLength(1);
    expect(toSimplified(r.citations[0]!.section)).toMatch(/^第六章/);
    expect(r.answer.split('\n')[0]).toMatch(/第六章.*第3条/);
    const hant = await answerer.ask('第六章的第三點寫的啥');
    expect(hant.answer).toMatch(/^根據手冊/);
    expect(toSimplified(hant.answer)).toBe(toSimplified(r.answer));
    const en = await answerer.ask('What is in chapter 6, point 3?');
    expect(en.answer.split('\n')[0]).toMatch(/item 3 says/);
    // A chapter the handbook does not have is not covered.
    expect((await answerer.ask('第二十七章第3条是什么')).answered).toBe(false);
  });
});

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { evaluate, hitMatches, readJsonl } from '../../bench/retrieval-eval.js';
import { HashedNgramEmbeddings } from '../../src/retrieval/embeddings.js';
import { runCli } from '../../src/cli/commands.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'retrieval-test-'));
let kb: KnowledgeBase;

beforeAll(async () => {
  kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: path.join(tmp, 'data') });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function copyKnowledge(): string {
  const dir = path.join(tmp, `knowledge-${Math.random().toString(36).slice(2)}`);
  cpSync(path.resolve('knowledge'), dir, { recursive: true });
  return dir;
}

describe('ranking', () => {
  it('meets the dev-set targets in hybrid mode', async () => {
    const on = readJsonl('tests/fixtures/questions.dev.jsonl');
    const off = readJsonl('tests/fixtures/questions.offtopic.dev.jsonl');
    const s = await evaluate(kb.retriever, 'hybrid', on, off);
    expect(s.recallAt5).toBeGreaterThanOrEqual(0.95);
    expect(s.recallAt1).toBeGreaterThanOrEqual(0.75);
    expect(s.onTopicRelevant).toBe(1);
    expect(s.offTopicRejected).toBe(1);
  });

  it('generalises to questions it was not tuned on (colloquial, Traditional, English)', async () => {
    const on = readJsonl('tests/fixtures/questions.extra.jsonl');
    const off = readJsonl('tests/fixtures/questions.offtopic.extra.jsonl');
    const s = await evaluate(kb.retriever, 'hybrid', on, off);
    expect(s.recallAt5).toBeGreaterThanOrEqual(0.9);
    expect(s.offTopicRejected).toBe(1);
    expect(s.onTopicRelevant).toBeGreaterThanOrEqual(0.9);
  });

  it('finds Traditional text from a Simplified question and Simplified text from a Traditional one', async () => {
    const simp = await kb.retriever.search('禁止给客户回扣', { k: 3 });
    expect(simp.hits.some((h) => h.chunk.text.includes('禁止給客戶回扣'))).toBe(true);
    const trad = await kb.retriever.search('合規培訓包括政策解讀嗎', { k: 3 });
    expect(trad.hits.some((h) => h.chunk.text.includes('政策解读'))).toBe(true);
  });

  it('reaches Chinese text from an English question through the glossary', async () => {
    const r = await kb.retriever.search('Is a kickback to a customer allowed?', { k: 5 });
    expect(r.relevant).toBe(true);
    expect(r.hits.some((h) => hitMatches(h.chunk.text, ['回扣']))).toBe(true);
  });

  it('reaches Chinese text from English words the glossary lacks through the dictionary', async () => {
    const r = await kb.retriever.search('Which customer information counts as sensitive?', { k: 5 });
    expect(r.relevant).toBe(true);
    expect(r.hits.some((h) => hitMatches(h.chunk.text, ['敏感']))).toBe(true);
  });

  it('does not hold untranslatable English verbs and adverbs against a question, only nouns', async () => {
    // "quietly" and "faster" say how it is asked; "France" would say it is about something else.
    expect((await kb.retriever.search('Can I quietly give the client a kickback to get the deal closed faster?')).relevant).toBe(true);
  });

  it('does not count a compound as covered by a word it merely starts with', async () => {
    // 增值税 is not a kind of 增值: the tax question stays uncovered.
    expect((await kb.retriever.search('增值税税率是多少？')).relevant).toBe(false);
  });

  it('treats colloquial questions the handbook covers as relevant despite words it never uses', async () => {
    for (const q of ['我能不能私下给客户返点？', '老客户要求延长账期怎么办？', '合同没审批能先发货吗？', '資質證書過期了怎麼辦？', '销售部开会多久一次？', 'How do we protect customer data?']) {
      expect((await kb.retriever.search(q)).relevant, q).toBe(true);
    }
  });

  it('marks off-topic questions as not relevant', async () => {
    for (const q of ['周末去哪里钓鱼？', 'What is a good recipe for dumplings?', 'Where is a nice place to eat near the office?', 'What is the capital of Italy?', '帮我写一首关于春天的诗', '世界杯冠军是哪个国家？', '帮我订一张去北京的机票', '推荐一部好看的电影']) {
      expect((await kb.retriever.search(q)).relevant, q).toBe(false);
    }
  });

  it('meets a chat word nobody listed through its dictionary neighbours', async () => {
    // 合约 and 模棱两可 are in no glossary entry; CC-CEDICT glosses them like 合同 and 含糊.
    const r = await kb.retriever.search('合约里的条款写得模棱两可会怎样', { k: 3 });
    expect(r.relevant).toBe(true);
    expect(r.hits.some((h) => hitMatches(h.chunk.text, ['合同条款不清晰']))).toBe(true);
  });

  it('does not take a shared verb for the topic when the thing asked about is unknown', async () => {
    for (const q of ['推荐一部好看的电影', '帮我推荐几家附近的咖啡馆']) expect((await kb.retriever.search(q)).relevant, q).toBe(false);
    expect((await kb.retriever.search('给客户推荐产品要注意什么')).relevant).toBe(true);
  });

  it('returns hits in rank order with display text in the original script', async () => {
    const r = await kb.retriever.search('銷售合同審批流程', { k: 5 });
    expect(r.hits.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < r.hits.length; i++) expect(r.hits[i - 1]!.score).toBeGreaterThanOrEqual(r.hits[i]!.score);
  });
});

describe('persistence', () => {
  it('loads a stored index instead of rebuilding when nothing changed', async () => {
    const dataDir = path.join(tmp, 'persist-1');
    const first = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir });
    const second = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir });
    expect(first.status.rebuilt).toBe(true);
    expect(second.status.rebuilt).toBe(false);
    expect(second.status.chunks).toBe(first.status.chunks);
    const q = '签合同前要做信用评估吗';
    expect((await second.retriever.search(q)).hits.map((h) => h.chunk.id)).toEqual((await first.retriever.search(q)).hits.map((h) => h.chunk.id));
  });

  it('rebuilds when a knowledge file changes and picks up a new document', async () => {
    const knowledgeDir = copyKnowledge();
    const dataDir = path.join(tmp, 'persist-2');
    await loadKnowledgeBase({ knowledgeDir, dataDir });
    writeFileSync(path.join(knowledgeDir, 'handbook', 'travel.md'), '# 差旅報銷規定\n\n一、住宿標準\n出差住宿每晚不超過五百元，須取得增值稅發票。\n');
    const after = await loadKnowledgeBase({ knowledgeDir, dataDir });
    expect(after.status.rebuilt).toBe(true);
    expect(after.status.documents.map((d) => d.docId)).toContain('travel');
    const r = await after.retriever.search('出差住宿标准是多少');
    expect(r.hits[0]!.chunk.docId).toBe('travel');
  });

  it('rebuilds when the embedding configuration changes', async () => {
    const dataDir = path.join(tmp, 'persist-3');
    await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir });
    const other = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir, embeddings: new HashedNgramEmbeddings(256) });
    expect(other.status.rebuilt).toBe(true);
    expect(other.status.embeddings).toContain('256');
  });

  it('never loads a half-written index', async () => {
    const dataDir = path.join(tmp, 'persist-4');
    await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir });
    // A crash mid-write leaves a temporary folder and never touches the live index…
    mkdirSync(path.join(dataDir, '.index-999-dead'), { recursive: true });
    writeFileSync(path.join(dataDir, '.index-999-dead', 'chunks.json'), '[{"broken":');
    const reloaded = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir });
    expect(reloaded.status.rebuilt).toBe(false);
    // …and a live index whose files are damaged is rebuilt, not trusted.
    writeFileSync(path.join(dataDir, 'index', 'chunks.json'), '[{"broken":');
    const repaired = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir });
    expect(repaired.status.rebuilt).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'index', 'chunks.json'), 'utf8')).length).toBe(repaired.status.chunks);
  });

  it('reports and skips a bad file without failing the build', async () => {
    const knowledgeDir = copyKnowledge();
    writeFileSync(path.join(knowledgeDir, 'handbook', 'scan.pdf'), 'not really a pdf');
    writeFileSync(path.join(knowledgeDir, 'handbook', 'notes.xyz'), 'whatever');
    const r = await loadKnowledgeBase({ knowledgeDir, dataDir: path.join(tmp, 'persist-5') });
    // Five handbook documents, then the case library, the contract rules and the credit policy.
    expect(r.status.documents).toHaveLength(8);
    expect(r.status.skipped.map((s) => s.file).sort()).toEqual(['notes.xyz', 'scan.pdf']);
    expect(existsSync(path.join(tmp, 'persist-5', 'index', 'manifest.json'))).toBe(true);
    expect(readdirSync(path.join(tmp, 'persist-5')).filter((n) => n.startsWith('.index-'))).toEqual([]);
  });
});

describe('search CLI', () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const prev = process.env.DATA_DIR;
    process.env.DATA_DIR = path.join(tmp, 'cli-data');
    try {
      const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      process.env.DATA_DIR = prev;
    }
  };

  it('prints only JSON with --json', async () => {
    const r = await run('search', '违规会受到什么处罚', '--k', '3', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.relevant).toBe(true);
    expect(json.hits).toHaveLength(3);
    expect(Object.keys(json.hits[0]).sort()).toEqual(['docId', 'rank', 'score', 'section', 'text', 'title']);
  });

  it('rejects bad input with exit code 2 and a one-line error', async () => {
    for (const argv of [['search', ''], ['search', 'x'.repeat(2001)], ['search', 'q', '--k', '0'], ['search', 'q', '--k', '51'], ['search', 'q', '--nope'], ['nosuch']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});

// Wordings of our own: everyday English and chat fillers meet the handbook's words, and the same
// words on an unrelated subject stay refused.
describe('everyday English nouns and Chinese chat fillers', () => {
  it('answers rule questions worded with them', async () => {
    const media = await kb.retriever.search('a journalist rang me about a product failure, how should I respond');
    expect(media.relevant).toBe(true);
    expect(media.hits.slice(0, 3).some((h) => /媒[體体]/.test(h.chunk.text))).toBe(true);
    const promise = await kb.retriever.search('is it fine to promise a client free maintenance over wechat');
    expect(promise.relevant).toBe(true);
    expect(promise.hits[0]!.chunk.text).toMatch(/微信/);
    expect((await kb.retriever.search('记者来采访该怎么应对')).relevant).toBe(true);
  });

  it('still refuses the same words on another subject', async () => {
    expect((await kb.retriever.search('which wechat sticker pack is the funniest')).relevant).toBe(false);
    expect((await kb.retriever.search('any good dinner spots near the office')).relevant).toBe(false);
    expect((await kb.retriever.search('感觉今天有点冷')).relevant).toBe(false);
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeService } from '../../src/knowledge/service.js';
import { buildGlossary, tokenizerFor } from '../../src/retrieval/glossary.js';
import { plainTokenizer, Tokenizer } from '../../src/retrieval/tokenize.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tokenizer-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Dictionary words only (no HMM guesses), so what counts is what the dictionary holds.
const words = (t: Tokenizer, text: string) => t.tag(text).map((w) => w.word);

describe('a tokenizer owns its dictionary', () => {
  it('keeps its own domain words whole without teaching them to any other tokenizer', () => {
    const withWord = new Tokenizer(['背调']);
    expect(words(withWord, '客户背调怎么做')).toContain('背调');
    expect(words(new Tokenizer(), '客户背调怎么做')).not.toContain('背调');
    expect(words(plainTokenizer(), '客户背调怎么做')).not.toContain('背调');
  });

  it('gives a glossary without a word a segmenter without it', () => {
    const g1 = buildGlossary({ synonyms: [['查底细', '信用评估']], english: {}, stopwords: [] });
    const g2 = buildGlossary({ synonyms: [['摸底', '信用评估']], english: {}, stopwords: [] });
    expect(words(tokenizerFor(g1), '先查底细再签')).toContain('查底细');
    expect(words(tokenizerFor(g2), '先查底细再签')).not.toContain('查底细');
    expect(words(tokenizerFor(g2), '先摸底再签')).toContain('摸底');
  });

  it('forgets a word removed from the glossary on /kb reload', async () => {
    const knowledgeDir = path.join(tmp, 'knowledge');
    cpSync(path.resolve('knowledge'), knowledgeDir, { recursive: true });
    const glossaryFile = path.join(knowledgeDir, 'glossary.yaml');
    const original = readFileSync(glossaryFile, 'utf8');
    writeFileSync(glossaryFile, original.replace('synonyms:\n', 'synonyms:\n  - [摸摸底细, 信用评估]\n'));
    const kb = await KnowledgeService.open({ knowledgeDir, dataDir: path.join(tmp, 'data') });
    expect(words(kb.tokenizer, '签之前摸摸底细')).toContain('摸摸底细');
    writeFileSync(glossaryFile, original);
    await kb.reload();
    expect(words(kb.tokenizer, '签之前摸摸底细')).not.toContain('摸摸底细');
  });
});

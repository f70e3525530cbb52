import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCleaningRules, cleanDocument, type CleaningRules } from '../../src/knowledge/cleaning.js';
import { ingestFolder, ingestText, type IngestResult } from '../../src/knowledge/ingest.js';
import { findSections, cjkNumber } from '../../src/knowledge/sections.js';
import { splitSentences } from '../../src/knowledge/chunker.js';
import { parseDataFile, DataFileError } from '../../src/data-files/data-file.js';
import { cleaningSchema } from '../../src/knowledge/cleaning.js';

const KNOWLEDGE = path.resolve('knowledge');
let rules: CleaningRules;
let ingested: IngestResult;

beforeAll(async () => {
  rules = loadCleaningRules(path.join(KNOWLEDGE, 'cleaning.yaml'));
  ingested = await ingestFolder(path.join(KNOWLEDGE, 'handbook'), rules);
});

/** Site residue that must never reach a chunk (both scripts). */
const RESIDUE = [
  /_第\d+[頁页]/u,
  /已[閱阅][讀读]\d+[頁页]/u,
  /還剩|还剩/u,
  /版[權权][說说]明/u,
  /[溫温]馨提示/u,
  /最新文[檔档]/u,
  /提交[評评]論|提交评论/u,
  /^[評评][論论]$/mu,
  /人人文[庫库]/u,
  /\((?:[a-z]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-z]*)\)/u,
  /\?/u,
  /\uFFFD/u,
  /下[載载]本文[檔档]/u,
];

describe('handbook ingestion', () => {
  it('reads all five handbook documents without skipping any', () => {
    expect(ingested.skipped).toEqual([]);
    expect(ingested.documents).toHaveLength(5);
  });

  it('leaves no site boilerplate, pinyin gloss or broken-encoding marks in any chunk', () => {
    const chunks = ingested.documents.flatMap((d) => d.chunks);
    expect(chunks.length).toBeGreaterThan(40);
    for (const c of chunks) for (const re of RESIDUE) expect(c.text, `${c.id} matches ${re}`).not.toMatch(re);
  });

  it('takes each title from the document itself', () => {
    const titles = ingested.documents.map((d) => d.title).sort();
    expect(titles).toEqual(
      ['合肥資質銷售管理辦法', '合规管理在销售团队中如何有效实施', '某公司直銷管理制度的規定', '銷售安全管理指南', '銷售部管理規章制度修訂版'].sort(),
    );
  });

  it('cites the rule against kickbacks as chapter nine, item five, of the sales department rules', () => {
    const doc = ingested.documents.find((d) => d.title === '銷售部管理規章制度修訂版')!;
    const chunk = doc.chunks.find((c) => c.text.includes('禁止給客戶回扣'))!;
    expect(chunk.sectionPath[0]).toBe('第九章 風險控制與合規經營');
    expect(chunk.section).toMatch(/^第九章 風險控制與合規經營 › \d+(–\d+)?$/u);
  });

  it('reads inline numbering (一、 … 1.) and slide-deck parts (01PART) as sections', () => {
    const direct = ingested.documents.find((d) => d.title === '某公司直銷管理制度的規定')!;
    expect(new Set(direct.chunks.map((c) => c.sectionPath[0]))).toEqual(
      new Set(['一、 總則', '二、 直銷團隊管理', '三、 直銷業務流程', '四、 直銷客戶管理', '五、 直銷風險管理', '六、 監督與檢查']),
    );
    const deck = ingested.documents.find((d) => d.title === '銷售安全管理指南')!;
    expect(deck.chunks.map((c) => c.sectionPath[0])).toContain('02 銷售過程中的安全風險');
  });

  it('keeps chunks within Chinese-sized bounds with offsets into the cleaned text', () => {
    for (const d of ingested.documents) {
      for (const c of d.chunks) {
        expect(c.text.length).toBeLessThanOrEqual(450);
        expect(d.cleanText.slice(c.start, c.end).trim()).toBe(c.text);
      }
      const sizes = d.chunks.map((c) => c.text.length);
      const median = [...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)]!;
      expect(median).toBeGreaterThanOrEqual(200);
    }
  });

  it('keeps the original script for display and a Simplified form for the index', () => {
    const c = ingested.documents.flatMap((d) => d.chunks).find((x) => x.text.includes('禁止給客戶回扣'))!;
    expect(c.text).toContain('禁止給客戶回扣');
    expect(c.normText).toContain('禁止给客户回扣');
  });

  it('overlaps consecutive chunks of a section by a sentence', () => {
    const doc = ingested.documents.find((d) => d.title === '銷售部管理規章制度修訂版')!;
    const [a, b] = doc.chunks.filter((c) => c.sectionPath[0]?.startsWith('第九章'));
    expect(b!.start).toBeLessThan(a!.end);
  });
});

describe('cleaning rules', () => {
  it('removes pinyin glosses but keeps Latin words in parentheses', () => {
    const out = cleanDocument('銷(xiāo)售人員使用客戶關係管理(CRM)系統', rules).text;
    expect(out).toBe('銷售人員使用客戶關係管理(CRM)系統');
  });

  it('cuts the footer and everything after it', () => {
    const out = cleanDocument('正文第一句。\n\n溫馨提示\n  • 1. 本站所有資源\n最新文檔\n評論', rules).text;
    expect(out).toBe('正文第一句。');
  });

  it('reports a bad pattern with the file and line', () => {
    const yaml = 'inline:\n  - id: ok\n    pattern: "a"\n  - id: broken\n    pattern: "(unclosed"\n';
    expect(() => parseDataFile('cleaning.yaml', yaml, cleaningSchema)).toThrow(DataFileError);
    try {
      parseDataFile('cleaning.yaml', yaml, cleaningSchema);
    } catch (err) {
      expect((err as Error).message).toMatch(/cleaning\.yaml:5: inline\.1\.pattern: invalid regular expression/u);
    }
  });
});

describe('sections and sentences', () => {
  it('converts Chinese numerals', () => {
    expect([cjkNumber('一'), cjkNumber('十'), cjkNumber('十二'), cjkNumber('二十三'), cjkNumber('一百零五')]).toEqual([1, 10, 12, 23, 105]);
  });

  it('ignores numbers that do not continue the sequence', () => {
    const text = '第一章總則\n1.內容一。\n2.金額為3.5萬元，共8.項。\n第二章附則\n1.附則內容。';
    const spans = findSections(text, rules.sections);
    expect(spans.map((s) => s.path.join(' › '))).toEqual(['', '第一章 總則', '第一章 總則 › 1', '第一章 總則 › 2', '第二章 附則', '第二章 附則 › 1']);
  });

  it('splits at Chinese sentence ends and cuts over-long sentences', () => {
    const text = '第一句。第二句！第三句？第四句；' + '很長'.repeat(300);
    const s = splitSentences(text, 200);
    expect(s.slice(0, 4).map((x) => text.slice(x.start, x.end))).toEqual(['第一句。', '第二句！', '第三句？', '第四句；']);
    expect(s.every((x) => x.end - x.start <= 200)).toBe(true);
  });

  it('ingests a user document in another format and numbering style', () => {
    const doc = ingestText('user-doc', '客戶拜訪規範\n第一條 拜訪前應預約。\n第二條 拜訪時應攜帶合規手冊。', rules);
    expect(doc.title).toBe('客戶拜訪規範');
    expect(doc.chunks[0]!.text).toContain('合規手冊');
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingOutline, ingestDocument } from '../../src/documents/ingest.js';
import { garbledCharacters, previewDocument } from '../../src/documents/preview.js';
import { loadCleaningRules } from '../../src/knowledge/cleaning.js';
import { blankPdf, docxWithHeadings, TRAVEL_POLICY_MD } from '../helpers/documents.js';

const rules = loadCleaningRules(path.resolve('knowledge/cleaning.yaml'));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('document preview', () => {
  it('reads markdown headings as section paths; the lone first-line H1 is the title', async () => {
    const p = await previewDocument('travel.md', bytes(TRAVEL_POLICY_MD), rules);
    expect(p.error).toBeUndefined();
    expect(p.title).toBe('差旅报销制度');
    expect(p.sections).toEqual([['一般规定'], ['住宿标准'], ['交通工具']]);
    expect(p.chunkCount).toBe(3);
    const lodging = p.document!.chunks.find((c) => c.text.includes('六百元'))!;
    expect(lodging.section).toBe('住宿标准');
    expect(lodging.text).not.toContain('#');
    expect(p.warnings).toEqual([]);
  });

  it('nests deeper headings under their parents, also when a level is skipped', () => {
    const o = headingOutline('# A\nintro\n### A1\ntext\n## B\nmore\n# C\nend')!;
    expect(o.title).toBeNull(); // two H1s: both are sections
    expect(o.spans.map((s) => s.path)).toEqual([[], ['A'], ['A', 'A1'], ['A', 'B'], ['C']]);
    expect(headingOutline('第一章 总则\n1. 本办法适用于全体员工。')).toBeNull();
    // A known title (Feishu's) that differs from the lone H1 leaves the H1 a section; the same text is the title.
    expect(headingOutline('# 结算周期\n按季度结算。', '佣金结算细则')!.spans.map((s) => s.path)).toEqual([[], ['结算周期']]);
    expect(headingOutline('# 佣金结算细则\n按季度结算。', '佣金结算细则')!.title).toBe('佣金结算细则');
  });

  it('reads the headings of a Word document from its heading styles', async () => {
    const data = await docxWithHeadings([
      { style: 'Heading1', text: 'Expense Policy' },
      { style: 'Heading2', text: 'Client Entertainment' },
      { text: 'Gifts to clients may not exceed 200 yuan per person per year.' },
      { style: 'Heading3', text: 'Approval' },
      { text: 'Entertainment above 1,000 yuan needs the sales director’s prior approval.' },
    ]);
    const p = await previewDocument('policy.docx', data, rules);
    expect(p.title).toBe('Expense Policy');
    expect(p.sections).toEqual([['Client Entertainment'], ['Client Entertainment', 'Approval']]);
    expect(p.document!.chunks.find((c) => c.text.includes('1,000'))!.section).toBe('Client Entertainment › Approval');
  });

  it('falls back to the handbook numbering rules when a document has no headings', async () => {
    const text = '销售费用管理规定\n第一章 总则\n为规范销售费用，特制定本规定。\n第二章 审批\n单笔费用超过五千元须经财务总监审批。';
    const p = await previewDocument('fees.txt', bytes(text), rules);
    expect(p.title).toBe('销售费用管理规定');
    expect(p.sections.map((s) => s[0]!.split(' ')[0])).toEqual(['第一章', '第二章']);
    expect(p.warnings.map((w) => w.kind)).not.toContain('no-sections');
  });

  it('says what cleaning removed, by rule, with an example', async () => {
    const scraped = '某公司报销规定_第1頁\n一、总则\n报销须附发票。\n已閱讀5頁,還剩3頁未讀\n二、时限\n报销应在三十日内提交。\n溫馨提示\n1. 本站不保证内容准确';
    const p = await previewDocument('scraped.txt', bytes(scraped), rules);
    const byRule = Object.fromEntries(p.removed.map((r) => [r.rule, r]));
    expect(byRule['page-marker']?.count).toBe(1);
    expect(byRule['read-progress']?.example).toContain('已閱讀');
    expect(byRule['warm-tips-footer']?.example).toContain('溫馨提示');
    const clean = await previewDocument('clean.md', bytes(TRAVEL_POLICY_MD), rules);
    expect(clean.removed.filter((r) => r.rule !== 'trailing-spaces' && r.rule !== 'blank-runs')).toEqual([]);
  });

  it('refuses a scanned PDF with a clear reason and warns about garbled text', async () => {
    const scan = await previewDocument('scan.pdf', blankPdf(), rules);
    expect(scan.error).toMatch(/scan/i);
    expect(scan.warnings[0]?.kind).toBe('scanned-pdf');

    const mojibake = Buffer.from('出差报销须在十五日内提交。住宿标准每晚不超过六百元。', 'utf8').toString('latin1');
    const garbled = await previewDocument('garbled.txt', bytes(`# 报销\n${mojibake}`), rules);
    expect(garbled.warnings.map((w) => w.kind)).toContain('garbled');
    const fine = await previewDocument('fine.txt', bytes('# Refunds\nRefunds are paid within 30 days, café receipts included.'), rules);
    expect(fine.warnings.map((w) => w.kind)).not.toContain('garbled');
  });

  it('counts decoding debris, not ordinary punctuation or accented words', () => {
    expect(garbledCharacters('合同??条款\uFFFD')).toBe(3);
    expect(garbledCharacters('Is this fine? Yes. Résumé, naïve, café.')).toBe(0);
  });

  it('rejects unsupported and empty files without throwing', async () => {
    expect((await previewDocument('sheet.xlsx', bytes('x'), rules)).error).toMatch(/Unsupported/);
    expect((await previewDocument('empty.md', bytes('   \n'), rules)).error).toMatch(/No text/);
  });

  it('keeps ingest ids and titles stable for the index', () => {
    const { document } = ingestDocument('kb-1', TRAVEL_POLICY_MD, rules, { fileName: 'travel.md', title: '差旅制度（2026）' });
    expect(document.chunks.map((c) => c.id)).toEqual(['kb-1#0', 'kb-1#1', 'kb-1#2']);
    expect(new Set(document.chunks.map((c) => c.title))).toEqual(new Set(['差旅制度（2026）']));
  });
});

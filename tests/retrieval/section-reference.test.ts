import { describe, expect, it } from 'vitest';
import { findReferenced, parseSectionReference, withoutReference } from '../../src/retrieval/section-reference.js';
import type { Chunk } from '../../src/retrieval/types.js';

const chunk = (id: string, heading: string, text: string, kind?: Chunk['kind']): Chunk => ({
  id,
  docId: id.split('#')[0]!,
  title: 'T',
  section: heading,
  sectionPath: [heading],
  text,
  normText: text,
  start: 0,
  end: text.length,
  ...(kind ? { kind } : {}),
});

describe('numbering references in a question', () => {
  it('reads a chapter with or without an item, in Chinese numerals or digits, and in English', () => {
    expect(parseSectionReference('第三章第十二条讲的什么')).toEqual({ part: 3, partKind: 'chapter', item: 12 });
    expect(parseSectionReference('第4章 2')).toEqual({ part: 4, partKind: 'chapter', item: 2 });
    expect(parseSectionReference('第二部分的第3点')).toEqual({ part: 2, partKind: 'part', item: 3 });
    expect(parseSectionReference('第六章主要讲什么')).toEqual({ part: 6, partKind: 'chapter' });
    expect(parseSectionReference('Chapter 4, item 2 please')).toEqual({ part: 4, partKind: 'chapter', item: 2 });
  });

  it('does not take ordinary ordinals or amounts for a reference', () => {
    expect(parseSectionReference('第一次见客户要注意什么')).toBeNull();
    expect(parseSectionReference('定金能收第3笔吗')).toBeNull();
    expect(parseSectionReference('Is a 4.2% rebate allowed?')).toBeNull();
  });

  it('finds the numbered item in the passage of that chapter, not in another chapter or a case', () => {
    const chunks = [
      chunk('a#0', '第二章 组织', '第二章组织\n\n1.甲乙丙丁。\n\n2.第二章的第二条内容。'),
      chunk('a#1', '第四章 考核', '第四章考核\n\n1.考核第一条。\n\n2.考核按季度进行,结果公示。\n\n3.第三条。'),
      chunk('c#0', '第四章 案例', '1.x\n2.案例里的第二条', 'case'),
    ];
    const [hit, ...rest] = findReferenced(chunks, { part: 4, partKind: 'chapter', item: 2 });
    expect(rest).toEqual([]);
    expect(hit!.chunk.id).toBe('a#1');
    expect(hit!.chunk.text.slice(hit!.start, hit!.end)).toBe('考核按季度进行,结果公示。');
    expect(findReferenced(chunks, { part: 4, partKind: 'chapter', item: 9 })).toEqual([]);
    expect(findReferenced(chunks, { part: 7, partKind: 'chapter' })).toEqual([]);
  });

  it('leaves what else the question asks once the reference is taken out', () => {
    expect(withoutReference('第三章第十二条讲的什么').trim()).toBe('讲的什么');
    expect(withoutReference('第九章第5条说不能给回扣，那红包呢')).toMatch(/回扣.*红包/);
  });
});

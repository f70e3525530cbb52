import { describe, expect, it } from 'vitest';
import { decodeChunks, encodeChunks } from '../../src/knowledge/chunk-store.js';
import type { Chunk } from '../../src/retrieval/types.js';

const chunk = (i: number, text: string, normText: string): Chunk => ({
  id: `doc#${i}`,
  docId: 'doc',
  title: '銷售部管理規章制度',
  section: `第${i}章`,
  sectionPath: [`第${i}章`],
  text,
  normText,
  start: i * 10,
  end: i * 10 + text.length,
});

describe('chunk store', () => {
  it('round-trips texts in any script, including astral characters, empty texts and separators', () => {
    const chunks = [chunk(0, '禁止給客戶回扣。', '禁止给客户回扣。'), chunk(1, '', ''), chunk(2, 'Emoji 😀 and 𠀋, "quotes"\n\u0000', 'emoji 😀 and 𠀋')];
    expect(decodeChunks(encodeChunks(chunks))).toEqual(chunks);
    expect(decodeChunks(encodeChunks([]))).toEqual([]);
  });

  it('refuses a truncated texts file or one written for a different number of chunks', () => {
    const a = encodeChunks([chunk(0, '甲', '甲'), chunk(1, '乙', '乙')]);
    expect(() => decodeChunks({ meta: a.meta, texts: a.texts.subarray(0, a.texts.length - 2) })).toThrow();
    expect(() => decodeChunks({ meta: a.meta, texts: encodeChunks([chunk(0, '甲', '甲')]).texts })).toThrow();
    expect(() => decodeChunks({ meta: a.meta, texts: Buffer.alloc(2) })).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { SqliteDocumentStore } from '../../src/documents/store.js';
import { openDatabase } from '../../src/storage/db.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('document store', () => {
  it('keeps versions, audits every change and changes its revision', async () => {
    const store = new SqliteDocumentStore(openDatabase(':memory:'));
    const r0 = await store.revision();
    const a = await store.add({ title: 'Gifts', fileName: 'gifts.md', data: bytes('v1'), actor: 'slack:U1' });
    expect(a.outcome).toBe('added');
    expect(a.document.docId).toMatch(/^kb-[0-9a-f]{8}$/);
    expect((await store.add({ title: 'Gifts', fileName: 'gifts.md', data: bytes('v1'), actor: 'slack:U1' })).outcome).toBe('unchanged');
    const b = await store.add({ title: 'Gifts 2027', fileName: 'gifts.md', data: bytes('v2'), actor: 'cli:ops' });
    expect(b).toMatchObject({ outcome: 'replaced', document: { docId: a.document.docId, version: 2, title: 'Gifts 2027' } });
    // Another file with another title is another document.
    const c = await store.add({ title: 'Travel', fileName: 'travel.md', data: bytes('t'), actor: 'cli:ops' });
    expect(c.document.docId).not.toBe(a.document.docId);
    expect(await store.revision()).not.toBe(r0);

    const contents = await store.contents();
    expect(contents.map((x) => new TextDecoder().decode(x.data))).toEqual(['v2', 't']);
    expect(await store.remove(a.document.docId, 'slack:U1')).toBe(true);
    expect(await store.remove(a.document.docId, 'slack:U1')).toBe(false);
    expect((await store.list()).map((d) => d.title)).toEqual(['Travel']);
    expect((await store.versions(a.document.docId)).map((v) => [v.version, v.addedBy])).toEqual([[1, 'slack:U1'], [2, 'cli:ops']]);
    expect((await store.audit()).map((e) => e.action)).toEqual(['remove', 'add', 'replace', 'add']);
  });

  it('brings a synced document back under its id when the source publishes it again', async () => {
    const store = new SqliteDocumentStore(openDatabase(':memory:'));
    const first = await store.add({ title: 'Wiki', fileName: 'wiki.md', data: bytes('a'), actor: 'feishu-sync', source: 'feishu', sourceRef: 'doxcnABC' });
    expect(first.document.docId).toBe('feishu-doxcnABC');
    await store.remove(first.document.docId, 'feishu-sync');
    const again = await store.add({ title: 'Wiki', fileName: 'wiki.md', data: bytes('b'), actor: 'feishu-sync', source: 'feishu', sourceRef: 'doxcnABC' });
    expect(again.document).toMatchObject({ docId: 'feishu-doxcnABC', version: 2 });
    expect(await store.findBySource('feishu', 'doxcnABC')).not.toBeNull();
    // An upload titled like a synced document is its own document, not a new version of it.
    expect(await store.uploadReplacedBy('wiki-copy.md', 'Wiki')).toBeNull();
    const upload = await store.add({ title: 'Wiki', fileName: 'wiki-copy.md', data: bytes('c'), actor: 'slack:U1' });
    expect(upload.outcome).toBe('added');
    expect((await store.uploadReplacedBy('other-name.md', 'Wiki'))?.docId).toBe(upload.document.docId);
  });

  it('hands a pending upload out once, and not after it expired', async () => {
    const store = new SqliteDocumentStore(openDatabase(':memory:'));
    const id = await store.stagePending('slack:U1', 'a.md', bytes('x'), 1_000);
    expect((await store.takePending(id, 2_000))?.fileName).toBe('a.md');
    expect(await store.takePending(id, 2_000)).toBeNull();
    const old = await store.stagePending('slack:U1', 'b.md', bytes('x'), 1_000);
    expect(await store.takePending(old, 1_000 + 25 * 3600_000)).toBeNull();
  });
});

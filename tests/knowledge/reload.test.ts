import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLexicalIndexInWorker } from '../../src/knowledge/index-worker.js';
import { ingestText } from '../../src/knowledge/ingest.js';
import { buildLexicalIndex, loadKnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { KnowledgeService } from '../../src/knowledge/service.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'reload-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function copyKnowledge(): string {
  const dir = path.join(tmp, `knowledge-${Math.random().toString(36).slice(2)}`);
  cpSync(path.resolve('knowledge'), dir, { recursive: true });
  return dir;
}

const travel = '# 差旅報銷規定\n\n一、住宿標準\n出差住宿每晚不超過五百元，須取得增值稅發票。\n';

describe('building off the answer path', () => {
  it('builds on a worker thread the same index as on the main thread', async () => {
    const inWorker = await buildLexicalIndexInWorker(path.resolve('knowledge'));
    const here = await buildLexicalIndex(path.resolve('knowledge'));
    expect(inWorker.threadId).not.toBe(threadId);
    expect(inWorker.chunks).toEqual(here.chunks);
    expect(inWorker.bm25.vocabularySize).toBe(here.bm25.vocabularySize);
    const query = [{ term: '回扣', weight: 1 }, { term: '客户', weight: 0.6 }];
    expect(inWorker.bm25.top(query, 10)).toEqual(here.bm25.top(query, 10));
    expect([...inWorker.lexicon.keys()].length).toBe([...here.lexicon.keys()].length);
  });

  it('keeps answering from the current index while a reload builds, then swaps in the new document', async () => {
    const knowledgeDir = copyKnowledge();
    const service = await KnowledgeService.open({ knowledgeDir, dataDir: path.join(tmp, 'svc-1') });
    writeFileSync(path.join(knowledgeDir, 'handbook', 'travel.md'), travel);
    const reloading = service.reload(true);
    // A second request while one runs shares it rather than building twice.
    expect(service.reload(true)).toBe(reloading);
    const during = await service.search('出差住宿标准是多少');
    expect(during.hits.every((h) => h.chunk.docId !== 'travel')).toBe(true);
    const status = await reloading;
    expect(status.rebuilt).toBe(true);
    expect(status.documents.map((d) => d.docId)).toContain('travel');
    expect((await service.search('出差住宿标准是多少')).hits[0]!.chunk.docId).toBe('travel');
    // What the worker built was stored whole: the next start loads it instead of rebuilding.
    const restarted = await loadKnowledgeBase({ knowledgeDir, dataDir: path.join(tmp, 'svc-1') });
    expect(restarted.status.rebuilt).toBe(false);
    expect(restarted.status.chunks).toBe(status.chunks);
  });

  it('indexes documents added at run time when the reload builds on the worker', async () => {
    let added = false;
    const extraDocuments = {
      fingerprint: async () => (added ? 'travel' : 'none'),
      ingest: async (rules: Parameters<typeof ingestText>[2]) => ({ documents: added ? [ingestText('travel-added', travel, rules)] : [], skipped: [] }),
    };
    const service = await KnowledgeService.open({ knowledgeDir: path.resolve('knowledge'), dataDir: path.join(tmp, 'svc-3'), extraDocuments });
    expect(service.status.documents.map((d) => d.docId)).not.toContain('travel-added');
    added = true;
    const status = await service.reload(true);
    expect(status.documents.map((d) => d.docId)).toContain('travel-added');
    expect((await service.search('出差住宿标准是多少')).hits[0]!.chunk.docId).toBe('travel-added');
  });

  it('keeps the current index when a reload fails', async () => {
    const knowledgeDir = copyKnowledge();
    const service = await KnowledgeService.open({ knowledgeDir, dataDir: path.join(tmp, 'svc-2') });
    const before = service.status;
    writeFileSync(path.join(knowledgeDir, 'cleaning.yaml'), 'sections: [unclosed');
    await expect(service.reload(true)).rejects.toThrow();
    expect(service.status).toBe(before);
    expect((await service.search('可以给客户回扣吗')).relevant).toBe(true);
    // A later reload after the fix goes through: the failed one is not left pending.
    cpSync(path.resolve('knowledge', 'cleaning.yaml'), path.join(knowledgeDir, 'cleaning.yaml'));
    expect((await service.reload(true)).rebuilt).toBe(true);
  });
});

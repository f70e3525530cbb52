import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadKnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { HashedNgramEmbeddings, OpenAICompatibleEmbeddings } from '../../src/retrieval/embeddings.js';
import { createEmbeddings } from '../../src/config/embeddings.js';

/**
 * A local OpenAI-compatible /v1/embeddings server: vectors come from the offline n-gram embedding,
 * so results are deterministic and meaningful enough to rank.
 */
const tmp = mkdtempSync(path.join(tmpdir(), 'embeddings-test-'));
const requests: { model: string; input: string[]; auth?: string }[] = [];
let server: Server;
let baseURL: string;
const local = new HashedNgramEmbeddings(64);

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; input: string | string[] };
    const input = Array.isArray(body.input) ? body.input : [body.input];
    requests.push({ model: body.model, input, auth: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        object: 'list',
        model: body.model,
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: local.embed(text) })),
        usage: { prompt_tokens: 1, total_tokens: 1 },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

describe('OpenAI-compatible embeddings', () => {
  it('is chosen only when EMBEDDINGS_MODEL and an endpoint are configured; otherwise there is no dense side', () => {
    expect(createEmbeddings(loadConfig({}, null))).toBeNull();
    expect(createEmbeddings(loadConfig({ EMBEDDINGS_MODEL: 'bge-m3' }, null))).toBeNull();
    expect(createEmbeddings(loadConfig({ EMBEDDINGS_MODEL: 'offline-ngram' }, null))).toBeInstanceOf(HashedNgramEmbeddings);
    expect(createEmbeddings(loadConfig({ EMBEDDINGS_MODEL: 'bge-m3', OPENAI_BASE_URL: baseURL }, null))).toBeInstanceOf(OpenAICompatibleEmbeddings);
  });

  it('builds the dense index through @langchain/openai against any compatible server', async () => {
    const embeddings = createEmbeddings(loadConfig({ EMBEDDINGS_MODEL: 'bge-m3', OPENAI_BASE_URL: baseURL }, null));
    const kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: path.join(tmp, 'a'), embeddings });
    expect(kb.status.embeddings).toContain('bge-m3');
    expect(requests.some((r) => r.model === 'bge-m3' && r.input.length > 1)).toBe(true);
    const before = requests.length;
    // A passage's own text must come back first: the query vector is the server's, the index is hnswlib's.
    const target = kb.retriever.chunks.find((c) => c.text.includes('禁止給客戶回扣'))!;
    const r = await kb.retriever.withOptions({ mode: 'dense' }).search(target.normText, { k: 5 });
    expect(requests.length).toBe(before + 1);
    expect(r.hits).toHaveLength(5);
    expect(r.hits[0]!.chunk.id).toBe(target.id);
  });

  it('rebuilds the index when the embedding model changes, and reuses it otherwise', async () => {
    const dataDir = path.join(tmp, 'b');
    const make = (model: string) => new OpenAICompatibleEmbeddings({ model, baseURL });
    expect((await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir, embeddings: make('m1') })).status.rebuilt).toBe(true);
    expect((await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir, embeddings: make('m1') })).status.rebuilt).toBe(false);
    expect((await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir, embeddings: make('m2') })).status.rebuilt).toBe(true);
  });
});

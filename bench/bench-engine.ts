/**
 * One engine, one phase, one process (spawned by bench-retrieval.ts with --expose-gc), so that
 * build garbage, caches and the other engines never inflate a memory or restart figure. Prints
 * one `RESULT {json}` line.
 *
 *   build:   index the corpus from scratch, store it, time queries and recall@5 on the dev set
 *   restart: load the stored index as a fresh process would, then time queries again
 *   chunks:  only parse the stored chunks (to tell the index's memory from the texts')
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import FlexSearch from 'flexsearch';
import MiniSearch from 'minisearch';
import { readChunks } from '../src/knowledge/chunk-store.js';
import { loadKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { loadGlossary, tokenizerFor } from '../src/retrieval/glossary.js';
import type { Chunk } from '../src/retrieval/types.js';
import { normalise } from '../src/text/normalise.js';
import { percentile } from './percentile.js';
import { hitMatches, readJsonl } from './retrieval-eval.js';

const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    phase: { type: 'string' },
    knowledge: { type: 'string' },
    data: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
const engine = values.engine as 'ours' | 'flexsearch' | 'minisearch';
const phase = values.phase as 'build' | 'restart' | 'chunks';
const dataDir = values.data!;
const knowledgeDir = values.knowledge!;
const rounds = Number(values.rounds);

const dev = readJsonl('tests/fixtures/questions.dev.jsonl');
const queries = [...dev, ...readJsonl('tests/fixtures/questions.extra.jsonl'), ...readJsonl('tests/fixtures/questions.offtopic.dev.jsonl')].map((q) => q.q);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const residentMb = () => {
  gc();
  gc();
  return process.memoryUsage().rss / 2 ** 20;
};

/** Top-5 chunk ordinals for a question. */
type Search = (q: string) => Promise<number[]> | number[];

// The peers get the segmenter ours uses: jieba taught the glossary's domain words.
const tokenizer = tokenizerFor(loadGlossary(path.join(knowledgeDir, 'glossary.yaml')));
const indexTerms = (norm: string) => tokenizer.indexTerms(norm);
const tokenize = (text: string) => indexTerms(normalise(text));
const peerDir = path.join(dataDir, engine ?? 'none');
// Every engine reads the chunks the way ours does on a restart (they need the texts to answer too).
const readStoredChunks = (): Chunk[] => readChunks(path.join(dataDir, 'index'));

async function open(): Promise<{ search: Search; chunks: Chunk[] }> {
  if (engine === 'ours') {
    const kb = await loadKnowledgeBase({ knowledgeDir, dataDir, rebuild: phase === 'build' });
    if (phase === 'restart' && kb.status.rebuilt) throw new Error('the stored index was not used');
    const ordinal = new Map(kb.retriever.chunks.map((c, i) => [c, i]));
    return { chunks: kb.retriever.chunks, search: async (q) => (await kb.retriever.search(q, { k: 5 })).hits.map((h) => ordinal.get(h.chunk)!) };
  }
  const chunks = readStoredChunks();
  if (engine === 'minisearch') {
    const options = {
      fields: ['normText'],
      tokenize: (text: string) => indexTerms(text),
      processTerm: (t: string) => t,
      searchOptions: { tokenize, processTerm: (t: string) => t },
    };
    let mini: MiniSearch;
    if (phase === 'build') {
      mini = new MiniSearch(options);
      mini.addAll(chunks.map((c, id) => ({ id, normText: c.normText })));
      mkdirSync(peerDir, { recursive: true });
      writeFileSync(path.join(peerDir, 'index.json'), JSON.stringify(mini));
    } else {
      mini = MiniSearch.loadJSON(readFileSync(path.join(peerDir, 'index.json'), 'utf8'), options);
    }
    return { chunks, search: (q) => mini.search(q).slice(0, 5).map((r) => r.id as number) };
  }
  // FlexSearch: whole jieba terms ("strict"); suggest lets a question match on some of its terms.
  const flex = new FlexSearch.Index({ encode: tokenize, tokenize: 'strict' });
  if (phase === 'build') {
    chunks.forEach((c, id) => flex.add(id, c.normText));
    mkdirSync(peerDir, { recursive: true });
    const parts: Record<string, string> = {};
    flex.export((key: string, data: string) => void (parts[key] = data));
    writeFileSync(path.join(peerDir, 'index.json'), JSON.stringify(parts));
  } else {
    const parts = JSON.parse(readFileSync(path.join(peerDir, 'index.json'), 'utf8')) as Record<string, string>;
    for (const [key, data] of Object.entries(parts)) flex.import(key, data);
  }
  return { chunks, search: (q) => flex.search(q, { limit: 5, suggest: true }) as number[] };
}

if (phase === 'chunks') {
  const before = residentMb();
  const chunks = readStoredChunks();
  console.log(`RESULT ${JSON.stringify({ chunks: chunks.length, chunksMb: residentMb() - before })}`);
} else {
  const before = residentMb();
  const t0 = performance.now();
  const { search, chunks } = await open();
  const openMs = performance.now() - t0;
  const memoryMb = residentMb() - before;
  // The first answer after a start pays for lazy loading and JIT; it is reported on its own and
  // one untimed round warms up before the timed ones.
  const f0 = performance.now();
  await search(queries[0]!);
  const firstQueryMs = performance.now() - f0;
  for (const q of queries) await search(q);

  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const s = performance.now();
      await search(q);
      times.push(performance.now() - s);
    }
  }
  let found = 0;
  for (const q of dev) if ((await search(q.q)).some((id) => hitMatches(chunks[id]!.text, q.gold ?? []))) found++;
  const result = {
    engine,
    phase,
    chunks: chunks.length,
    openMs,
    firstQueryMs,
    memoryMb,
    peakMb: process.resourceUsage().maxRSS / 1024,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    recallAt5: found / dev.length,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

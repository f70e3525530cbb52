import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { loadCleaningRules } from '../src/knowledge/cleaning.js';
import { ingestText } from '../src/knowledge/ingest.js';
import { normalise } from '../src/text/normalise.js';
import { extractText } from '../src/knowledge/loaders.js';
import { HashedNgramEmbeddings } from '../src/retrieval/embeddings.js';
import { loadGlossary, tokenizerFor } from '../src/retrieval/glossary.js';
import { HybridRetriever } from '../src/retrieval/hybrid.js';
import { handbookLexicon } from '../src/knowledge/knowledge-base.js';
import type { Chunk } from '../src/retrieval/types.js';
import { VectorIndex } from '../src/retrieval/vector-index.js';

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export interface ScaleResult {
  scale: number;
  chunks: number;
  buildMs: number;
  p50: number;
  p95: number;
  miniBuildMs: number;
  miniP50: number;
  miniP95: number;
}

/**
 * Deterministic perturbation for synthetic corpora: copy i rotates each paragraph's sentences
 * by i and tags the title, so copies are distinct documents with the handbook's vocabulary.
 */
function perturb(text: string, copy: number): string {
  if (copy === 0) return text;
  return text
    .split('\n')
    .map((line) => {
      const sentences = line.match(/[^。！？；]+[。！？；]?/gu) ?? [line];
      const k = copy % Math.max(1, sentences.length);
      return [...sentences.slice(k), ...sentences.slice(0, k)].join('');
    })
    .join('\n');
}

async function handbookTexts(knowledgeDir: string): Promise<{ name: string; raw: string }[]> {
  const dir = path.join(knowledgeDir, 'handbook');
  const out: { name: string; raw: string }[] = [];
  for (const name of readdirSync(dir).sort()) out.push({ name, raw: await extractText(name, readFileSync(path.join(dir, name))) });
  return out;
}

/** Index build (ingest + embed + HNSW + BM25) and query latency at a multiple of the handbook. */
export async function benchScale(knowledgeDir: string, scale: number, queries: string[], rounds = 3): Promise<ScaleResult> {
  const rules = loadCleaningRules(path.join(knowledgeDir, 'cleaning.yaml'));
  const glossary = loadGlossary(path.join(knowledgeDir, 'glossary.yaml'));
  const docs = await handbookTexts(knowledgeDir);

  const t0 = performance.now();
  const chunks: Chunk[] = [];
  for (let copy = 0; copy < scale; copy++) {
    for (const d of docs) chunks.push(...ingestText(`${path.parse(d.name).name}~${copy}`, perturb(d.raw, copy), rules).chunks);
  }
  const embeddings = new HashedNgramEmbeddings();
  const vectors = VectorIndex.build(await embeddings.embedDocuments(chunks.map((c) => c.normText)));
  const retriever = new HybridRetriever(chunks, vectors, embeddings, { ...glossary, ...(({ english, related }) => ({ lexicon: english, related }))(handbookLexicon(chunks, tokenizerFor(glossary))) });
  const buildMs = performance.now() - t0;

  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const s = performance.now();
      await retriever.search(q, { k: 5 });
      times.push(performance.now() - s);
    }
  }

  const indexTerms = (text: string) => retriever.tokenizer.indexTerms(text);
  // The same corpus and tokenizer in MiniSearch, for a ratio measured in the same run.
  const m0 = performance.now();
  const mini = new MiniSearch<{ id: number; normText: string }>({
    fields: ['normText'],
    tokenize: (text) => indexTerms(text),
    processTerm: (t) => t,
    searchOptions: { tokenize: (text) => indexTerms(normalise(text)), processTerm: (t) => t },
  });
  mini.addAll(chunks.map((c, id) => ({ id, normText: c.normText })));
  const miniBuildMs = performance.now() - m0;
  const miniTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const s = performance.now();
      mini.search(q).slice(0, 5);
      miniTimes.push(performance.now() - s);
    }
  }

  return {
    scale,
    chunks: chunks.length,
    buildMs,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    miniBuildMs,
    miniP50: percentile(miniTimes, 50),
    miniP95: percentile(miniTimes, 95),
  };
}

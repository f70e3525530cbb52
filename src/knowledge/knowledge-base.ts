import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { HashedNgramEmbeddings, type EmbeddingsProvider } from '../retrieval/embeddings.js';
import { buildDictionaryLexicons, LEXICON_SOURCE, lexiconFromJson, lexiconToJson, type EnglishLexicon, type RelatedWords } from '../retrieval/english-lexicon.js';
import { loadGlossary, tokenizerFor } from '../retrieval/glossary.js';
import type { Tokenizer } from '../retrieval/tokenize.js';
import { HybridRetriever, type HybridOptions } from '../retrieval/hybrid.js';
import type { Chunk } from '../retrieval/types.js';
import { VectorIndex } from '../retrieval/vector-index.js';
import { loadCleaningRules, type CleaningRules } from './cleaning.js';
import { ingestFolder, type IngestResult, type SkippedFile } from './ingest.js';
import { loadSourceDocuments, sourceFiles } from './sources.js';
import { errorSummary } from '../log/errors.js';

/** Bump when the on-disk layout or the chunking changes, so old indexes are rebuilt. */
const INDEX_FORMAT = 6;

export interface KnowledgeStatus {
  documents: { docId: string; title: string; chunks: number }[];
  chunks: number;
  skipped: SkippedFile[];
  builtAt: string;
  buildMs: number;
  /** Whether this load rebuilt the index (false: loaded from DATA_DIR). */
  rebuilt: boolean;
  embeddings: string;
  contentHash: string;
}

interface Manifest {
  format: number;
  contentHash: string;
  embeddings: string;
  dimensions: number;
  documents: KnowledgeStatus['documents'];
  skipped: SkippedFile[];
  builtAt: string;
  buildMs: number;
}

/** Documents kept outside the code tree (added from chat, the CLI or a Feishu sync), indexed with the handbook. */
export interface ExtraDocumentSource {
  /** Changes whenever the documents or their content change; part of the index's content hash. */
  fingerprint(): Promise<string>;
  ingest(rules: CleaningRules): Promise<IngestResult>;
}

export interface KnowledgeBaseOptions {
  knowledgeDir: string;
  dataDir: string;
  embeddings?: EmbeddingsProvider;
  retrieval?: HybridOptions;
  log?: Logger;
  /** Force a rebuild even when the stored index matches. */
  rebuild?: boolean;
  /** Told each step of a (re)build, so a person waiting at a terminal sees it move. */
  onProgress?: (step: string) => void;
  extraDocuments?: ExtraDocumentSource;
}

export interface KnowledgeBase {
  retriever: HybridRetriever;
  status: KnowledgeStatus;
}

/** Files whose content defines the index: the handbook, the cleaning rules, the glossary (its words shape segmentation) and the other sources. */
function indexInputs(knowledgeDir: string): string[] {
  const handbook = path.join(knowledgeDir, 'handbook');
  const files = existsSync(handbook)
    ? readdirSync(handbook)
        .filter((n) => !n.startsWith('.'))
        .map((n) => path.join(handbook, n))
        .filter((f) => statSync(f).isFile())
        .sort()
    : [];
  return [...files, path.join(knowledgeDir, 'cleaning.yaml'), path.join(knowledgeDir, 'glossary.yaml'), ...sourceFiles(knowledgeDir)];
}

export function contentHash(knowledgeDir: string, embeddingsId: string): string {
  const h = createHash('sha256');
  h.update(`format:${INDEX_FORMAT}\nembeddings:${embeddingsId}\nlexicon:${LEXICON_SOURCE}\n`);
  for (const file of indexInputs(knowledgeDir)) {
    h.update(`${path.relative(knowledgeDir, file)}\n`);
    h.update(existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
  }
  return h.digest('hex');
}

/**
 * Loads the index from DATA_DIR when it matches the knowledge files and the embedding
 * configuration (content hash); otherwise rebuilds it. A build is written to a fresh temporary
 * folder and renamed into place only when complete, so a crash mid-build never leaves a
 * half-written index that could be loaded.
 */
export async function loadKnowledgeBase(options: KnowledgeBaseOptions): Promise<KnowledgeBase> {
  const embeddings = options.embeddings ?? new HashedNgramEmbeddings();
  const glossary = loadGlossary(path.join(options.knowledgeDir, 'glossary.yaml'));
  const baseHash = contentHash(options.knowledgeDir, embeddings.id);
  const extraFingerprint = await options.extraDocuments?.fingerprint();
  const hash = extraFingerprint ? createHash('sha256').update(`${baseHash}\n${extraFingerprint}`).digest('hex') : baseHash;
  const indexDir = path.join(options.dataDir, 'index');

  if (!options.rebuild) {
    const stored = readStoredIndex(indexDir, hash, embeddings);
    if (stored) {
      const { manifest, chunks, vectors, lexicon, related } = stored;
      options.log?.debug({ chunks: chunks.length }, 'knowledge index loaded');
      return {
        retriever: new HybridRetriever(chunks, vectors, embeddings, { ...glossary, lexicon, related }, options.retrieval),
        status: { ...statusFrom(manifest, chunks.length), rebuilt: false },
      };
    }
  }

  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  progress('reading the handbook');
  const rules = loadCleaningRules(path.join(options.knowledgeDir, 'cleaning.yaml'));
  const { documents, skipped } = await ingestFolder(path.join(options.knowledgeDir, 'handbook'), rules);
  // One knowledge base: the handbook, documents added at run time, then the case library and the rule explanations.
  const sources = loadSourceDocuments(options.knowledgeDir);
  skipped.push(...sources.skipped);
  if (options.extraDocuments) {
    const extra = await options.extraDocuments.ingest(rules);
    documents.push(...extra.documents);
    skipped.push(...extra.skipped);
  }
  for (const s of skipped) options.log?.warn({ file: s.file, reason: s.reason }, 'knowledge file skipped');
  const allDocuments = [...documents, ...sources.documents];
  const chunks = allDocuments.flatMap((d) => d.chunks);
  progress(`embedding ${chunks.length} passages from ${allDocuments.length} documents`);
  const vectorList = chunks.length ? await embeddings.embedDocuments(chunks.map((c) => c.normText)) : [];
  const vectors = vectorList.length ? VectorIndex.build(vectorList) : null;
  progress('matching English dictionary words');
  const { english: lexicon, related } = handbookLexicon(chunks, tokenizerFor(glossary), options.log);
  progress('writing the index');
  const buildMs = Math.round(performance.now() - started);
  const manifest: Manifest = {
    format: INDEX_FORMAT,
    contentHash: hash,
    embeddings: embeddings.id,
    dimensions: vectors?.dimensions ?? 0,
    documents: allDocuments.map((d) => ({ docId: d.docId, title: d.title, chunks: d.chunks.length })),
    skipped,
    builtAt: new Date().toISOString(),
    buildMs,
  };
  writeIndexAtomically(indexDir, manifest, chunks, vectors, embeddings.exportState?.(), lexicon, related);
  return {
    retriever: new HybridRetriever(chunks, vectors, embeddings, { ...glossary, lexicon, related }, options.retrieval),
    status: { ...statusFrom(manifest, chunks.length), rebuilt: true },
  };
}

/** The dictionary's English for the words this handbook uses, and its neighbours for words it does not; without the dictionary, none. */
export function handbookLexicon(chunks: Chunk[], tokenizer: Tokenizer, log?: Logger): { english: EnglishLexicon; related: RelatedWords } {
  const vocabulary = new Set<string>();
  for (const c of chunks) for (const t of tokenizer.indexTerms(c.normText)) vocabulary.add(t);
  try {
    return buildDictionaryLexicons((w) => vocabulary.has(w));
  } catch (err) {
    log?.warn({ err: errorSummary(err) }, 'CC-CEDICT unavailable: questions use the glossary only');
    return { english: new Map(), related: new Map() };
  }
}

function statusFrom(m: Manifest, chunks: number): Omit<KnowledgeStatus, 'rebuilt'> {
  return {
    documents: m.documents,
    chunks,
    skipped: m.skipped,
    builtAt: m.builtAt,
    buildMs: m.buildMs,
    embeddings: m.embeddings,
    contentHash: m.contentHash,
  };
}

/** The manifest is written last: a folder without one (or with another hash) is never used. */
function readStoredIndex(
  indexDir: string,
  hash: string,
  embeddings: EmbeddingsProvider,
): { manifest: Manifest; chunks: Chunk[]; vectors: VectorIndex | null; lexicon: EnglishLexicon; related: RelatedWords } | null {
  const manifestFile = path.join(indexDir, 'manifest.json');
  if (!existsSync(manifestFile)) return null;
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    if (manifest.format !== INDEX_FORMAT || manifest.contentHash !== hash) return null;
    const chunks = JSON.parse(readFileSync(path.join(indexDir, 'chunks.json'), 'utf8')) as Chunk[];
    const vectorFile = path.join(indexDir, 'vectors.hnsw');
    const stateFile = path.join(indexDir, 'embeddings-state.json');
    if (existsSync(stateFile)) embeddings.importState?.(JSON.parse(readFileSync(stateFile, 'utf8')));
    const vectors = chunks.length && manifest.dimensions ? VectorIndex.read(vectorFile, manifest.dimensions, chunks.length) : null;
    const lexicon = lexiconFromJson(JSON.parse(readFileSync(path.join(indexDir, 'lexicon.json'), 'utf8')));
    const related = lexiconFromJson(JSON.parse(readFileSync(path.join(indexDir, 'related.json'), 'utf8')));
    return { manifest, chunks, vectors, lexicon, related };
  } catch {
    return null;
  }
}

function writeIndexAtomically(
  indexDir: string,
  manifest: Manifest,
  chunks: Chunk[],
  vectors: VectorIndex | null,
  embeddingsState: unknown,
  lexicon: EnglishLexicon,
  related: RelatedWords,
): void {
  const parent = path.dirname(indexDir);
  mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.index-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    writeFileSync(path.join(tmp, 'chunks.json'), JSON.stringify(chunks));
    writeFileSync(path.join(tmp, 'embeddings-state.json'), JSON.stringify(embeddingsState ?? null));
    writeFileSync(path.join(tmp, 'lexicon.json'), JSON.stringify(lexiconToJson(lexicon)));
    writeFileSync(path.join(tmp, 'related.json'), JSON.stringify(lexiconToJson(related)));
    if (vectors) vectors.write(path.join(tmp, 'vectors.hnsw'));
    writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const old = `${indexDir}.old-${randomBytes(4).toString('hex')}`;
    if (existsSync(indexDir)) renameSync(indexDir, old);
    renameSync(tmp, indexDir);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

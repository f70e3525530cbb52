import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { cleanLeftoverBuilds } from './leftover-builds.js';
import { Bm25Index } from '../retrieval/bm25.js';
import type { EmbeddingsProvider } from '../retrieval/embeddings.js';
import { buildDictionaryLexicons, LEXICON_SOURCE, lexiconFromJson, lexiconToJson, type EnglishLexicon, type RelatedWords } from '../retrieval/english-lexicon.js';
import { loadGlossary, tokenizerFor, type Glossary } from '../retrieval/glossary.js';
import { HybridRetriever, indexChunks, type HybridOptions } from '../retrieval/hybrid.js';
import type { Chunk } from '../retrieval/types.js';
import { VectorIndex } from '../retrieval/vector-index.js';
import { contentHash, type FileDigests } from './content-hash.js';
import { encodeChunks, readChunks, writeChunks, type StoredChunks } from './chunk-store.js';
import { loadCleaningRules, type CleaningRules } from './cleaning.js';
import { ingestFolder, type IngestResult, type SkippedFile } from './ingest.js';
import { loadSourceDocuments, sourceFiles } from './sources.js';
import { errorSummary } from '../log/errors.js';

/** Bump when the on-disk layout or the chunking changes, so old indexes are rebuilt. */
const INDEX_FORMAT = 6;
/** The embeddings id recorded when no embedding model is configured (lexical retrieval only). */
export const NO_EMBEDDINGS = 'none';

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
  /** Size, time and hash of each knowledge file at build time (a file that still matches is not re-read). */
  files?: FileDigests;
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
  /** A real embedding model for the dense side; none (the default): BM25 only. */
  embeddings?: EmbeddingsProvider | null;
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

/** What besides the knowledge files decides the index: the layout, the embedding model, the dictionary data. */
function hashSalt(embeddingsId: string): string {
  return `format:${INDEX_FORMAT}\nembeddings:${embeddingsId}\nlexicon:${LEXICON_SOURCE}\n`;
}

/**
 * Loads the index from DATA_DIR when it matches the knowledge files and the embedding
 * configuration (content hash); otherwise rebuilds it. A build is written to a fresh temporary
 * folder and renamed into place only when complete, so a crash mid-build never leaves a
 * half-written index that could be loaded.
 */
export async function loadKnowledgeBase(options: KnowledgeBaseOptions, build: LexicalBuilder = buildLexicalIndex): Promise<KnowledgeBase> {
  const embeddings = options.embeddings ?? null;
  const indexDir = path.join(options.dataDir, 'index');
  cleanLeftoverBuilds(indexDir, false);
  const previous = readManifest(indexDir);
  const inputs = contentHash(options.knowledgeDir, hashSalt(embeddings?.id ?? NO_EMBEDDINGS), previous?.files, sourceFiles(options.knowledgeDir));
  // Documents added at run time live outside the folder: their fingerprint joins the hash.
  const extraFingerprint = await options.extraDocuments?.fingerprint();
  const hash = extraFingerprint ? createHash('sha256').update(`${inputs.hash}\n${extraFingerprint}`).digest('hex') : inputs.hash;
  const files = inputs.files;

  if (!options.rebuild && previous) {
    const stored = readStoredIndex(indexDir, previous, hash, embeddings);
    if (stored) {
      const glossary = loadGlossary(path.join(options.knowledgeDir, 'glossary.yaml'));
      const { manifest, chunks, vectors, lexicon, related, bm25 } = stored;
      options.log?.debug({ chunks: chunks.length }, 'knowledge index loaded');
      return {
        retriever: new HybridRetriever(chunks, vectors, embeddings, { ...glossary, lexicon, related }, options.retrieval, bm25),
        status: { ...statusFrom(manifest, chunks.length), rebuilt: false },
      };
    }
  }
  // Added documents come from the bot's own store (not plain data a worker could open): they are
  // read and chunked here, and only indexed with the rest by the builder.
  const extra = options.extraDocuments ? await options.extraDocuments.ingest(loadCleaningRules(path.join(options.knowledgeDir, 'cleaning.yaml'))) : undefined;
  options.onProgress?.('reading and indexing the handbook and the other sources');
  return completeBuild(options, { hash, files }, await build(options.knowledgeDir, extra, options.log));
}

/**
 * Opens the index stored in DATA_DIR as it is, without looking at the knowledge files or the
 * added documents: for a thread that answers from the index the bot's own thread built (see
 * answer-worker.ts). Null unless the stored manifest is the one with `contentHash` (the index
 * was replaced or is missing), so a caller never answers from another index than it asked for.
 */
export function openStoredKnowledgeBase(
  options: Pick<KnowledgeBaseOptions, 'knowledgeDir' | 'dataDir' | 'embeddings' | 'retrieval'>,
  contentHash: string,
): KnowledgeBase | null {
  const embeddings = options.embeddings ?? null;
  const indexDir = path.join(options.dataDir, 'index');
  const manifest = readManifest(indexDir);
  const stored = manifest ? readStoredIndex(indexDir, manifest, contentHash, embeddings) : null;
  if (!stored) return null;
  const glossary = loadGlossary(path.join(options.knowledgeDir, 'glossary.yaml'));
  const { chunks, vectors, lexicon, related, bm25 } = stored;
  return {
    retriever: new HybridRetriever(chunks, vectors, embeddings, { ...glossary, lexicon, related }, options.retrieval, bm25),
    status: { ...statusFrom(stored.manifest, chunks.length), rebuilt: false },
  };
}

/** The CPU-heavy part of a build, with no embeddings: it can run on a worker thread (see index-worker.ts). */
export interface LexicalBuild {
  documents: KnowledgeStatus['documents'];
  skipped: SkippedFile[];
  chunks: Chunk[];
  bm25: Bm25Index;
  lexicon: EnglishLexicon;
  related: RelatedWords;
  /** The glossary the build segmented with (the retriever searches with the same one). */
  glossary: Glossary;
  buildMs: number;
  /** The chunks already encoded for storage (a worker sends them so): written to disk as they are. */
  stored?: StoredChunks;
}

/** Builds the lexical index of a knowledge folder, here (`buildLexicalIndex`) or on a worker thread. */
export type LexicalBuilder = (knowledgeDir: string, extra?: IngestResult, log?: Logger) => Promise<LexicalBuild>;

export async function buildLexicalIndex(knowledgeDir: string, extra?: IngestResult, log?: Logger): Promise<LexicalBuild> {
  const started = performance.now();
  const rules = loadCleaningRules(path.join(knowledgeDir, 'cleaning.yaml'));
  // The segmenter knows the glossary's domain words, as the retriever's will.
  const glossary = loadGlossary(path.join(knowledgeDir, 'glossary.yaml'));
  const tokenizer = tokenizerFor(glossary);
  const { documents, skipped } = await ingestFolder(path.join(knowledgeDir, 'handbook'), rules);
  // One knowledge base: the handbook, documents added at run time, then the case library and the rule explanations.
  const sources = loadSourceDocuments(knowledgeDir);
  skipped.push(...sources.skipped);
  if (extra) {
    documents.push(...extra.documents);
    skipped.push(...extra.skipped);
  }
  for (const s of skipped) log?.warn({ file: s.file, reason: s.reason }, 'knowledge file skipped');
  const allDocuments = [...documents, ...sources.documents];
  const chunks = allDocuments.flatMap((d) => d.chunks);
  const bm25 = indexChunks(chunks, tokenizer);
  const { english: lexicon, related } = handbookLexicon((w) => bm25.has(w), log);
  return {
    documents: allDocuments.map((d) => ({ docId: d.docId, title: d.title, chunks: d.chunks.length })),
    skipped,
    chunks,
    bm25,
    lexicon,
    related,
    glossary,
    buildMs: performance.now() - started,
  };
}

/** Adds the dense side (when a model is configured), stores the whole index and opens it. */
async function completeBuild(options: KnowledgeBaseOptions, inputs: { hash: string; files: FileDigests }, build: LexicalBuild): Promise<KnowledgeBase> {
  const started = performance.now();
  const embeddings = options.embeddings ?? null;
  const { chunks, bm25, lexicon, related, glossary } = build;
  if (embeddings) options.onProgress?.(`embedding ${chunks.length} passages`);
  const vectorList = embeddings && chunks.length ? await embeddings.embedDocuments(chunks.map((c) => c.normText)) : [];
  const vectors = vectorList.length ? VectorIndex.build(vectorList) : null;
  const buildMs = Math.round(build.buildMs + performance.now() - started);
  const manifest: Manifest = {
    format: INDEX_FORMAT,
    contentHash: inputs.hash,
    files: inputs.files,
    embeddings: embeddings?.id ?? NO_EMBEDDINGS,
    dimensions: vectors?.dimensions ?? 0,
    documents: build.documents,
    skipped: build.skipped,
    builtAt: new Date().toISOString(),
    buildMs,
  };
  await writeIndexAtomically(path.join(options.dataDir, 'index'), manifest, build.stored ?? encodeChunks(chunks), bm25, vectors, embeddings?.exportState?.(), lexicon, related);
  return {
    retriever: new HybridRetriever(chunks, vectors, embeddings, { ...glossary, lexicon, related }, options.retrieval, bm25),
    status: { ...statusFrom(manifest, chunks.length), rebuilt: true },
  };
}

/**
 * The dictionary's English for the words this handbook uses, and its neighbours for words it does
 * not, read off the index vocabulary (so the chunks are not segmented a second time); without the
 * dictionary, none.
 */
export function handbookLexicon(isHandbookWord: (word: string) => boolean, log?: Logger): { english: EnglishLexicon; related: RelatedWords } {
  try {
    return buildDictionaryLexicons(isHandbookWord);
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
function readManifest(indexDir: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path.join(indexDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

function readStoredIndex(
  indexDir: string,
  manifest: Manifest,
  hash: string,
  embeddings: EmbeddingsProvider | null,
): { manifest: Manifest; chunks: Chunk[]; vectors: VectorIndex | null; lexicon: EnglishLexicon; related: RelatedWords; bm25: Bm25Index } | null {
  try {
    if (manifest.format !== INDEX_FORMAT || manifest.contentHash !== hash) return null;
    const chunks = readChunks(indexDir);
    const vectorFile = path.join(indexDir, 'vectors.hnsw');
    const stateFile = path.join(indexDir, 'embeddings-state.json');
    if (embeddings && existsSync(stateFile)) embeddings.importState?.(JSON.parse(readFileSync(stateFile, 'utf8')));
    const vectors = embeddings && chunks.length && manifest.dimensions ? VectorIndex.read(vectorFile, manifest.dimensions, chunks.length) : null;
    const lexicon = lexiconFromJson(JSON.parse(readFileSync(path.join(indexDir, 'lexicon.json'), 'utf8')));
    const related = lexiconFromJson(JSON.parse(readFileSync(path.join(indexDir, 'related.json'), 'utf8')));
    // The whole lexical index is stored: a restart reads its arrays back instead of re-segmenting every chunk.
    const bm25 = Bm25Index.deserialize(readFileSync(path.join(indexDir, 'bm25.bin')));
    if (bm25.size !== chunks.length) return null;
    return { manifest, chunks, vectors, lexicon, related, bm25 };
  } catch {
    return null;
  }
}

async function writeIndexAtomically(
  indexDir: string,
  manifest: Manifest,
  chunks: StoredChunks,
  bm25: Bm25Index,
  vectors: VectorIndex | null,
  embeddingsState: unknown,
  lexicon: EnglishLexicon,
  related: RelatedWords,
): Promise<void> {
  const parent = path.dirname(indexDir);
  mkdirSync(parent, { recursive: true });
  cleanLeftoverBuilds(indexDir, false);
  const tmp = path.join(parent, `.index-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    // Written asynchronously: at company scale these are a few hundred megabytes, and a reload must
    // not hold up answers while the disk takes them.
    await Promise.all([
      writeChunks(tmp, chunks),
      writeFile(path.join(tmp, 'bm25.bin'), bm25.serialize()),
      writeFile(path.join(tmp, 'embeddings-state.json'), JSON.stringify(embeddingsState ?? null)),
      writeFile(path.join(tmp, 'lexicon.json'), JSON.stringify(lexiconToJson(lexicon))),
      writeFile(path.join(tmp, 'related.json'), JSON.stringify(lexiconToJson(related))),
    ]);
    if (vectors) vectors.write(path.join(tmp, 'vectors.hnsw'));
    await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const old = `${indexDir}.old-${randomBytes(4).toString('hex')}`;
    if (existsSync(indexDir)) renameSync(indexDir, old);
    renameSync(tmp, indexDir);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

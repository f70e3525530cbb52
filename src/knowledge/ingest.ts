import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Chunk } from '../retrieval/types.js';
import { normalise } from '../text/normalise.js';
import { chunkText, DEFAULT_CHUNKING, sectionLabel, type ChunkingOptions } from './chunker.js';
import { cleanDocument, type CleaningRules } from './cleaning.js';
import { extractText, isSupportedDocument } from './loaders.js';
import { findSections } from './sections.js';

export interface IngestedDocument {
  docId: string;
  title: string;
  file: string;
  cleanText: string;
  chunks: Chunk[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface IngestResult {
  documents: IngestedDocument[];
  skipped: SkippedFile[];
}

/** Reads every supported file in the handbook folder; a bad file is reported and skipped. */
export async function ingestFolder(
  dir: string,
  rules: CleaningRules,
  options: ChunkingOptions = DEFAULT_CHUNKING,
): Promise<IngestResult> {
  const documents: IngestedDocument[] = [];
  const skipped: SkippedFile[] = [];
  const names = readdirSync(dir).filter((n) => !n.startsWith('.')).sort();
  for (const name of names) {
    const file = path.join(dir, name);
    if (!statSync(file).isFile()) continue;
    if (!isSupportedDocument(name)) {
      skipped.push({ file: name, reason: `unsupported file type ${path.extname(name) || '(none)'}` });
      continue;
    }
    try {
      const raw = await extractText(name, readFileSync(file));
      const doc = ingestText(docIdFor(name), raw, rules, options, name);
      if (!doc.chunks.length) {
        skipped.push({ file: name, reason: 'no text left after cleaning' });
        continue;
      }
      documents.push(doc);
    } catch (err) {
      skipped.push({ file: name, reason: (err as Error).message || String(err) });
    }
  }
  return { documents, skipped };
}

export function docIdFor(fileName: string): string {
  return path.basename(fileName, path.extname(fileName));
}

/** Cleans, sections and chunks one document's text. */
export function ingestText(
  docId: string,
  raw: string,
  rules: CleaningRules,
  options: ChunkingOptions = DEFAULT_CHUNKING,
  file = docId,
): IngestedDocument {
  const cleaned = cleanDocument(raw, rules);
  const title = cleaned.title ?? docId;
  // The title usually runs straight into the first heading (…修訂版第一章…): start the body after it.
  const body = cleaned.text.startsWith(title) ? cleaned.text.slice(title.length).replace(/^\s+/u, '') : cleaned.text;
  const spans = findSections(body, rules.sections, rules.titleStops);
  const chunks: Chunk[] = chunkText(body, spans, options).map((c, i) => {
    const text = body.slice(c.start, c.end).trim();
    const section = sectionLabel(c.paths);
    const sectionPath = c.paths[c.paths.length - 1] ?? [];
    return {
      id: `${docId}#${i}`,
      docId,
      title,
      section,
      sectionPath,
      text,
      normText: normalise(`${section} ${text}`),
      start: c.start,
      end: c.end,
    };
  });
  return { docId, title, file, cleanText: body, chunks };
}

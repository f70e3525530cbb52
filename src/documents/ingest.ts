import path from 'node:path';
import { chunkText, DEFAULT_CHUNKING, sectionLabel, type ChunkSpan } from '../knowledge/chunker.js';
import { cleanDocument, type CleaningReport, type CleaningRules } from '../knowledge/cleaning.js';
import type { IngestedDocument } from '../knowledge/ingest.js';
import { decodeText, extractText, htmlToText } from '../knowledge/loaders.js';
import { findSections, type SectionSpan } from '../knowledge/sections.js';
import type { Chunk } from '../retrieval/types.js';
import { normalise } from '../text/normalise.js';

/**
 * Added documents are written by people with a word processor or in Feishu Docs, so unlike the
 * scraped handbook they carry real headings. Their text keeps headings as markdown `#` lines
 * (.md as written; .docx and .html from their h1–h6; Feishu heading blocks), and those headings
 * become the section paths citations name. A document without headings falls back to the
 * handbook's own numbering rules (第X章, 一、, 1. …) through the shared section finder.
 */

/** Bump when this ingestion changes, so indexes built with the old one are rebuilt. */
export const DOCUMENT_INGEST_VERSION = 1;

export async function extractWithHeadings(fileName: string, data: Uint8Array): Promise<string> {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.docx') {
    const mammoth = await import('mammoth');
    const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(data) });
    return htmlWithHeadings(value);
  }
  if (ext === '.html' || ext === '.htm') return htmlWithHeadings(decodeText(data));
  return extractText(fileName, data);
}

/** h1–h6 become `#` lines before the shared HTML-to-text reduction drops the tags. */
export function htmlWithHeadings(html: string): string {
  return htmlToText(
    html.replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi, (_m, level: string, inner: string) => `<p>${'#'.repeat(Number(level))} ${inner.replace(/\s+/g, ' ')}</p>`),
  );
}

interface Outline {
  body: string;
  spans: SectionSpan[];
  /** A single level-1 heading on the first line names the document rather than a section. */
  title: string | null;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t#]*$/;

/**
 * Markdown headings → the body without `#` marks and the section path in force at each heading.
 * With a known title (Feishu gives one), a lone first-line H1 is the title only when it says so.
 */
export function headingOutline(text: string, knownTitle?: string): Outline | null {
  const lines = text.split('\n');
  const headings = lines.map((l) => HEADING.exec(l.trim())).map((m) => (m ? { level: m[1]!.length, title: m[2]!.trim() } : null));
  if (!headings.some(Boolean)) return null;
  const firstLine = lines.findIndex((l) => l.trim());
  const topLevel = headings.filter((h) => h?.level === 1).length;
  const first = firstLine >= 0 ? headings[firstLine] : null;
  const titleLine = first?.level === 1 && topLevel === 1 && (knownTitle === undefined || first.title === knownTitle.trim()) ? firstLine : -1;

  let body = '';
  const spans: SectionSpan[] = [{ start: 0, path: [] }];
  const stack: { level: number; title: string }[] = [];
  lines.forEach((line, i) => {
    if (i === titleLine) return;
    const h = headings[i];
    if (h) {
      while (stack.length && stack[stack.length - 1]!.level >= h.level) stack.pop();
      stack.push(h);
      // The heading lives on in the section path (which is indexed with every chunk), not in the quoted text.
      spans.push({ start: body.length, path: stack.map((s) => s.title) });
      return;
    }
    body += `${line}\n`;
  });
  return { body: body.trim() ? body : '', spans, title: titleLine >= 0 ? headings[titleLine]!.title : null };
}

/**
 * Real headings mark real sections, so a chunk never runs from one heading's text into the next,
 * however short: each heading's text is chunked on its own. Numbered documents keep the shared
 * chunker's grouping of short items.
 */
function chunkSpans(body: string, spans: SectionSpan[], byHeading: boolean): ChunkSpan[] {
  if (!byHeading) return chunkText(body, spans, DEFAULT_CHUNKING);
  return spans.flatMap((span, i) => {
    const end = spans[i + 1]?.start ?? body.length;
    return chunkText(body.slice(span.start, end), [{ start: 0, path: span.path }], DEFAULT_CHUNKING).map((c) => ({
      ...c,
      start: c.start + span.start,
      end: c.end + span.start,
    }));
  });
}

export interface IngestDocumentOptions {
  /** Known title (Feishu document title); otherwise the first heading, the cleaning rules' title or the file name. */
  title?: string;
  fileName: string;
  report?: CleaningReport;
}

export interface DocumentIngest {
  document: IngestedDocument;
  /** Each distinct section path found, in document order. */
  sections: string[][];
}

/** Cleans (the shared data-driven rules), sections and chunks one added document. */
export function ingestDocument(docId: string, raw: string, rules: CleaningRules, options: IngestDocumentOptions): DocumentIngest {
  const cleaned = cleanDocument(raw, rules, options.report);
  const outline = headingOutline(cleaned.text, options.title);
  const fallbackTitle = path.basename(options.fileName, path.extname(options.fileName));
  let title: string;
  let body: string;
  let spans: SectionSpan[];
  if (outline) {
    title = options.title ?? outline.title ?? fallbackTitle;
    body = outline.body;
    spans = outline.spans;
  } else {
    title = options.title ?? cleaned.title ?? fallbackTitle;
    // As in the handbook ingest: a title line that opens the text is not part of the body.
    body = cleaned.text.startsWith(title) ? cleaned.text.slice(title.length).replace(/^\s+/u, '') : cleaned.text;
    spans = findSections(body, rules.sections, rules.titleStops);
  }
  const chunks: Chunk[] = chunkSpans(body, spans, Boolean(outline)).map((c, i) => {
    const section = sectionLabel(c.paths);
    return {
      id: `${docId}#${i}`,
      docId,
      title,
      section,
      sectionPath: c.paths[c.paths.length - 1] ?? [],
      text: body.slice(c.start, c.end).trim(),
      normText: normalise(`${section} ${body.slice(c.start, c.end).trim()}`),
      start: c.start,
      end: c.end,
    };
  });
  const seen = new Set<string>();
  const sections: string[][] = [];
  for (const s of spans) {
    const key = s.path.join('\u0000');
    if (!s.path.length || seen.has(key)) continue;
    seen.add(key);
    sections.push(s.path);
  }
  return { document: { docId, title, file: options.fileName, cleanText: body, chunks }, sections };
}

import path from 'node:path';
import type { CleaningRules } from '../knowledge/cleaning.js';
import type { IngestedDocument } from '../knowledge/ingest.js';
import { isSupportedDocument, NoTextFoundError, SUPPORTED_EXTENSIONS } from '../knowledge/loaders.js';
import { extractWithHeadings, ingestDocument } from './ingest.js';

/** What an admin sees before a document goes into the knowledge base. */
export interface DocumentPreview {
  fileName: string;
  bytes: number;
  title: string;
  /** Section paths detected, in order. */
  sections: string[][];
  chunkCount: number;
  characters: number;
  /** Per cleaning rule: how many pieces it removed, how many characters, one example. */
  removed: { rule: string; count: number; characters: number; example: string }[];
  warnings: PreviewWarning[];
  /** Set when the document cannot be added at all; the rest is then empty. */
  error?: string;
  document?: IngestedDocument;
}

export type PreviewWarning =
  | { kind: 'scanned-pdf'; message: string }
  | { kind: 'garbled'; message: string }
  | { kind: 'no-sections'; message: string }
  | { kind: 'little-text'; message: string };

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** A text PDF page carries hundreds of characters; below this per document it is most likely a scan. */
const SCAN_SUSPECT_CHARS = 200;
/** Share of characters that are decoding debris above which the text is called garbled. */
const GARBLED_SHARE = 0.005;

/**
 * Characters that only appear when bytes were decoded with the wrong table: U+FFFD, `?` runs
 * standing in for CJK characters, and UTF-8 read as Latin-1 / cp1252 (Ã©, â€œ, å¤).
 */
export function garbledCharacters(text: string): number {
  const replacement = text.match(/\uFFFD/g)?.length ?? 0;
  const lostCjk = (text.match(/\?{2,}(?=[^\x00-\x7F])|(?<=[^\x00-\x7F])\?{2,}/g) ?? []).reduce((n, m) => n + m.length, 0);
  const mojibake = text.match(/[ÃÂâåäæçèéïð][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]/g)?.length ?? 0;
  return replacement + lostCjk + mojibake * 2;
}

const previewDocId = (fileName: string) => `preview-${path.basename(fileName, path.extname(fileName))}`;

/** Runs the real extraction, cleaning, sectioning and chunking on a file without storing anything. */
export async function previewDocument(
  fileName: string,
  data: Uint8Array,
  rules: CleaningRules,
  options: { title?: string; docId?: string } = {},
): Promise<DocumentPreview> {
  const empty = { fileName, bytes: data.byteLength, title: '', sections: [], chunkCount: 0, characters: 0, removed: [], warnings: [] };
  if (!isSupportedDocument(fileName)) {
    return { ...empty, error: `不支持的文件类型 Unsupported file type "${path.extname(fileName) || fileName}" (supported: ${SUPPORTED_EXTENSIONS.join(', ')})` };
  }
  if (data.byteLength > MAX_DOCUMENT_BYTES) {
    return { ...empty, error: `文件超过 ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB · The file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB` };
  }
  let raw: string;
  try {
    raw = await extractWithHeadings(fileName, data);
  } catch (err) {
    if (err instanceof NoTextFoundError) {
      return {
        ...empty,
        warnings: [{ kind: 'scanned-pdf', message: '扫描版 PDF：没有文字层 · Scanned PDF: no text layer' }],
        error: '这个 PDF 没有可读取的文字（多为扫描件），请发送 .docx 或文字版 PDF。This PDF has no text layer (likely a scan) — send the .docx or a text PDF.',
      };
    }
    return { ...empty, error: `无法读取文件 Could not read the file: ${(err as Error).message.slice(0, 200)}` };
  }

  const removed = new Map<string, { count: number; characters: number; example: string }>();
  const { document, sections } = ingestDocument(options.docId ?? previewDocId(fileName), raw, rules, {
    fileName,
    title: options.title,
    report: (rule, text) => {
      const r = removed.get(rule) ?? { count: 0, characters: 0, example: text.trim().slice(0, 60) };
      r.count++;
      r.characters += [...text].length;
      removed.set(rule, r);
    },
  });
  const characters = [...document.cleanText.replace(/\s/g, '')].length;
  const warnings: PreviewWarning[] = [];
  const garbled = garbledCharacters(raw);
  if (garbled / Math.max(1, raw.length) > GARBLED_SHARE) {
    warnings.push({
      kind: 'garbled',
      message: `乱码：约 ${garbled} 个字符解码错误（编码损坏）· Garbled text: about ${garbled} characters were decoded wrongly`,
    });
  }
  if (path.extname(fileName).toLowerCase() === '.pdf' && characters < SCAN_SUSPECT_CHARS) {
    warnings.push({ kind: 'scanned-pdf', message: `PDF 只有 ${characters} 个字，可能是扫描件 · Only ${characters} characters: possibly a scanned PDF` });
  } else if (characters < 40) {
    warnings.push({ kind: 'little-text', message: `只有 ${characters} 个字 · Only ${characters} characters of text` });
  }
  if (!sections.length && document.chunks.length) {
    warnings.push({ kind: 'no-sections', message: '没有识别到标题或章节编号，引用只能给出文档名 · No headings or numbered sections: citations will name the document only' });
  }
  const base = {
    fileName,
    bytes: data.byteLength,
    title: document.title,
    sections,
    chunkCount: document.chunks.length,
    characters,
    removed: [...removed.entries()].map(([rule, r]) => ({ rule, ...r })).sort((a, b) => b.characters - a.characters),
    warnings,
  };
  if (!document.chunks.length) return { ...base, error: '清理后没有剩下文字 · No text left after cleaning' };
  return { ...base, document };
}

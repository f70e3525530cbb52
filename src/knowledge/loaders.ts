import path from 'node:path';
import { InputError } from '../errors/input-error.js';

/** The document kinds the bot reads: handbook files and uploaded contracts alike. */
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.html', '.htm', '.docx', '.pdf'] as const;

/** A file of a kind the bot cannot read; the message lists the kinds it can. */
export class UnsupportedDocumentError extends InputError {
  constructor(public readonly fileName: string) {
    super(
      `Unsupported file type "${path.extname(fileName) || fileName}". Supported: ${SUPPORTED_EXTENSIONS.join(', ')}`,
    );
  }
}

/** A PDF (usually a scan) with no text layer. */
export class NoTextFoundError extends InputError {
  constructor(public readonly fileName: string) {
    super(`No text found in "${fileName}" — send the .docx or paste the text.`);
  }
}

export function isSupportedDocument(fileName: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(fileName).toLowerCase());
}

/**
 * Extracts plain text from a document's bytes. Nothing in the document is executed or fetched:
 * HTML is reduced to text (scripts/styles dropped, no resources loaded), DOCX goes through
 * mammoth's raw-text extraction, PDF through unpdf's text layer.
 */
export async function extractText(fileName: string, data: Uint8Array): Promise<string> {
  const ext = path.extname(fileName).toLowerCase();
  switch (ext) {
    case '.txt':
    case '.md':
      return decodeText(data);
    case '.html':
    case '.htm':
      return htmlToText(decodeText(data));
    case '.docx': {
      const mammoth = await import('mammoth');
      const { value } = await mammoth.extractRawText({ buffer: Buffer.from(data) });
      return value;
    }
    case '.pdf': {
      const { extractText: pdfText, getDocumentProxy } = await import('unpdf');
      const pdf = await getDocumentProxy(new Uint8Array(data));
      const { text } = await pdfText(pdf, { mergePages: true });
      const merged = Array.isArray(text) ? text.join('\n') : text;
      if (merged.replace(/\s/g, '').length === 0) throw new NoTextFoundError(fileName);
      return merged;
    }
    default:
      throw new UnsupportedDocumentError(fileName);
  }
}

/** UTF-8 with BOM stripped; falls back to GB18030 when UTF-8 decoding produced replacement characters. */
export function decodeText(data: Uint8Array): string {
  const utf8 = new TextDecoder('utf-8').decode(data).replace(/^\uFEFF/, '');
  const bad = (utf8.match(/\uFFFD/g) ?? []).length;
  if (bad > 0 && bad / Math.max(utf8.length, 1) > 0.01) {
    try {
      return new TextDecoder('gb18030').decode(data);
    } catch {
      return utf8;
    }
  }
  return utf8;
}

/** Block-level tags become line breaks so headings and paragraphs survive as lines. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style|noscript|template)[\s\S]*?<\/\1>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|h[1-6]|li|tr|section|article|header|footer|blockquote|pre)>/gi, '\n')
      .replace(/<[^>]+>/g, ''),
  )
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return named[e.toLowerCase()] ?? m;
  });
}

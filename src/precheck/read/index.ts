import path from 'node:path';
import { extractText, NoTextFoundError } from '../../knowledge/loaders.js';
import { docxText } from './docx.js';
import { ocrAvailable, ocrPdf } from './ocr.js';
import { pdfText } from './pdf.js';
import { tidyContractText } from './tidy.js';

/** A PDF with no text layer, and no OCR on this machine (or OCR found nothing either). */
export class ScannedPdfError extends Error {
  constructor(public readonly ocrTried: boolean) {
    super(ocrTried ? 'scanned PDF: OCR found no text' : 'scanned PDF: no text layer and no OCR installed');
    this.name = 'ScannedPdfError';
  }
}

/**
 * A contract document's text, read for its structure: PDFs laid out from glyph positions with
 * tables and wrapped lines rejoined (and OCR for scans where available), .docx with its tables
 * and without struck-out text; other kinds as the knowledge loaders read them.
 */
export async function readContractDocument(
  fileName: string,
  data: Uint8Array,
  options: { ocr?: boolean } = {},
): Promise<{ text: string; ocr: boolean }> {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.docx') return { text: await docxText(data), ocr: false };
  if (ext !== '.pdf') return { text: tidyContractText(await extractText(fileName, data)), ocr: false };
  const text = await pdfText(data);
  if (text.replace(/\s/g, '') !== '') return { text: tidyContractText(text), ocr: false };
  if (options.ocr === false || !(await ocrAvailable())) throw new ScannedPdfError(false);
  const scanned = await ocrPdf(data);
  if (scanned.replace(/\s/g, '') === '') throw new ScannedPdfError(true);
  return { text: tidyContractText(scanned), ocr: true };
}

export { NoTextFoundError, ocrAvailable, tidyContractText };

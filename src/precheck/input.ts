import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingFile } from '../core/types.js';
import { isSupportedDocument, NoTextFoundError, SUPPORTED_EXTENSIONS, UnsupportedDocumentError } from '../knowledge/loaders.js';
import { looksLikeContract } from './contract-likeness.js';
import { readContractDocument, ScannedPdfError, tidyContractText } from './read/index.js';
import { createPrechecker, type CheckOptions, type Prechecker } from './engine.js';
import type { PrecheckResult } from './types.js';
import { InputError } from '../errors/input-error.js';
import { MAX_UPLOAD_BYTES } from '../core/limits.js';

export const MAX_FILE_BYTES = MAX_UPLOAD_BYTES;
export const MAX_TEXT_CHARS = 200_000;

export type PrecheckInputProblem = 'too-large' | 'too-long' | 'unsupported' | 'no-text' | 'empty' | 'unreadable' | 'not-contract';

/** A problem with what the user sent; the message is meant to be shown to them as is. */
export class PrecheckInputError extends InputError {
  constructor(
    public readonly problem: PrecheckInputProblem,
    message: string,
  ) {
    super(message);
  }
}

const SUPPORTED_LIST = SUPPORTED_EXTENSIONS.join(', ');

export function assertTextWithinLimit(text: string): void {
  if (text.trim() === '') {
    throw new PrecheckInputError('empty', 'The contract is empty — paste the text or attach a .docx / .pdf / .txt. / 合同内容为空。');
  }
  if (text.length > MAX_TEXT_CHARS) {
    throw new PrecheckInputError(
      'too-long',
      `The contract has ${text.length.toLocaleString('en-US')} characters; the limit is ${MAX_TEXT_CHARS.toLocaleString('en-US')}. / 合同文字超过 200,000 字的上限，请拆分后分别检查。`,
    );
  }
}

/** Document bytes → plain text, with the size, type and text-layer checks users need explained. */
export async function contractTextFromBytes(fileName: string, data: Uint8Array): Promise<string> {
  if (data.byteLength > MAX_FILE_BYTES) {
    throw new PrecheckInputError(
      'too-large',
      `"${fileName}" is ${(data.byteLength / 1024 / 1024).toFixed(1)} MB; the limit is 10 MB. / 文件超过 10 MB 上限。`,
    );
  }
  if (!isSupportedDocument(fileName)) {
    throw new PrecheckInputError(
      'unsupported',
      `Unsupported file type "${path.extname(fileName) || fileName}". Supported: ${SUPPORTED_LIST}. / 不支持该文件类型，支持：${SUPPORTED_LIST}。`,
    );
  }
  let text: string;
  try {
    ({ text } = await readContractDocument(fileName, data));
  } catch (e) {
    if (e instanceof ScannedPdfError) {
      throw new PrecheckInputError(
        'no-text',
        e.ocrTried
          ? 'No text found — send the .docx or paste the text (the PDF is a scan and OCR could not read it). / 未找到文字：该 PDF 是扫描件，文字识别（OCR）未能读出文字——请发送 .docx 或直接粘贴文本。'
          : 'No text found — send the .docx or paste the text (the PDF is a scan without a text layer, and OCR is not installed here). / 未找到文字：该 PDF 是扫描件（没有文字层），本机未安装文字识别（OCR）——请发送 .docx 或直接粘贴文本。',
      );
    }
    if (e instanceof NoTextFoundError) {
      throw new PrecheckInputError('no-text', 'No text found — send the .docx or paste the text. / 未找到文字（可能是扫描件）——请发送 .docx 或直接粘贴文本。');
    }
    if (e instanceof UnsupportedDocumentError) {
      throw new PrecheckInputError('unsupported', `${e.message}. / 不支持该文件类型。`);
    }
    throw new PrecheckInputError('unreadable', `Could not read "${fileName}": the file looks damaged. / 无法读取该文件。`);
  }
  if (text.replace(/\s/g, '') === '') {
    throw new PrecheckInputError('no-text', 'No text found — send the .docx or paste the text. / 未找到文字——请发送 .docx 或直接粘贴文本。');
  }
  assertTextWithinLimit(text);
  return text;
}

/** `/precheck 你好`: text without any of a contract's parts gets an explanation, not a report. */
export function assertLooksLikeContract(text: string): void {
  if (!looksLikeContract(text)) {
    throw new PrecheckInputError(
      'not-contract',
      'This does not look like a contract (no parties, clauses, price or signature found) — paste the whole contract or attach the file. / 这段文字看起来不是合同（没有找到当事人、条款、价款或签字栏）——请粘贴完整合同或上传合同文件。',
    );
  }
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface PrecheckedDocument {
  result: PrecheckResult;
  text: string;
  /** sha256 of the uploaded bytes (or of the UTF-8 text when pasted). */
  fileHash: string;
  fileName?: string;
}

let defaultChecker: Prechecker | undefined;
function checkerOr(p?: Prechecker): Prechecker {
  return p ?? (defaultChecker ??= createPrechecker());
}

export async function precheckText(pasted: string, prechecker?: Prechecker, opts?: CheckOptions): Promise<PrecheckedDocument> {
  assertTextWithinLimit(pasted);
  // A paste of OCR output or of a hard-wrapped file reads like typed text; evidence quotes the tidied text.
  const text = tidyContractText(pasted);
  assertLooksLikeContract(text);
  return { result: await checkerOr(prechecker).check(text, opts), text, fileHash: sha256(pasted) };
}

export async function precheckUpload(file: IncomingFile, prechecker?: Prechecker, opts?: CheckOptions): Promise<PrecheckedDocument> {
  // The declared size can lie; the bytes we hold cannot.
  if (Math.max(file.size, file.data.byteLength) > MAX_FILE_BYTES) {
    throw new PrecheckInputError('too-large', `"${file.name}" is larger than the 10 MB limit. / 文件超过 10 MB 上限。`);
  }
  const text = await contractTextFromBytes(file.name, file.data);
  assertLooksLikeContract(text);
  return {
    result: await checkerOr(prechecker).check(text, opts),
    text,
    fileHash: sha256(file.data),
    fileName: file.name,
  };
}

export async function precheckFile(filePath: string, prechecker?: Prechecker, opts?: CheckOptions): Promise<PrecheckedDocument> {
  let size: number;
  try {
    size = (await stat(filePath)).size;
  } catch {
    throw new PrecheckInputError('unreadable', `Cannot read "${filePath}": no such file. / 找不到文件。`);
  }
  if (size > MAX_FILE_BYTES) {
    throw new PrecheckInputError('too-large', `"${path.basename(filePath)}" is larger than the 10 MB limit. / 文件超过 10 MB 上限。`);
  }
  let data: Uint8Array;
  try {
    data = await readFile(filePath);
  } catch (e) {
    throw new PrecheckInputError('unreadable', `Cannot read "${filePath}": ${(e as Error).message}`);
  }
  return precheckUpload({ name: path.basename(filePath), size, data }, prechecker, opts);
}

/** The CLI's `--json` shape. */
export interface PrecheckJson {
  verdict: PrecheckResult['verdict'];
  findings: {
    rule: string;
    severity: string;
    message: string;
    evidence: string;
    suggestion: string;
    basis: string;
    evidenceStart: number;
    evidenceEnd: number;
    source: 'rule' | 'model';
    citation?: { title: string; section: string; quote: string };
  }[];
  customer?: PrecheckResult['customer'];
}

export function toJson(result: PrecheckResult): PrecheckJson {
  return {
    verdict: result.verdict,
    findings: result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      evidence: f.evidence,
      suggestion: f.suggestion,
      basis: f.basis,
      evidenceStart: f.evidenceStart,
      evidenceEnd: f.evidenceEnd,
      source: f.source,
      ...(f.citation ? { citation: { title: f.citation.title, section: f.citation.section, quote: f.citation.quote } } : {}),
    })),
    ...(result.customer ? { customer: result.customer } : {}),
  };
}

/**
 * `npm run -s cli -- precheck <file> --json`: throws PrecheckInputError for a missing,
 * unreadable, oversized or unsupported file (the CLI prints it to stderr and exits 2).
 */
export async function precheckFileToJson(filePath: string, prechecker?: Prechecker, opts?: CheckOptions): Promise<PrecheckJson> {
  const { result } = await precheckFile(filePath, prechecker, opts);
  return toJson(result);
}

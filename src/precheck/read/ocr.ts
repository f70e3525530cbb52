import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * OCR for scanned PDFs (no text layer), only when the machine has Debian's `pdftoppm`
 * (poppler-utils) and `tesseract` with Chinese data (tesseract-ocr-chi-sim). Nothing is
 * downloaded: without them the caller explains that the PDF is a scan.
 */

const run = promisify(execFile);
const OCR_TIMEOUT_MS = 120_000;
const MAX_OCR_PAGES = 20;

async function has(command: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 10_000 });
    return `${stdout}${stderr}`;
  } catch {
    return undefined;
  }
}

/** Whether OCR can run here: both tools present and Simplified Chinese data installed. */
export async function ocrAvailable(): Promise<boolean> {
  const langs = await has('tesseract', ['--list-langs']);
  if (!langs || !/\bchi_sim\b/.test(langs)) return false;
  return (await has('pdftoppm', ['-v'])) !== undefined;
}

export async function ocrPdf(data: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'precheck-ocr-'));
  try {
    const pdf = path.join(dir, 'in.pdf');
    await writeFile(pdf, data);
    await run('pdftoppm', ['-r', '300', '-gray', '-png', '-l', String(MAX_OCR_PAGES), pdf, path.join(dir, 'page')], { timeout: OCR_TIMEOUT_MS });
    const pages = (await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort();
    const texts: string[] = [];
    for (const page of pages) {
      const { stdout } = await run('tesseract', [path.join(dir, page), 'stdout', '-l', 'chi_sim+eng', '--psm', '6'], {
        timeout: OCR_TIMEOUT_MS,
        maxBuffer: 20 * 1024 * 1024,
      });
      // tesseract puts spaces between Chinese characters; they carry no meaning there.
      texts.push(stdout.replace(/(?<=[\u3400-\u9fff\uff00-\uffef，。；：、（）])[ \t]+(?=[\u3400-\u9fff\uff00-\uffef，。；：、（）\d])|(?<=[\d])[ \t]+(?=[\u3400-\u9fff])/gu, ''));
    }
    return texts.join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

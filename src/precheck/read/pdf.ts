import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unwrapLines } from './unwrap.js';

/**
 * Contract text from a PDF's text layer, laid out again from the glyph positions pdf.js reports:
 *
 * - Chinese PDFs often use the standard non-embedded CID fonts (STSong-Light with the
 *   UniGB-UCS2-H encoding, the default of reportlab and iText). pdf.js can only decode them with
 *   its CMap files and standard font data, which ship inside the pdfjs-dist package; they are read
 *   from disk here (nothing is fetched).
 * - Table rows come back as `| cell | cell |` lines: the cells of a row are the text items that
 *   share a column's left edge within the row's band, so an amount wrapped inside a narrow cell
 *   (`172,000.0` / `0`) is one number again.
 * - Page headers, footers and page numbers repeated on every page are dropped, so a sentence
 *   running over a page break is one sentence again.
 * - Lines hard-wrapped inside a sentence are rejoined (unwrap.ts), so a PDF reads like the same
 *   contract as .txt.
 */

const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));
const DATA_DIRS: Record<string, string> = {
  cMapUrl: path.join(PDFJS_DIR, 'cmaps'),
  standardFontDataUrl: path.join(PDFJS_DIR, 'standard_fonts'),
  wasmUrl: path.join(PDFJS_DIR, 'wasm'),
};

/** pdf.js asks its `BinaryDataFactory` for CMaps and font data by kind and file name. */
class PackagedDataFactory {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const dir = DATA_DIRS[kind];
    // Only plain file names inside the package's data folders.
    if (!dir || filename !== path.basename(filename)) throw new Error(`pdf data not available: ${kind}/${filename}`);
    return new Uint8Array(await readFile(path.join(dir, filename)));
  }
}

interface Item {
  text: string;
  x: number;
  y: number;
  right: number;
  size: number;
}

interface Line {
  y: number;
  size: number;
  items: Item[];
}

export async function pdfText(data: Uint8Array): Promise<string> {
  const { getDocumentProxy } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(data), {
    BinaryDataFactory: PackagedDataFactory,
    useWorkerFetch: false,
    cMapPacked: true,
    isEvalSupported: false,
    verbosity: 0,
  } as Parameters<typeof getDocumentProxy>[1]);
  try {
    const pages: string[][] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p);
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const raw of content.items as { str?: string; transform?: number[]; width?: number }[]) {
        if (!raw.str || !raw.transform || raw.str.trim() === '') continue;
        const size = Math.hypot(raw.transform[2]!, raw.transform[3]!) || 10;
        items.push({ text: raw.str, x: raw.transform[4]!, y: raw.transform[5]!, right: raw.transform[4]! + (raw.width ?? 0), size });
      }
      pages.push(layoutPage(items));
    }
    return unwrapLines(withoutRunningLines(pages).flat()).join('\n');
  } finally {
    await pdf.destroy();
  }
}

/** A page number on its own (`- 3 -`, `第 3 页 共 8 页`, `3/8`, `Page 3 of 8`). */
const PAGE_NUMBER = /^[\s\-—–·.]*(第\s*\d+\s*[页頁](\s*[,，/／]?\s*共\s*\d+\s*[页頁])?|\d+\s*[/／]\s*\d+|[Pp]age\s*\d+(\s*(of|\/)\s*\d+)?|\d{1,4})[\s\-—–·.]*$/u;

/** How many lines at a page's top and bottom can be running heads or feet. */
const EDGE_LINES = 2;

/**
 * Drops what the page furniture repeats: a line at the top or bottom of a page that, with its
 * digits ignored, stands at the same edge of at least half the pages (two at least), and page
 * numbers on their own. Body text never repeats at every page edge, so only furniture goes.
 */
export function withoutRunningLines(pages: string[][]): string[][] {
  const key = (l: string) => l.replace(/\s+/g, '').replace(/\d+/g, '#');
  const edges = pages.map((lines) => {
    const filled = lines.map((l, i) => ({ l, i })).filter((x) => x.l.trim() !== '');
    return { top: filled.slice(0, EDGE_LINES), bottom: filled.slice(-EDGE_LINES) };
  });
  const count = (side: 'top' | 'bottom') => {
    const n = new Map<string, number>();
    for (const e of edges) for (const k of new Set(e[side].map((x) => key(x.l)))) n.set(k, (n.get(k) ?? 0) + 1);
    return n;
  };
  const tops = count('top');
  const bottoms = count('bottom');
  const needed = Math.max(2, Math.ceil(pages.length / 2));
  return pages.map((lines, p) => {
    const drop = new Set<number>();
    for (const x of edges[p]!.top) if ((tops.get(key(x.l)) ?? 0) >= needed || PAGE_NUMBER.test(x.l)) drop.add(x.i);
    for (const x of edges[p]!.bottom) if ((bottoms.get(key(x.l)) ?? 0) >= needed || PAGE_NUMBER.test(x.l)) drop.add(x.i);
    // A blank line left where a foot was removed would split the sentence running onto the next page.
    const kept = lines.filter((_, i) => !drop.has(i));
    while (kept.length && kept[kept.length - 1]!.trim() === '') kept.pop();
    while (kept.length && kept[0]!.trim() === '') kept.shift();
    return kept;
  });
}

/** Items → lines (top to bottom), tables as `|` rows, a blank line where paragraphs are spaced apart. */
function layoutPage(items: Item[]): string[] {
  const lines = groupLines(items);
  const out: string[] = [];
  const gaps = lines.slice(1).map((l, i) => lines[i]!.y - l.y).filter((g) => g > 0);
  const usualGap = median(gaps) ?? 14;
  const regions = tableRegions(lines);
  for (let i = 0; i < lines.length; ) {
    if (i > 0 && lines[i - 1]!.y - lines[i]!.y > usualGap * 1.2) out.push('');
    const region = regions.find((r) => r.start === i);
    if (region) {
      out.push(...tableRows(lines.slice(region.start, region.end), region.columns));
      i = region.end;
      continue;
    }
    out.push(lineText(lines[i]!));
    i++;
  }
  return out;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function groupLines(items: Item[]): Line[] {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Line[] = [];
  for (const it of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - it.y) <= Math.min(last.size, it.size) * 0.3) last.items.push(it);
    else lines.push({ y: it.y, size: it.size, items: [it] });
  }
  for (const l of lines) l.items.sort((a, b) => a.x - b.x);
  return lines;
}

/** Text of a line; a wide gap becomes two spaces (a column break), a narrow one a space. */
function lineText(line: Line): string {
  let s = '';
  let end = -Infinity;
  for (const it of line.items) {
    const gap = it.x - end;
    if (s && gap > it.size * 1.5) s += '  ';
    else if (s && gap > it.size * 0.25 && !/\s$/.test(s)) s += ' ';
    s += it.text;
    end = it.right;
  }
  return s.replace(/\s+$/, '');
}

/** Cells of a line: items separated by more than half a character. */
function cellStarts(line: Line): number[] {
  const starts: number[] = [];
  let end = -Infinity;
  for (const it of line.items) {
    if (it.x - end > it.size * 0.5) starts.push(it.x);
    end = it.right;
  }
  return starts;
}

const CLAUSE_OPENER = /^\s*(第[一二三四五六七八九十百零〇两\d]+[条條章节款]|[一二三四五六七八九十壹贰貳叁參肆伍陆陸柒捌玖拾]+[、.．])/u;

interface Region {
  start: number;
  end: number;
  columns: number[];
}

const near = (columns: number[], x: number) => columns.some((c) => Math.abs(c - x) <= 1.5);

/**
 * Tables: runs of lines with three or more cells (close together), their columns the union of the
 * cells' left edges, widened by the lines just above and below whose every fragment starts at one
 * of those edges (a cell's text wrapped onto lines of its own: `单价（` over `元）`).
 */
function tableRegions(lines: Line[]): Region[] {
  const regions: Region[] = [];
  const leftMargin = Math.min(...lines.map((l) => l.items[0]!.x));
  const full = lines.map((l) => cellStarts(l).length >= 3);
  for (let i = 0; i < lines.length; i++) {
    if (!full[i]) continue;
    let end = i + 1;
    // Further full rows follow within a few fragment lines.
    for (let j = i + 1; j < lines.length && j - end <= 3; j++) {
      if (lines[j - 1]!.y - lines[j]!.y > lines[j]!.size * 3) break;
      if (full[j]) end = j + 1;
    }
    const columns: number[] = [];
    for (let k = i; k < end; k++) if (full[k]) for (const x of cellStarts(lines[k]!)) if (!near(columns, x)) columns.push(x);
    columns.sort((a, b) => a - b);
    // A fragment is a line of wrapped cell text: each piece starts at a column edge and stays in its
    // column, or (a column only fragments fill, like amounts wrapped in a narrow cell) the line is
    // indented from the page margin and much narrower than the table. Its edges join the columns.
    const tableLeft = columns[0] ?? 0;
    const tableWidth = Math.max(...lines.slice(i, end).map((l) => l.items[l.items.length - 1]!.right)) - tableLeft;
    const fits = (l: Line) => {
      // A clause heading just above a table is text, even when it starts at the first column's edge.
      if (CLAUSE_OPENER.test(lineText(l))) return false;
      const atColumns = l.items.every((it) => {
        const k = columns.findIndex((c) => Math.abs(c - it.x) <= 1.5);
        return k !== -1 && (k === columns.length - 1 || it.right <= columns[k + 1]! + 1.5);
      });
      if (atColumns) return true;
      const width = l.items.reduce((w, it) => w + (it.right - it.x), 0);
      return l.items.every((it) => it.x > leftMargin + 1.5 && it.x >= tableLeft - 1.5) && width < tableWidth * 0.6;
    };
    const take = (l: Line) => {
      for (const x of cellStarts(l)) if (!near(columns, x)) columns.push(x);
      columns.sort((a, b) => a - b);
    };
    const close = (upper: Line, lower: Line) => upper.y - lower.y < lower.size * 2.5;
    let start = i;
    while (start > 0 && (regions.length === 0 || regions[regions.length - 1]!.end < start) && close(lines[start - 1]!, lines[start]!) && fits(lines[start - 1]!)) take(lines[--start]!);
    while (end < lines.length && close(lines[end - 1]!, lines[end]!) && fits(lines[end]!)) take(lines[end++]!);
    regions.push({ start, end, columns });
    i = end - 1;
  }
  return regions;
}

/**
 * pdf.js may hand two neighbouring cells over as one item (`单价（元）金额（元）`); the item is cut
 * where a column starts, placing characters by their set width (CJK full, ASCII half).
 */
function splitAtColumns(it: Item, columns: number[]): { x: number; text: string }[] {
  const inside = columns.filter((c) => c > it.x + 1.5 && c < it.right - 1.5);
  if (inside.length === 0) return [{ x: it.x, text: it.text }];
  const chars = [...it.text];
  const units = chars.map((ch) => (ch.charCodeAt(0) < 0x2e80 ? 0.5 : 1));
  const unit = (it.right - it.x) / Math.max(1, units.reduce((a, b) => a + b, 0));
  const parts: { x: number; text: string }[] = [{ x: it.x, text: '' }];
  let x = it.x;
  chars.forEach((ch, i) => {
    const next = inside.find((c) => Math.abs(c - x) <= unit * 0.5 && parts[parts.length - 1]!.text !== '');
    if (next !== undefined) parts.push({ x: next, text: '' });
    parts[parts.length - 1]!.text += ch;
    x += units[i]! * unit;
  });
  return parts;
}

/** Rows of a table region: lines closer than 1.6 characters belong to one row (cells wrap). */
function tableRows(lines: Line[], columns: number[]): string[] {
  const rows: Line[][] = [];
  for (const l of lines) {
    const row = rows[rows.length - 1];
    const prev = row?.[row.length - 1];
    if (row && prev && prev.y - l.y < l.size * 1.6) row.push(l);
    else rows.push([l]);
  }
  return rows.map((row) => {
    const cells = columns.map(() => '');
    for (const l of row) {
      for (const it of l.items) {
        for (const part of splitAtColumns(it, columns)) {
          let k = 0;
          for (let c = 0; c < columns.length; c++) if (part.x >= columns[c]! - 1.5) k = c;
          cells[k] += part.text.trim();
        }
      }
    }
    return `| ${cells.join(' | ')} |`;
  });
}

import { CURRENCY_PREFIX } from '../amounts.js';

/**
 * Tables read with their headers. A price table often names its currency only in the header
 * (`金额（元）`, `总价(RMB)`, `单价（万元）`); each money cell is restated as a sentence that says
 * what the cell means (`合计 金额 12,000.00 元`), so the rules that look for a price, a total or an
 * amount read a table the way they read prose. Works on normalised text.
 */

export interface TableStatement {
  /** The row's span in the text (evidence). */
  start: number;
  end: number;
  /** The restated cell: row label, column label, value and unit. */
  text: string;
}

export interface Table {
  start: number;
  end: number;
  header: string[];
  rows: { start: number; end: number; cells: string[] }[];
  statements: TableStatement[];
}

const HEADER_WORD = /品名|名称|型号|规格|数量|单价|金额|总价|价款|小计|合计|单位|序号|项目|费用|价格|内容|备注|货物|产品|服务|期数|比例|时间|日期/u;
/** A column whose cells are money. */
/** A column naming what is sold: its cells are the subject (`品名：304 不锈钢管`). */
const SUBJECT_HEADER = /名称|品名|型号|规格|服务内容|服务项目|项目内容|货物|产品|设备/u;
// Any kind of price (`经销价`, `建议零售价`, `出厂价（元）`) is money: a header cell that ends in 价.
const MONEY_HEADER = /单价|金额|总价|价款|小计|合计|总额|价格|费用|报价|货款|服务费|价\s*([(（][^)）]*[)）])?\s*$/u;
/** A caption line above a table that gives the unit of its prices (`价格单位：人民币元／台`, `币种：美元`). */
const CAPTION_UNIT = new RegExp(`(单位|币种|币别|货币)\\s*[:：为]?\\s*[^\\n]{0,6}?((${CURRENCY_PREFIX})|万元|千元|元)`, 'iu');
const CURRENCY_IN = new RegExp(`(${CURRENCY_PREFIX})|万元|千元|元`, 'iu');
const NUMBER_CELL = /^\s*(?:[¥￥$]\s*)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*$/u;

export function cellsOf(line: string): string[] {
  if (/[|｜]/.test(line)) {
    const cells = line.split(/[|｜]/).map((c) => c.trim());
    if (cells[0] === '') cells.shift();
    if (cells[cells.length - 1] === '') cells.pop();
    return cells;
  }
  return line.trim().split(/\t+|\s{2,}/);
}

interface Line {
  start: number;
  text: string;
}

function linesOf(norm: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = norm.indexOf('\n', start);
    out.push({ start, text: norm.slice(start, nl === -1 ? norm.length : nl) });
    if (nl === -1) return out;
    start = nl + 1;
  }
}

const SEPARATOR_ROW = /^[\s|｜:：\-—=+_]*$/u;

function isHeader(cells: string[]): boolean {
  if (cells.length < 2) return false;
  const named = cells.filter((c) => c.length <= 16 && HEADER_WORD.test(c) && !/\d{3}/.test(c)).length;
  return named >= 2 && cells.some((c) => MONEY_HEADER.test(c));
}

export function findTables(norm: string): Table[] {
  const lines = linesOf(norm);
  const tables: Table[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = cellsOf(lines[i]!.text);
    if (!isHeader(header)) continue;
    const table: Table = { start: lines[i]!.start, end: lines[i]!.start + lines[i]!.text.length, header, rows: [], statements: [] };
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.text.trim() === '') {
        // One blank line between rows is common in pasted tables; two end it.
        if (lines[j + 1] && cellsOf(lines[j + 1]!.text).length >= 2 && lines[j + 1]!.text.trim() !== '') continue;
        break;
      }
      if (SEPARATOR_ROW.test(line.text)) continue;
      const cells = cellsOf(line.text);
      if (cells.length < 2) break;
      const lead = line.text.length - line.text.trimStart().length;
      table.rows.push({ start: line.start + lead, end: line.start + line.text.trimEnd().length, cells });
      table.end = line.start + line.text.length;
    }
    if (table.rows.length === 0) continue;
    table.statements = statementsOf(table, captionUnit(lines, i));
    tables.push(table);
    i = j - 1;
  }
  return tables;
}

/** `金额（元）` → label `金额`, unit `元`; `总价(RMB)` → `总价`, `RMB`. */
function splitHeader(cell: string): { label: string; unit: string } {
  const inBrackets = /[(（]([^)）]*)[)）]/u.exec(cell);
  // A bilingual header (`货物名称 Description`, `单价 Unit Price (RMB)`) is labelled by its Chinese words.
  const label = cell
    .replace(/[(（][^)）]*[)）]/gu, '')
    .replace(/[:：]/g, '')
    .trim()
    .replace(/(?<=\p{Script=Han})\s*[/]?\s*[A-Za-z][A-Za-z .'/&-]*$/u, '');
  const source = inBrackets?.[1] ?? cell;
  const currency = CURRENCY_IN.exec(source)?.[0];
  // `元/吨` keeps its per-unit part: it is still money.
  const perUnit = inBrackets && /[/／]/.test(inBrackets[1]!) ? inBrackets[1]!.slice(inBrackets[1]!.search(/[/／]/)) : '';
  return { label: label || cell, unit: currency ? `${currency}${perUnit}` : '' };
}

/** The currency a caption line just above the header gives the table (blank lines skipped, two lines at most). */
function captionUnit(lines: Line[], headerAt: number): string {
  for (let k = headerAt - 1, seen = 0; k >= 0 && seen < 2; k--) {
    const text = lines[k]!.text.trim();
    if (text === '') continue;
    seen++;
    const m = CAPTION_UNIT.exec(text);
    if (m) return m[2]!;
  }
  return '';
}

function statementsOf(table: Table, defaultUnit = ''): TableStatement[] {
  const columns = table.header.map(splitHeader);
  const money = table.header.map((h) => MONEY_HEADER.test(h) || CURRENCY_IN.test(h));
  const out: TableStatement[] = [];
  for (const row of table.rows) {
    // Rows with fewer cells (a total row spanning columns) line up from the right.
    const shift = table.header.length - row.cells.length;
    const rowLabel = row.cells[0] && !NUMBER_CELL.test(row.cells[0]) ? row.cells[0] : '';
    row.cells.forEach((cell, k) => {
      const col = k + Math.max(0, shift);
      if (col >= columns.length) return;
      if (!money[col] && SUBJECT_HEADER.test(table.header[col]!) && /[\p{Script=Han}A-Za-z]/u.test(cell) && !/^(合计|总计|小计|共计)/u.test(row.cells[0] ?? '')) {
        out.push({ start: row.start, end: row.end, text: `${columns[col]!.label}：${cell}` });
        return;
      }
      if (!money[col] || !NUMBER_CELL.test(cell)) return;
      const { label, unit } = columns[col]!;
      const value = cell.replace(/[¥￥$\s]/g, '');
      const currency = unit || defaultUnit || '元';
      const stated = /^(人民币|RMB|CNY|USD|HKD|EUR|美元|港币|[¥￥$€£])/iu.test(currency) ? `${currency} ${value}` : `${value} ${currency}`;
      out.push({ start: row.start, end: row.end, text: `${rowLabel} ${label} ${stated}`.trim() });
    });
  }
  return out;
}

/** A field label in the first column of a two-column table: short, a name rather than a sentence. */
const FIELD_LABEL = /^[\p{Script=Han}A-Za-z()（）、/／\s]{2,14}$/u;

/**
 * Two-column tables of fields (`| 合同总价 | 人民币 58,000 元 |`, `| 产品名称及规格 | … |`): forms that
 * put every clause in a table. Each row is restated as `label：value`, the way the same field reads
 * in prose, so a rule asking for `名称：…` reads the table too. Three such rows in a row make a table.
 */
export function keyValueStatements(norm: string): TableStatement[] {
  const out: TableStatement[] = [];
  let run: TableStatement[] = [];
  const flush = () => {
    if (run.length >= 3) out.push(...run);
    run = [];
  };
  for (const line of linesOf(norm)) {
    const cells = /^\s*[|｜]/.test(line.text) ? cellsOf(line.text) : [];
    if (cells.length === 2 && FIELD_LABEL.test(cells[0]!) && cells[1]!.trim() !== '') {
      const lead = line.text.length - line.text.trimStart().length;
      run.push({ start: line.start + lead, end: line.start + line.text.trimEnd().length, text: `${cells[0]!.trim()}：${cells[1]!.trim()}` });
    } else flush();
  }
  flush();
  return out;
}

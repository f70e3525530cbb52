import { cjkNumber } from '../text/cjk-number.js';
import { toSimplified } from '../text/script.js';
import type { Chunk } from './types.js';

/**
 * A question that points at a place in the handbook by its numbering ("第九章第5条是什么",
 * "第九章7", "chapter 9 item 5") asks for what is written there, whatever words it has: such a
 * question has no topic words for the ranking to work with, so it is answered by looking the
 * numbering up in the passages' own section headings and numbered items.
 */
export interface SectionReference {
  /** 第N章 / chapter N: headings numbered 第N章; 第N部分 / 第N节 / part N: also 一、 and 01 headings. */
  part: number;
  partKind: 'chapter' | 'part';
  /** The numbered item inside it (第5条, 7, item 5), when given. */
  item?: number;
}

const NUMBER = '(\\d{1,3}|[一二三四五六七八九十百]{1,4})';
const toNumber = (s: string) => (/^\d+$/.test(s) ? parseInt(s, 10) : cjkNumber(s));

/** 第九章第5条 / 第九章7 / 第九章的第五点 / 第3部分第2条; the item may follow directly or after 的/第. */
const ZH_REFERENCE = new RegExp(`第${NUMBER}(章|部分|节|部)(?:的|里|中|里面|里的)?(?:第?${NUMBER}(?:条|点|项|款|小节|段)?)?`, 'u');
const EN_REFERENCE = /\b(chapter|part|section)\s+(\d{1,3})(?:[.,]?\s*(?:item|point|article|rule|clause|paragraph|no\.?|number|#)?\s*(\d{1,3}))?\b/i;

export function parseSectionReference(question: string): SectionReference | null {
  const zh = toSimplified(question.normalize('NFKC')).replace(/\s+/g, '');
  const m = zh.match(ZH_REFERENCE);
  if (m) {
    const part = toNumber(m[1]!);
    const item = m[3] ? toNumber(m[3]) : undefined;
    if (!Number.isFinite(part) || part < 1 || (item !== undefined && !(item >= 1))) return null;
    return { part, partKind: m[2] === '章' ? 'chapter' : 'part', ...(item !== undefined ? { item } : {}) };
  }
  const en = question.normalize('NFKC').match(EN_REFERENCE);
  if (en) {
    const part = parseInt(en[2]!, 10);
    const item = en[3] ? parseInt(en[3], 10) : undefined;
    if (part < 1) return null;
    return { part, partKind: en[1]!.toLowerCase() === 'chapter' ? 'chapter' : 'part', ...(item !== undefined ? { item } : {}) };
  }
  return null;
}

/** The question with its numbering reference taken out: what else it asks (是什么, or a topic of its own). */
export function withoutReference(question: string): string {
  const zh = toSimplified(question.normalize('NFKC'));
  const stripped = zh.replace(new RegExp(ZH_REFERENCE.source.replace(/第/g, '\\s*第'), 'u'), ' ');
  return stripped === zh ? question.normalize('NFKC').replace(EN_REFERENCE, ' ') : stripped;
}

/** Where a reference points: the passage and, for an item, the span of its text in the passage. */
export interface ReferencedPassage {
  chunk: Chunk;
  /** The heading as the reader will see it (第九章 風險控制與合規經營). */
  heading: string;
  item?: number;
  /** Offsets of the item's text (after its number) in `chunk.text`; the whole passage when no item was asked for. */
  start: number;
  end: number;
}

/** The number a top-level heading carries, read the way its document writes it. */
function headingNumber(heading: string, kind: SectionReference['partKind']): number | null {
  const chapter = heading.match(/^\s*第([一二三四五六七八九十百\d]+)章/u);
  if (chapter) return toNumber(chapter[1]!);
  if (kind === 'chapter') return null;
  const listed = heading.match(/^\s*(?:第([一二三四五六七八九十百\d]+)(?:部分|节|部)|([一二三四五六七八九十]{1,3})\s*[、.．]|(\d{1,2})\s)/u);
  if (!listed) return null;
  return toNumber(listed[1] ?? listed[2] ?? listed[3]!);
}

/** An item line: its number at the start of a line, then its text up to the line's end. */
function itemSpan(text: string, item: number): { start: number; end: number } | null {
  const re = new RegExp(`(?:^|\\n)[ \\t]*${item}[ \\t]*[.．、](?!\\d)[ \\t]*`, 'gu');
  const m = re.exec(text);
  if (!m) return null;
  const start = m.index + m[0].length;
  const newline = text.indexOf('\n', start);
  return { start, end: newline < 0 ? text.length : newline };
}

/** The handbook passages a reference points to (several when documents share a numbering), in passage order. */
export function findReferenced(chunks: readonly Chunk[], ref: SectionReference): ReferencedPassage[] {
  const out: ReferencedPassage[] = [];
  const seen = new Set<string>();
  for (const chunk of chunks) {
    if (chunk.kind && chunk.kind !== 'handbook') continue;
    const heading = chunk.sectionPath[0];
    if (!heading || headingNumber(heading, ref.partKind) !== ref.part) continue;
    const key = `${chunk.docId}\u0000${heading}`;
    if (ref.item === undefined) {
      // The part as a whole: its first passage.
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ chunk, heading, start: 0, end: chunk.text.length });
      continue;
    }
    if (seen.has(key)) continue;
    const span = itemSpan(chunk.text, ref.item);
    if (!span) continue;
    seen.add(key);
    out.push({ chunk, heading, item: ref.item, ...span });
  }
  return out;
}

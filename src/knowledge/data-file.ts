import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';

/** A knowledge file failed validation; the message names the file and line of each problem. */
export class DataFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly problems: { line: number | null; path: string; message: string }[],
  ) {
    super(
      problems
        .map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('\n'),
    );
    this.name = 'DataFileError';
  }
}

/** Parses YAML text and validates it; errors carry the line of the offending node. */
export function parseDataFile<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length) {
    throw new DataFileError(
      file,
      doc.errors.map((e) => ({ line: e.linePos?.[0]?.line ?? null, path: '', message: e.message.split('\n')[0]! })),
    );
  }
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new DataFileError(
      file,
      parsed.error.issues.map((i) => ({
        line: lineOf(doc, lineCounter, i.path as (string | number)[]),
        path: i.path.join('.'),
        message: i.message,
      })),
    );
  }
  return parsed.data;
}

export function loadDataFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  return parseDataFile(file, readFileSync(file, 'utf8'), schema);
}

/** Line of the deepest existing node along `path` (an issue on a missing key points at its parent). */
export function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return null;
}

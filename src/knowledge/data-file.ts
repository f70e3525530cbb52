import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

/**
 * Knowledge files (policy, rules, glossary, cleaning) are edited by hand, so a bad value must point at `file:line` rather than at a
 * JSON path the editor has to count out. Schema issues carry a path; the YAML document maps
 * that path back to the node (or its nearest existing parent) and the node to a line.
 */

export class DataFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly problems: { line: number; path: string; message: string }[],
  ) {
    super(
      `Invalid ${file}:\n${problems.map((p) => `  - ${file}:${p.line}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')}`,
    );
    this.name = 'DataFileError';
  }
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number {
  // Walk up until a node exists: a missing key is reported on its parent mapping.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

export function parseDataFile<S extends z.ZodType>(file: string, text: string, schema: S): z.output<S> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length) {
    throw new DataFileError(
      file,
      doc.errors.map((e) => ({ line: counter.linePos(e.pos[0]).line, path: '', message: e.message.split('\n')[0]! })),
    );
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  throw new DataFileError(
    file,
    parsed.error.issues.map((issue) => ({
      // An unknown key is best shown on its own line, not on its parent's.
      line: lineOf(doc, counter, issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path),
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}

export function loadDataFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  return parseDataFile(file, readFileSync(file, 'utf8'), schema);
}

import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

import { InputError } from '../errors/input-error.js';

/**
 * Every hand-edited file under knowledge/ (credit policy, contract rules, glossary, cleaning,
 * reminders, cases) is read through here, and every problem in one is a DataFileError: a bad
 * value must point at `file:line` rather than at a JSON path the editor has to count out.
 * Schema issues carry a path; the YAML document maps that path back to the node (or its nearest
 * existing parent) and the node to a line.
 */

export interface DataFileProblem {
  /** The file the problem is in, when it is not the error's own file (a folder of case files). */
  file?: string;
  line: number;
  /** Dotted schema path of the bad value, when there is one. */
  path?: string;
  /** The entry (reminder id, case id) the problem belongs to, when known. */
  entry?: string;
  message: string;
}

/** A problem as the error reports it: always with its file, `path` empty when there is none. */
export type LocatedProblem = DataFileProblem & { file: string; path: string };

export class DataFileError extends InputError {
  readonly problems: LocatedProblem[];

  constructor(
    public readonly file: string,
    problems: DataFileProblem[],
    title = `Invalid ${file}`,
  ) {
    const all = problems.map((p) => ({ ...p, file: p.file ?? file, path: p.path ?? '' }));
    super(
      `${title}:\n${all
        .map((p) => `  - ${p.file}:${p.line}: ${p.entry ? `entry '${p.entry}': ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('\n')}`,
    );
    this.problems = all;
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

import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** A parsed YAML text that can say which line a value path came from. */
export interface LocatedYaml {
  doc: Document;
  /**
   * 1-based line for a value path: the line of its key (`target:`) for mapping entries, of the
   * item for sequence entries. A missing key is reported at its parent's key.
   */
  lineOf(path: readonly PropertyKey[], fallback?: number): number;
  /** Syntax errors as [line, message]. */
  syntaxErrors: { line: number; message: string }[];
}

export function parseLocated(text: string, lineOffset = 0): LocatedYaml {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const lineAt = (offset: number) => counter.linePos(offset).line + lineOffset;
  return {
    doc,
    syntaxErrors: doc.errors.map((e) => ({ line: lineAt(e.pos[0]), message: e.message.split('\n')[0]! })),
    lineOf(path, fallback = 1 + lineOffset) {
      let node: unknown = doc.contents;
      let line = isNode(node) && node.range ? lineAt(node.range[0]) : fallback;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
          if (!pair) break;
          const anchor = isNode(pair.key) && pair.key.range ? pair.key : pair.value;
          if (isNode(anchor) && anchor.range) line = lineAt(anchor.range[0]);
          node = pair.value;
        } else if (isSeq(node) && typeof seg === 'number') {
          const item = node.items[seg];
          if (item === undefined) break;
          if (isNode(item) && item.range) line = lineAt(item.range[0]);
          node = item;
        } else break;
      }
      return line;
    },
  };
}

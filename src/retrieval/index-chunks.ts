import { normalise } from '../text/normalise.js';
import { Bm25Index } from './bm25.js';
import type { Tokenizer } from './tokenize.js';
import type { Chunk } from './types.js';

/**
 * The BM25 index of chunks. Headings say what a passage is about: their terms count twice (a
 * simple field boost). Chunks are tokenised one at a time as the index consumes them; a heading
 * shared by many chunks is normalised and segmented once.
 */
export function indexChunks(chunks: Chunk[], tokenizer: Tokenizer): Bm25Index {
  const terms = (norm: string) => tokenizer.indexTerms(norm);
  const headingTerms = new Map<string, string[]>();
  return Bm25Index.build(
    (function* () {
      for (const c of chunks) {
        let heading = headingTerms.get(c.section);
        if (!heading) headingTerms.set(c.section, (heading = terms(normalise(c.section))));
        yield [...terms(c.normText), ...heading];
      }
    })(),
  );
}

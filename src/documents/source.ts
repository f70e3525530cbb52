import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { SkippedFile } from '../knowledge/ingest.js';
import type { ExtraDocumentSource } from '../knowledge/knowledge-base.js';
import type { IngestedDocument } from '../knowledge/ingest.js';
import { DOCUMENT_INGEST_VERSION, extractWithHeadings, ingestDocument } from './ingest.js';
import type { DocumentStore } from './store.js';

/** The added documents as an extra source of the index build, next to the shipped handbook. */
export function storeDocumentSource(store: DocumentStore, log?: Logger): ExtraDocumentSource {
  return {
    async fingerprint() {
      const docs = await store.list();
      if (!docs.length) return '';
      const h = createHash('sha256').update(`documents:${DOCUMENT_INGEST_VERSION}\n`);
      for (const d of docs) h.update(`${d.docId}\t${d.version}\t${d.fileHash}\t${d.title}\n`);
      return h.digest('hex');
    },
    async ingest(rules) {
      const documents: IngestedDocument[] = [];
      const skipped: SkippedFile[] = [];
      for (const c of await store.contents()) {
        try {
          const raw = await extractWithHeadings(c.fileName, c.data);
          const { document } = ingestDocument(c.docId, raw, rules, { fileName: c.fileName, title: c.title });
          if (document.chunks.length) documents.push(document);
          else skipped.push({ file: `${c.docId} (${c.fileName})`, reason: 'no text left after cleaning' });
        } catch (err) {
          log?.warn({ docId: c.docId, err: (err as Error).message }, 'added document skipped');
          skipped.push({ file: `${c.docId} (${c.fileName})`, reason: (err as Error).message || String(err) });
        }
      }
      return { documents, skipped };
    },
  };
}

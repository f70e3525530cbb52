import { createHash, randomBytes } from 'node:crypto';
import { applyMigrations, type Db } from '../storage/db.js';

/**
 * Documents added to the knowledge base at run time (chat, CLI, dashboard, Feishu sync). They
 * live in the data store, never in the code tree: every version is kept with its bytes, and
 * every change is audited (who, when, which file hash). The interface is asynchronous so a
 * PostgreSQL implementation can stand in for this SQLite one.
 */

export type DocumentSource = 'upload' | 'feishu';
export type AuditAction = 'add' | 'replace' | 'remove';

export interface StoredDocument {
  docId: string;
  source: DocumentSource;
  /** The source's own id (Feishu document token); null for uploads. */
  sourceRef: string | null;
  title: string;
  fileName: string;
  version: number;
  fileHash: string;
  bytes: number;
  addedAt: string;
  updatedAt: string;
}

export interface DocumentVersion {
  docId: string;
  version: number;
  title: string;
  fileName: string;
  fileHash: string;
  bytes: number;
  addedBy: string;
  addedAt: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  docId: string;
  version: number | null;
  fileHash: string | null;
}

export interface DocumentContent {
  docId: string;
  source: DocumentSource;
  title: string;
  fileName: string;
  data: Uint8Array;
}

export interface AddDocumentInput {
  title: string;
  fileName: string;
  data: Uint8Array;
  /** Who: `slack:U123`, `cli`, `admin-web`, `feishu-sync`. */
  actor: string;
  source?: DocumentSource;
  sourceRef?: string;
  /** Replace this document with a new version; otherwise an upload with the same file name or title is replaced. */
  replaces?: string;
}

export interface AddDocumentResult {
  document: StoredDocument;
  /** `unchanged`: the same bytes as the current version, nothing stored. */
  outcome: 'added' | 'replaced' | 'unchanged';
}

export interface PendingUpload {
  id: string;
  actor: string;
  fileName: string;
  data: Uint8Array;
  createdAt: number;
}

export interface DocumentStore {
  list(): Promise<StoredDocument[]>;
  get(docId: string): Promise<StoredDocument | null>;
  /** A current document by id, exact title or file name (what `/kb remove` accepts). */
  find(nameOrId: string): Promise<StoredDocument | null>;
  findBySource(source: DocumentSource, sourceRef: string): Promise<StoredDocument | null>;
  /** The uploaded document a new upload with this file name (else title) would replace. */
  uploadReplacedBy(fileName: string, title: string): Promise<StoredDocument | null>;
  add(input: AddDocumentInput): Promise<AddDocumentResult>;
  /** Takes the document out of the knowledge base; its versions stay for the audit. */
  remove(docId: string, actor: string): Promise<boolean>;
  versions(docId: string): Promise<DocumentVersion[]>;
  audit(limit?: number): Promise<AuditEntry[]>;
  /** The current version's bytes of every document in the knowledge base. */
  contents(): Promise<DocumentContent[]>;
  /** Changes with every add, replace and remove: replicas compare it to know when to re-index. */
  revision(): Promise<string>;
  /** Files waiting for an admin's Confirm; older than `PENDING_TTL_MS` they are gone. */
  stagePending(actor: string, fileName: string, data: Uint8Array, now?: number): Promise<string>;
  peekPending(id: string, now?: number): Promise<PendingUpload | null>;
  /** Removes and returns the pending upload: a second Confirm finds nothing. */
  takePending(id: string, now?: number): Promise<PendingUpload | null>;
}

export const PENDING_TTL_MS = 24 * 3600_000;

const MIGRATIONS = [
  `CREATE TABLE kb_documents (
     doc_id TEXT PRIMARY KEY,
     source TEXT NOT NULL CHECK (source IN ('upload','feishu')),
     source_ref TEXT,
     title TEXT NOT NULL,
     file_name TEXT NOT NULL,
     current_version INTEGER NOT NULL,
     removed_at TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE UNIQUE INDEX kb_documents_source_ref ON kb_documents (source, source_ref) WHERE source_ref IS NOT NULL;
   CREATE TABLE kb_document_versions (
     doc_id TEXT NOT NULL REFERENCES kb_documents(doc_id),
     version INTEGER NOT NULL,
     title TEXT NOT NULL,
     file_name TEXT NOT NULL,
     file_hash TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     content BLOB NOT NULL,
     added_by TEXT NOT NULL,
     added_at TEXT NOT NULL,
     PRIMARY KEY (doc_id, version)
   );
   CREATE TABLE kb_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL CHECK (action IN ('add','replace','remove')),
     doc_id TEXT NOT NULL,
     version INTEGER,
     file_hash TEXT
   );
   CREATE TABLE kb_pending (
     id TEXT PRIMARY KEY,
     actor TEXT NOT NULL,
     file_name TEXT NOT NULL,
     content BLOB NOT NULL,
     created_at INTEGER NOT NULL
   );`,
];

interface DocumentRow {
  doc_id: string;
  source: DocumentSource;
  source_ref: string | null;
  title: string;
  file_name: string;
  current_version: number;
  file_hash: string;
  bytes: number;
  created_at: string;
  updated_at: string;
}

const CURRENT = `SELECT d.doc_id, d.source, d.source_ref, d.title, d.file_name, d.current_version, v.file_hash, v.bytes, d.created_at, d.updated_at
  FROM kb_documents d JOIN kb_document_versions v ON v.doc_id = d.doc_id AND v.version = d.current_version
  WHERE d.removed_at IS NULL`;

export function fileHash(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function toDocument(r: DocumentRow): StoredDocument {
  return {
    docId: r.doc_id,
    source: r.source,
    sourceRef: r.source_ref,
    title: r.title,
    fileName: r.file_name,
    version: r.current_version,
    fileHash: r.file_hash,
    bytes: r.bytes,
    addedAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Ids that cannot collide with handbook files (named after their file) and say where they came from. */
function newDocId(source: DocumentSource, sourceRef?: string): string {
  if (source === 'feishu' && sourceRef) return `feishu-${sourceRef.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40)}`;
  return `kb-${randomBytes(4).toString('hex')}`;
}

export class SqliteDocumentStore implements DocumentStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {
    applyMigrations(db, 'documents', MIGRATIONS);
  }

  async list(): Promise<StoredDocument[]> {
    return (this.db.prepare(`${CURRENT} ORDER BY d.created_at, d.doc_id`).all() as DocumentRow[]).map(toDocument);
  }

  async get(docId: string): Promise<StoredDocument | null> {
    const row = this.db.prepare(`${CURRENT} AND d.doc_id = ?`).get(docId) as DocumentRow | undefined;
    return row ? toDocument(row) : null;
  }

  async find(nameOrId: string): Promise<StoredDocument | null> {
    const key = nameOrId.trim();
    if (!key) return null;
    const row = this.db
      .prepare(`${CURRENT} AND (d.doc_id = ? OR d.title = ? OR d.file_name = ?) ORDER BY d.doc_id = ? DESC LIMIT 1`)
      .get(key, key, key, key) as DocumentRow | undefined;
    return row ? toDocument(row) : null;
  }

  async findBySource(source: DocumentSource, sourceRef: string): Promise<StoredDocument | null> {
    const row = this.db.prepare(`${CURRENT} AND d.source = ? AND d.source_ref = ?`).get(source, sourceRef) as DocumentRow | undefined;
    return row ? toDocument(row) : null;
  }

  async uploadReplacedBy(fileName: string, title: string): Promise<StoredDocument | null> {
    return this.existingFor({ fileName, title }, 'upload');
  }

  async add(input: AddDocumentInput): Promise<AddDocumentResult> {
    const source = input.source ?? 'upload';
    const hash = fileHash(input.data);
    const at = this.clock().toISOString();
    const tx = this.db.transaction((): AddDocumentResult => {
      const existing = this.existingFor(input, source);
      if (existing && existing.fileHash === hash && existing.title === input.title) {
        return { document: existing, outcome: 'unchanged' };
      }
      let docId: string;
      let version: number;
      if (existing) {
        docId = existing.docId;
        version = existing.version + 1;
        this.db
          .prepare('UPDATE kb_documents SET title = ?, file_name = ?, current_version = ?, updated_at = ? WHERE doc_id = ?')
          .run(input.title, input.fileName, version, at, docId);
      } else {
        // A document removed earlier and synced again gets its row back (its old versions kept).
        const revived = input.sourceRef
          ? (this.db.prepare('SELECT doc_id, current_version FROM kb_documents WHERE source = ? AND source_ref = ?').get(source, input.sourceRef) as
              | { doc_id: string; current_version: number }
              | undefined)
          : undefined;
        if (revived) {
          docId = revived.doc_id;
          version = revived.current_version + 1;
          this.db
            .prepare('UPDATE kb_documents SET title = ?, file_name = ?, current_version = ?, removed_at = NULL, updated_at = ? WHERE doc_id = ?')
            .run(input.title, input.fileName, version, at, docId);
        } else {
          docId = newDocId(source, input.sourceRef);
          version = 1;
          this.db
            .prepare(
              `INSERT INTO kb_documents (doc_id, source, source_ref, title, file_name, current_version, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
            )
            .run(docId, source, input.sourceRef ?? null, input.title, input.fileName, at, at);
        }
      }
      this.db
        .prepare(
          `INSERT INTO kb_document_versions (doc_id, version, title, file_name, file_hash, bytes, content, added_by, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(docId, version, input.title, input.fileName, hash, input.data.byteLength, Buffer.from(input.data), input.actor, at);
      const action: AuditAction = existing ? 'replace' : 'add';
      this.audited(at, input.actor, action, docId, version, hash);
      const document = this.db.prepare(`${CURRENT} AND d.doc_id = ?`).get(docId) as DocumentRow;
      return { document: toDocument(document), outcome: existing ? 'replaced' : 'added' };
    });
    return tx.immediate();
  }

  async remove(docId: string, actor: string): Promise<boolean> {
    const at = this.clock().toISOString();
    return this.db.transaction(() => {
      const current = this.db.prepare(`${CURRENT} AND d.doc_id = ?`).get(docId) as DocumentRow | undefined;
      if (!current) return false;
      this.db.prepare('UPDATE kb_documents SET removed_at = ?, updated_at = ? WHERE doc_id = ?').run(at, at, docId);
      this.audited(at, actor, 'remove', docId, current.current_version, current.file_hash);
      return true;
    }).immediate();
  }

  async versions(docId: string): Promise<DocumentVersion[]> {
    const rows = this.db
      .prepare('SELECT doc_id, version, title, file_name, file_hash, bytes, added_by, added_at FROM kb_document_versions WHERE doc_id = ? ORDER BY version')
      .all(docId) as Record<string, unknown>[];
    return rows.map((r) => ({
      docId: r.doc_id as string,
      version: r.version as number,
      title: r.title as string,
      fileName: r.file_name as string,
      fileHash: r.file_hash as string,
      bytes: r.bytes as number,
      addedBy: r.added_by as string,
      addedAt: r.added_at as string,
    }));
  }

  async audit(limit = 100): Promise<AuditEntry[]> {
    const rows = this.db.prepare('SELECT * FROM kb_audit ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as number,
      at: r.at as string,
      actor: r.actor as string,
      action: r.action as AuditAction,
      docId: r.doc_id as string,
      version: (r.version as number | null) ?? null,
      fileHash: (r.file_hash as string | null) ?? null,
    }));
  }

  async contents(): Promise<DocumentContent[]> {
    const rows = this.db
      .prepare(
        `SELECT d.doc_id, d.source, d.title, d.file_name, v.content FROM kb_documents d
         JOIN kb_document_versions v ON v.doc_id = d.doc_id AND v.version = d.current_version
         WHERE d.removed_at IS NULL ORDER BY d.created_at, d.doc_id`,
      )
      .all() as { doc_id: string; source: DocumentSource; title: string; file_name: string; content: Buffer }[];
    return rows.map((r) => ({ docId: r.doc_id, source: r.source, title: r.title, fileName: r.file_name, data: new Uint8Array(r.content) }));
  }

  async revision(): Promise<string> {
    const row = this.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM kb_audit').get() as { id: number };
    return String(row.id);
  }

  async stagePending(actor: string, fileName: string, data: Uint8Array, now = Date.now()): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    this.db.prepare('DELETE FROM kb_pending WHERE created_at < ?').run(now - PENDING_TTL_MS);
    this.db.prepare('INSERT INTO kb_pending (id, actor, file_name, content, created_at) VALUES (?, ?, ?, ?, ?)').run(id, actor, fileName, Buffer.from(data), now);
    return id;
  }

  async peekPending(id: string, now = Date.now()): Promise<PendingUpload | null> {
    const row = this.db.prepare('SELECT * FROM kb_pending WHERE id = ? AND created_at >= ?').get(id, now - PENDING_TTL_MS) as
      | { id: string; actor: string; file_name: string; content: Buffer; created_at: number }
      | undefined;
    return row ? { id: row.id, actor: row.actor, fileName: row.file_name, data: new Uint8Array(row.content), createdAt: row.created_at } : null;
  }

  async takePending(id: string, now = Date.now()): Promise<PendingUpload | null> {
    return this.db.transaction(() => {
      const row = this.db.prepare('DELETE FROM kb_pending WHERE id = ? RETURNING *').get(id) as
        | { id: string; actor: string; file_name: string; content: Buffer; created_at: number }
        | undefined;
      if (!row || row.created_at < now - PENDING_TTL_MS) return null;
      return { id: row.id, actor: row.actor, fileName: row.file_name, data: new Uint8Array(row.content), createdAt: row.created_at };
    }).immediate();
  }

  private existingFor(input: Pick<AddDocumentInput, 'fileName' | 'title' | 'replaces' | 'sourceRef'>, source: DocumentSource): StoredDocument | null {
    let row: DocumentRow | undefined;
    if (input.replaces) row = this.db.prepare(`${CURRENT} AND d.doc_id = ?`).get(input.replaces) as DocumentRow | undefined;
    else if (input.sourceRef) row = this.db.prepare(`${CURRENT} AND d.source = ? AND d.source_ref = ?`).get(source, input.sourceRef) as DocumentRow | undefined;
    else
      row = this.db
        .prepare(`${CURRENT} AND d.source = ? AND (d.file_name = ? OR d.title = ?) ORDER BY d.file_name = ? DESC LIMIT 1`)
        .get(source, input.fileName, input.title, input.fileName) as DocumentRow | undefined;
    return row ? toDocument(row) : null;
  }

  private audited(at: string, actor: string, action: AuditAction, docId: string, version: number, hash: string): void {
    this.db
      .prepare('INSERT INTO kb_audit (at, actor, action, doc_id, version, file_hash) VALUES (?, ?, ?, ?, ?, ?)')
      .run(at, actor, action, docId, version, hash);
  }
}

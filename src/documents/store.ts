import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Executor } from '../storage/database.js';

/**
 * Documents added to the knowledge base at run time (chat, CLI, dashboard, Feishu sync). They
 * live in the data store, never in the code tree: every version is kept with its bytes, and
 * every change is audited (who, when, which file hash). One implementation over the storage
 * layer serves both engines (tables in storage/migrations-kb.ts).
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

/** The current version of every document in the knowledge base, joined with its version row. */
function current(db: Executor) {
  return db
    .selectFrom('kb_documents as d')
    .innerJoin('kb_document_versions as v', (j) => j.onRef('v.doc_id', '=', 'd.doc_id').onRef('v.version', '=', 'd.current_version'))
    .select(['d.doc_id', 'd.source', 'd.source_ref', 'd.title', 'd.file_name', 'd.current_version', 'v.file_hash', 'v.bytes', 'd.created_at', 'd.updated_at'])
    .where('d.removed_at', 'is', null);
}

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
    version: Number(r.current_version),
    fileHash: r.file_hash,
    bytes: Number(r.bytes),
    addedAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Ids that cannot collide with handbook files (named after their file) and say where they came from. */
function newDocId(source: DocumentSource, sourceRef?: string): string {
  if (source === 'feishu' && sourceRef) return `feishu-${sourceRef.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40)}`;
  return `kb-${randomBytes(4).toString('hex')}`;
}

const toPending = (r: { id: string; actor: string; file_name: string; content: Uint8Array; created_at: number }): PendingUpload => ({
  id: r.id,
  actor: r.actor,
  fileName: r.file_name,
  data: new Uint8Array(r.content),
  createdAt: Number(r.created_at),
});

export class KyselyDocumentStore implements DocumentStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(): Promise<StoredDocument[]> {
    return (await current(this.db).orderBy('d.created_at').orderBy('d.doc_id').execute()).map(toDocument);
  }

  async get(docId: string): Promise<StoredDocument | null> {
    return this.byId(this.db, docId);
  }

  async find(nameOrId: string): Promise<StoredDocument | null> {
    const key = nameOrId.trim();
    if (!key) return null;
    const row = await current(this.db)
      .where((eb) => eb.or([eb('d.doc_id', '=', key), eb('d.title', '=', key), eb('d.file_name', '=', key)]))
      .orderBy(sql`case when d.doc_id = ${key} then 0 else 1 end`)
      .limit(1)
      .executeTakeFirst();
    return row ? toDocument(row) : null;
  }

  async findBySource(source: DocumentSource, sourceRef: string): Promise<StoredDocument | null> {
    const row = await current(this.db).where('d.source', '=', source).where('d.source_ref', '=', sourceRef).executeTakeFirst();
    return row ? toDocument(row) : null;
  }

  async uploadReplacedBy(fileName: string, title: string): Promise<StoredDocument | null> {
    return this.existingFor(this.db, { fileName, title }, 'upload');
  }

  async add(input: AddDocumentInput): Promise<AddDocumentResult> {
    const source = input.source ?? 'upload';
    const hash = fileHash(input.data);
    const at = this.clock().toISOString();
    return this.db.transaction().execute(async (tx): Promise<AddDocumentResult> => {
      const existing = await this.existingFor(tx, input, source);
      if (existing && existing.fileHash === hash && existing.title === input.title) return { document: existing, outcome: 'unchanged' };
      let docId: string;
      let version: number;
      if (existing) {
        docId = existing.docId;
        version = existing.version + 1;
        await tx.updateTable('kb_documents').set({ title: input.title, file_name: input.fileName, current_version: version, updated_at: at }).where('doc_id', '=', docId).execute();
      } else {
        // A document removed earlier and synced again gets its row back (its old versions kept).
        const revived = input.sourceRef
          ? await tx.selectFrom('kb_documents').select(['doc_id', 'current_version']).where('source', '=', source).where('source_ref', '=', input.sourceRef).executeTakeFirst()
          : undefined;
        if (revived) {
          docId = revived.doc_id;
          version = Number(revived.current_version) + 1;
          await tx
            .updateTable('kb_documents')
            .set({ title: input.title, file_name: input.fileName, current_version: version, removed_at: null, updated_at: at })
            .where('doc_id', '=', docId)
            .execute();
        } else {
          docId = newDocId(source, input.sourceRef);
          version = 1;
          await tx
            .insertInto('kb_documents')
            .values({ doc_id: docId, source, source_ref: input.sourceRef ?? null, title: input.title, file_name: input.fileName, current_version: 1, created_at: at, updated_at: at })
            .execute();
        }
      }
      await tx
        .insertInto('kb_document_versions')
        .values({ doc_id: docId, version, title: input.title, file_name: input.fileName, file_hash: hash, bytes: input.data.byteLength, content: Buffer.from(input.data), added_by: input.actor, added_at: at })
        .execute();
      await this.audited(tx, at, input.actor, existing ? 'replace' : 'add', docId, version, hash);
      const document = await this.byId(tx, docId);
      return { document: document!, outcome: existing ? 'replaced' : 'added' };
    });
  }

  async remove(docId: string, actor: string): Promise<boolean> {
    const at = this.clock().toISOString();
    return this.db.transaction().execute(async (tx) => {
      const doc = await this.byId(tx, docId);
      if (!doc) return false;
      await tx.updateTable('kb_documents').set({ removed_at: at, updated_at: at }).where('doc_id', '=', docId).execute();
      await this.audited(tx, at, actor, 'remove', docId, doc.version, doc.fileHash);
      return true;
    });
  }

  async versions(docId: string): Promise<DocumentVersion[]> {
    const rows = await this.db
      .selectFrom('kb_document_versions')
      .select(['doc_id', 'version', 'title', 'file_name', 'file_hash', 'bytes', 'added_by', 'added_at'])
      .where('doc_id', '=', docId)
      .orderBy('version')
      .execute();
    return rows.map((r) => ({
      docId: r.doc_id,
      version: Number(r.version),
      title: r.title,
      fileName: r.file_name,
      fileHash: r.file_hash,
      bytes: Number(r.bytes),
      addedBy: r.added_by,
      addedAt: r.added_at,
    }));
  }

  async audit(limit = 100): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('kb_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      actor: r.actor,
      action: r.action,
      docId: r.doc_id,
      version: r.version === null ? null : Number(r.version),
      fileHash: r.file_hash ?? null,
    }));
  }

  async contents(): Promise<DocumentContent[]> {
    const rows = await this.db
      .selectFrom('kb_documents as d')
      .innerJoin('kb_document_versions as v', (j) => j.onRef('v.doc_id', '=', 'd.doc_id').onRef('v.version', '=', 'd.current_version'))
      .select(['d.doc_id', 'd.source', 'd.title', 'd.file_name', 'v.content'])
      .where('d.removed_at', 'is', null)
      .orderBy('d.created_at')
      .orderBy('d.doc_id')
      .execute();
    return rows.map((r) => ({ docId: r.doc_id, source: r.source, title: r.title, fileName: r.file_name, data: new Uint8Array(r.content) }));
  }

  async revision(): Promise<string> {
    const row = await this.db.selectFrom('kb_audit').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return String(Number(row?.id ?? 0));
  }

  async stagePending(actor: string, fileName: string, data: Uint8Array, now = Date.now()): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    await this.db.deleteFrom('kb_pending').where('created_at', '<', now - PENDING_TTL_MS).execute();
    await this.db.insertInto('kb_pending').values({ id, actor, file_name: fileName, content: Buffer.from(data), created_at: now }).execute();
    return id;
  }

  async peekPending(id: string, now = Date.now()): Promise<PendingUpload | null> {
    const row = await this.db.selectFrom('kb_pending').selectAll().where('id', '=', id).where('created_at', '>=', now - PENDING_TTL_MS).executeTakeFirst();
    return row ? toPending(row) : null;
  }

  async takePending(id: string, now = Date.now()): Promise<PendingUpload | null> {
    // One DELETE … RETURNING: of two Confirms (on two replicas too) only one gets the row.
    const row = await this.db.deleteFrom('kb_pending').where('id', '=', id).returningAll().executeTakeFirst();
    if (!row || Number(row.created_at) < now - PENDING_TTL_MS) return null;
    return toPending(row);
  }

  private async byId(db: Executor, docId: string): Promise<StoredDocument | null> {
    const row = await current(db).where('d.doc_id', '=', docId).executeTakeFirst();
    return row ? toDocument(row) : null;
  }

  private async existingFor(db: Executor, input: Pick<AddDocumentInput, 'fileName' | 'title' | 'replaces' | 'sourceRef'>, source: DocumentSource): Promise<StoredDocument | null> {
    if (input.replaces) return this.byId(db, input.replaces);
    let q = current(db).where('d.source', '=', source);
    if (input.sourceRef) q = q.where('d.source_ref', '=', input.sourceRef);
    else
      q = q
        .where((eb) => eb.or([eb('d.file_name', '=', input.fileName), eb('d.title', '=', input.title)]))
        .orderBy(sql`case when d.file_name = ${input.fileName} then 0 else 1 end`)
        .limit(1);
    const row = await q.executeTakeFirst();
    return row ? toDocument(row) : null;
  }

  private async audited(db: Executor, at: string, actor: string, action: AuditAction, docId: string, version: number, hash: string): Promise<void> {
    await db.insertInto('kb_audit').values({ at, actor, action, doc_id: docId, version, file_hash: hash }).execute();
  }
}

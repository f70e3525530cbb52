import { InputError } from '../errors/input-error.js';

/**
 * A storage failure at start as one line an operator can act on: which path, and why in words
 * (read-only, permission, disk full, a file in the way), instead of a stack trace whose errno
 * may not even be the real cause (`mkdir -p` on a read-only mount can report ENOENT).
 */
const CAUSES: Record<string, string> = {
  EACCES: 'permission denied (the service user cannot write there)',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder, not a file',
  SQLITE_CANTOPEN: 'SQLite cannot open the file (is the folder writable and present?)',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_FULL: 'the disk is full',
  SQLITE_CORRUPT: 'the database file is damaged (restore a backup)',
  SQLITE_NOTADB: 'the file is not a SQLite database',
};

export class StorageUnavailable extends InputError {}

export function storageError(what: string, file: string, err: unknown): StorageUnavailable {
  const code = (err as { code?: string }).code ?? '';
  const cause = CAUSES[code] ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
  return new StorageUnavailable(`${what} ${file}: ${cause}${code && !CAUSES[code] ? '' : code ? ` (${code})` : ''} — check DATA_DIR`);
}

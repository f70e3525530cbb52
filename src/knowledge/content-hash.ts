import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** What a knowledge file was when it was last hashed. */
export interface FileDigest {
  size: number;
  mtimeMs: number;
  sha256: string;
}
export type FileDigests = Record<string, FileDigest>;

/** Files whose content defines the index: the handbook, the cleaning rules, the glossary (its words shape segmentation) and the other sources. */
function indexInputs(knowledgeDir: string, sources: string[]): string[] {
  const handbook = path.join(knowledgeDir, 'handbook');
  const files = existsSync(handbook)
    ? readdirSync(handbook)
        .filter((n) => !n.startsWith('.'))
        .map((n) => path.join(handbook, n))
        .filter((f) => statSync(f).isFile())
        .sort()
    : [];
  return [...files, path.join(knowledgeDir, 'cleaning.yaml'), path.join(knowledgeDir, 'glossary.yaml'), ...sources];
}

/**
 * One hash over every knowledge file's name and content (and `salt`: format, embeddings, data
 * versions). A file whose size and modification time match its digest from the last build is not
 * read again, as git and make do: at 1000× the handbook that saves reading 70 MB on every start.
 */
export function contentHash(knowledgeDir: string, salt: string, known: FileDigests = {}, sources: string[] = []): { hash: string; files: FileDigests } {
  const h = createHash('sha256');
  h.update(salt);
  const files: FileDigests = {};
  for (const file of indexInputs(knowledgeDir, sources)) {
    const name = path.relative(knowledgeDir, file);
    const stat = existsSync(file) ? statSync(file) : null;
    const before = known[name];
    let digest: FileDigest;
    if (stat && before && before.size === stat.size && before.mtimeMs === stat.mtimeMs) digest = before;
    else digest = { size: stat?.size ?? -1, mtimeMs: stat?.mtimeMs ?? -1, sha256: createHash('sha256').update(stat ? readFileSync(file) : Buffer.alloc(0)).digest('hex') };
    files[name] = digest;
    h.update(`${name}\n${digest.sha256}\n`);
  }
  return { hash: h.digest('hex'), files };
}

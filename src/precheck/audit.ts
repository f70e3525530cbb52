import { createHash } from 'node:crypto';
import type { Platform } from '../core/types.js';
import { applyMigrations, type Db } from '../storage/db.js';
import type { PrecheckResult, Verdict } from './types.js';

/**
 * Every pre-check is recorded: who (a salted hash, never the raw id), where, when, which
 * document (its sha256), the verdict and the rule ids found. Contract text is customer data,
 * so it is stored only when the deployment opts in (PRECHECK_STORE_TEXT).
 */

const MIGRATIONS = [
  `CREATE TABLE precheck_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     created_at TEXT NOT NULL,
     user_hash TEXT NOT NULL,
     platform TEXT NOT NULL,
     source TEXT NOT NULL,
     file_hash TEXT NOT NULL,
     characters INTEGER NOT NULL,
     verdict TEXT NOT NULL,
     rule_ids TEXT NOT NULL,
     finding_count INTEGER NOT NULL,
     contract_text TEXT
   );
   CREATE INDEX precheck_audit_created ON precheck_audit (created_at);
   CREATE INDEX precheck_audit_user ON precheck_audit (user_hash);`,
] as const;

export type PrecheckSource = 'text' | 'file' | 'cli';

export interface PrecheckAuditEntry {
  platform: Platform;
  userId: string;
  source: PrecheckSource;
  fileHash: string;
  result: PrecheckResult;
  /** Kept only when the store was created with `storeText: true`. */
  text?: string;
  at?: Date;
}

export interface PrecheckAuditRow {
  id: number;
  createdAt: string;
  userHash: string;
  platform: string;
  source: PrecheckSource;
  fileHash: string;
  characters: number;
  verdict: Verdict;
  ruleIds: string[];
  findingCount: number;
  contractText: string | null;
}

export interface PrecheckAudit {
  record(entry: PrecheckAuditEntry): number;
  recent(limit?: number): PrecheckAuditRow[];
  hashUser(platform: string, userId: string): string;
}

export interface PrecheckAuditOptions {
  /** Salt for user hashes (ANALYTICS_SALT). */
  salt: string;
  storeText?: boolean;
}

export function createPrecheckAudit(db: Db, options: PrecheckAuditOptions): PrecheckAudit {
  applyMigrations(db, 'precheck', MIGRATIONS);
  const insert = db.prepare(
    `INSERT INTO precheck_audit
       (created_at, user_hash, platform, source, file_hash, characters, verdict, rule_ids, finding_count, contract_text)
     VALUES (@createdAt, @userHash, @platform, @source, @fileHash, @characters, @verdict, @ruleIds, @findingCount, @contractText)`,
  );
  const select = db.prepare('SELECT * FROM precheck_audit ORDER BY id DESC LIMIT ?');
  const hashUser = (platform: string, userId: string) =>
    createHash('sha256').update(`${options.salt}\u0000${platform}:${userId}`).digest('hex');

  return {
    hashUser,
    record(entry) {
      const ruleIds = [...new Set(entry.result.findings.map((f) => f.rule))];
      const info = insert.run({
        createdAt: (entry.at ?? new Date()).toISOString(),
        userHash: hashUser(entry.platform, entry.userId),
        platform: entry.platform,
        source: entry.source,
        fileHash: entry.fileHash,
        characters: entry.result.stats.characters,
        verdict: entry.result.verdict,
        ruleIds: JSON.stringify(ruleIds),
        findingCount: entry.result.findings.length,
        contractText: options.storeText && entry.text !== undefined ? entry.text : null,
      });
      return Number(info.lastInsertRowid);
    },
    recent(limit = 50) {
      return (select.all(limit) as Record<string, unknown>[]).map((r) => ({
        id: r.id as number,
        createdAt: r.created_at as string,
        userHash: r.user_hash as string,
        platform: r.platform as string,
        source: r.source as PrecheckSource,
        fileHash: r.file_hash as string,
        characters: r.characters as number,
        verdict: r.verdict as Verdict,
        ruleIds: JSON.parse(r.rule_ids as string) as string[],
        findingCount: r.finding_count as number,
        contractText: (r.contract_text as string | null) ?? null,
      }));
    },
  };
}

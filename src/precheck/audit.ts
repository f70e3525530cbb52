import { createHash } from 'node:crypto';
import type { Platform } from '../core/types.js';
import type { Db } from '../storage/database.js';
import type { PrecheckResult, Verdict } from './types.js';

/**
 * Every pre-check is recorded: who (a salted hash, never the raw id), where, when, which
 * document (its sha256), the verdict and the rule ids found. Contract text is customer data,
 * so it is stored only when the deployment opts in (PRECHECK_STORE_TEXT).
 */

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
  record(entry: PrecheckAuditEntry): Promise<number>;
  recent(limit?: number): Promise<PrecheckAuditRow[]>;
  hashUser(platform: string, userId: string): string;
}

export interface PrecheckAuditOptions {
  /** Salt for user hashes (ANALYTICS_SALT). */
  salt: string;
  storeText?: boolean;
}

export function createPrecheckAudit(db: Db, options: PrecheckAuditOptions): PrecheckAudit {
  const hashUser = (platform: string, userId: string) =>
    createHash('sha256').update(`${options.salt}\u0000${platform}:${userId}`).digest('hex');

  return {
    hashUser,
    async record(entry) {
      const ruleIds = [...new Set(entry.result.findings.map((f) => f.rule))];
      const row = await db
        .insertInto('precheck_audit')
        .values({
          created_at: (entry.at ?? new Date()).toISOString(),
          user_hash: hashUser(entry.platform, entry.userId),
          platform: entry.platform,
          source: entry.source,
          file_hash: entry.fileHash,
          characters: entry.result.stats.characters,
          verdict: entry.result.verdict,
          rule_ids: JSON.stringify(ruleIds),
          finding_count: entry.result.findings.length,
          contract_text: options.storeText && entry.text !== undefined ? entry.text : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
    async recent(limit = 50) {
      const rows = await db.selectFrom('precheck_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: Number(r.id),
        createdAt: r.created_at,
        userHash: r.user_hash,
        platform: r.platform,
        source: r.source as PrecheckSource,
        fileHash: r.file_hash,
        characters: r.characters,
        verdict: r.verdict as Verdict,
        ruleIds: JSON.parse(r.rule_ids) as string[],
        findingCount: r.finding_count,
        contractText: r.contract_text ?? null,
      }));
    },
  };
}

import type { HandbookCitation } from '../retrieval/types.js';
import type { Customer } from './parties.js';

export type Severity = 'high' | 'medium' | 'low';
export type Verdict = 'block' | 'review' | 'pass';

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** Clause text quoted from the original contract ('' for a missing clause). */
  evidence: string;
  /** Offsets of `evidence` in the original text (UTF-16 units); both 0 for a missing clause. */
  evidenceStart: number;
  evidenceEnd: number;
  suggestion: string;
  basis: string;
  citation?: HandbookCitation;
  /** `model` findings come from the optional LLM review and never decide alone what rules found. */
  source: 'rule' | 'model';
}

export interface PrecheckStats {
  characters: number;
  clauses: number;
  sentences: number;
  rulesChecked: number;
  elapsedMs: number;
  /** Set when the optional model review was requested but failed; rule findings stand. */
  modelReviewError?: string;
}

export interface PrecheckResult {
  verdict: Verdict;
  findings: Finding[];
  customer?: Customer;
  stats: PrecheckStats;
}

export const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

export function verdictOf(findings: readonly Pick<Finding, 'severity'>[]): Verdict {
  if (findings.some((f) => f.severity === 'high')) return 'block';
  if (findings.some((f) => f.severity === 'medium')) return 'review';
  return 'pass';
}

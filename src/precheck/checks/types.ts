import type { z } from 'zod';
import type { CreditLineLookup } from '../../credit/lookup.js';
import type { ContractFacts } from '../facts.js';
import { sentenceAt, type Sentence } from '../text.js';
import type { Severity } from '../types.js';

/**
 * Computed checks: the rules that need arithmetic or structure rather than a pattern. Each lives
 * in a file named after the rule id it serves; `contract.yaml` refers to it by its check name and
 * may pass params. Offsets in hits are absolute (into the original text).
 */

export interface CheckHit {
  start: number;
  end: number;
  /** Filled into the rule's message (`{detail}`). */
  detail?: string;
  /** A check may lower (never raise) the rule's severity, e.g. a credit line that covers the deal. */
  severity?: Severity;
}

export interface CheckContext {
  facts: ContractFacts;
  creditLookup?: CreditLineLookup;
  now: Date;
}

export interface CheckDefinition<P extends z.ZodType = z.ZodType> {
  params: P;
  run(ctx: CheckContext, params: z.output<P>): CheckHit[];
}

export function define<P extends z.ZodType>(def: CheckDefinition<P>): CheckDefinition {
  return def as unknown as CheckDefinition;
}

export const sentenceHit = (s: Sentence, detail?: string): CheckHit => ({ start: s.start, end: s.end, detail });

/** Widens an offset range to whole sentences, so evidence reads as the clause the rep wrote. */
export function sentenceSpan(ctx: CheckContext, start: number, end: number): { start: number; end: number } {
  const { sentences } = ctx.facts.text;
  const first = sentenceAt(sentences, start);
  const last = sentenceAt(sentences, Math.max(start, end - 1));
  return { start: Math.min(start, first?.start ?? start), end: Math.max(end, last?.end ?? end) };
}

/** Sentences grouped by top-level section, so a clause with sub-items is judged as a whole. */
export function sentencesBySection(ctx: CheckContext): { start: number; end: number; sentences: Sentence[] }[] {
  const { text } = ctx.facts;
  const groups = text.sections.map((s) => ({ start: s.start, end: s.end, sentences: [] as Sentence[] }));
  let k = 0;
  for (const s of text.sentences) {
    while (k < groups.length - 1 && s.start >= groups[k]!.end) k++;
    groups[k]?.sentences.push(s);
  }
  return groups;
}

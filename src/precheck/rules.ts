import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataFileError, parseDataFile } from '../data-files/data-file.js';
import { z } from 'zod';
import { CHECKS } from './checks/index.js';

/**
 * Pre-check rules are policy, so they live in `knowledge/rules/contract.yaml` and are
 * validated on load. Every problem names `file:line` so whoever edits the YAML can fix it
 * without counting list indexes.
 */

export const DEFAULT_RULES_PATH = fileURLToPath(new URL('../../knowledge/rules/contract.yaml', import.meta.url));

const regexSource = z
  .string()
  .min(1)
  .superRefine((src, ctx) => {
    try {
      new RegExp(src, 'u');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(e as Error).message}` });
    }
  });

const regexList = z.array(regexSource).min(1);

const matcherSchema = z.strictObject({
  /** At least one must match the sentence. */
  any: regexList,
  /** When given, at least one must also occur in the sentence or its clause heading. */
  with: regexList.optional(),
  /** When given, at least one of these must occur too (a second condition, e.g. paid to a person AND in cash). */
  withAlso: regexList.optional(),
  /** None of these may occur in the sentence (a negation such as 不得 / 禁止). */
  unless: regexList.optional(),
  /** None of these may occur anywhere in the sentence's clause (a cap or notice period stated nearby). */
  unlessClause: regexList.optional(),
  /**
   * The clause voids its own `unlessClause` hit when one of these occurs in it: a cap the contract
   * says does not apply (`前述上限不适用于本款`) lifts nothing.
   */
  unlessClauseVoidedBy: regexList.optional(),
  /** `tail`: only the last part of the contract (signature blocks). */
  within: z.enum(['all', 'tail']).default('all'),
});

const matchersSchema = z.union([matcherSchema, z.array(matcherSchema).min(1)]).transform((m) => (Array.isArray(m) ? m : [m]));

const ruleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/, 'rule ids look like `deposit.over-cap`'),
    severity: z.enum(['high', 'medium', 'low']),
    message: z.string().min(1),
    suggestion: z.string().min(1),
    basis: z.string().min(1),
    handbookTopic: z.string().min(1).optional(),
    /** A handbook passage is cited only when it matches one of these (it is about the rule); none given, none cited. */
    citeIf: regexList.optional(),
    /** Pattern rule: a finding for every sentence the matchers hit. */
    match: matchersSchema.optional(),
    /** Absence rule: one finding when no sentence satisfies the matchers. */
    absent: matchersSchema.optional(),
    /** Computed rule: a named function in checks.ts. */
    check: z.string().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    /** Pattern rules: at most this many findings, so a long contract does not flood the reply. */
    maxFindings: z.number().int().min(1).max(50).default(5),
    /** Absence rules: a blank form line (`甲方（盖章）：______`) fills the clause too (signature lines are blanks by design). */
    blanksCount: z.boolean().default(false),
  })
  .superRefine((rule, ctx) => {
    const kinds = (['match', 'absent', 'check'] as const).filter((k) => rule[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'a rule needs exactly one of `match`, `absent` or `check`' });
      return;
    }
    if (rule.check !== undefined) {
      const def = CHECKS[rule.check];
      if (!def) {
        ctx.addIssue({
          code: 'custom',
          path: ['check'],
          message: `unknown check "${rule.check}"; known: ${Object.keys(CHECKS).join(', ')}`,
        });
        return;
      }
      const parsed = def.params.safeParse(rule.params ?? {});
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ code: 'custom', path: ['params', ...issue.path.map((p) => p as string | number)], message: issue.message });
        }
      }
    } else if (rule.params !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['params'], message: '`params` only applies to `check` rules' });
    }
  });

const rulesFileSchema = z
  .strictObject({
    version: z.literal(1),
    /** Our own company names as they appear in contracts; the customer is the other party. */
    ownCompanies: z.array(z.string().min(2)).default([]),
    /** How forms mark an option struck out (a note after it such as 【此项已划去】); regexes on normalised text. */
    struckOptionMarkers: z.array(regexSource).default([]),
    rules: z.array(ruleSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
    });
  });

export type Matcher = z.output<typeof matcherSchema>;
export type RuleSpec = z.output<typeof ruleSchema>;

/** A matcher with its regexes compiled once. */
export interface CompiledMatcher {
  any: RegExp[];
  with: RegExp[];
  withAlso: RegExp[];
  unless: RegExp[];
  unlessClause: RegExp[];
  unlessClauseVoidedBy: RegExp[];
  within: 'all' | 'tail';
}

export type CompiledRule = Omit<RuleSpec, 'match' | 'absent' | 'citeIf'> & {
  kind: 'match' | 'absent' | 'check';
  matchers: CompiledMatcher[];
  citeIf: RegExp[];
};

/** Rules-file problems carry file:line like every other knowledge file. */
export { DataFileError as RulesFileError } from '../data-files/data-file.js';

function compileMatcher(m: Matcher): CompiledMatcher {
  const re = (s: string) => new RegExp(s, 'u');
  return {
    any: m.any.map(re),
    with: (m.with ?? []).map(re),
    withAlso: (m.withAlso ?? []).map(re),
    unless: (m.unless ?? []).map(re),
    unlessClause: (m.unlessClause ?? []).map(re),
    unlessClauseVoidedBy: (m.unlessClauseVoidedBy ?? []).map(re),
    within: m.within,
  };
}

export function parseRules(file: string, source: string): CompiledRule[] {
  const parsed = { data: parseDataFile(file, source, rulesFileSchema) };
  return parsed.data.rules.map(({ match, absent, citeIf, ...rest }) => {
    const kind = match ? 'match' : absent ? 'absent' : 'check';
    return { ...rest, kind, matchers: (match ?? absent ?? []).map(compileMatcher), citeIf: (citeIf ?? []).map((r) => new RegExp(r, 'u')) };
  });
}

/** `ownCompanies` of the rules file (the customer is never one of these). */
export function loadOwnCompanies(file: string = DEFAULT_RULES_PATH): string[] {
  try {
    return parseDataFile(file, readFileSync(file, 'utf8'), rulesFileSchema).ownCompanies;
  } catch {
    // loadRules has already reported a broken file; without names the roles decide.
    return [];
  }
}

/** `struckOptionMarkers` of the rules file: notes that strike a model-form option out. */
export function loadStruckOptionMarkers(file: string = DEFAULT_RULES_PATH): RegExp[] {
  try {
    return parseDataFile(file, readFileSync(file, 'utf8'), rulesFileSchema).struckOptionMarkers.map((r) => new RegExp(r, 'u'));
  } catch {
    return [];
  }
}

export function loadRules(file: string = DEFAULT_RULES_PATH): CompiledRule[] {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataFileError(file, [{ line: 1, path: '', message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseRules(file, source);
}

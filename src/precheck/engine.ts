import { z } from 'zod';
import type { CreditLineLookup, KnownCreditLines } from '../credit/lookup.js';
import { errorSummary } from '../log/errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { HandbookCitation, HandbookCiter } from '../retrieval/types.js';
import { detectScript, toSimplified, toTraditional } from '../text/script.js';
import { CHECKS, type CheckHit } from './checks/index.js';
import { gatherFacts, type ContractFacts } from './facts.js';
import { loadOwnCompanies, loadRules, loadStruckOptionMarkers, type CompiledMatcher, type CompiledRule } from './rules.js';
import type { Sentence } from './text.js';
import { SEVERITY_ORDER, verdictOf, type Finding, type PrecheckResult, type Severity } from './types.js';

export interface PrecheckerOptions {
  /** Defaults to knowledge/rules/contract.yaml. */
  rulesPath?: string;
  /** Already loaded rules (tests); wins over rulesPath. */
  rules?: CompiledRule[];
  citer?: HandbookCiter;
  /**
   * Handbook passages for a topic, best first (preferred over `citer`): the first passage with a
   * sentence about the rule (`citeIf`) is cited, quoting that sentence.
   */
  handbookPassages?: (topic: string) => Promise<HandbookPassage[]>;
  creditLookup?: CreditLineLookup;
  /** Optional model review; its findings are marked `model` and can never remove rule findings. */
  llmReview?: (contractText: string) => Promise<unknown[]>;
  llmTimeoutMs?: number;
  log?: Logger;
  /** Our own company names (contract.yaml `ownCompanies` when not given): the customer is the other party. */
  ownCompanies?: readonly string[];
  /** Notes that strike a model-form option out (contract.yaml `struckOptionMarkers` when not given). */
  struckOptionMarkers?: readonly RegExp[];
}

export interface HandbookPassage {
  docId: string;
  title: string;
  section: string;
  text: string;
}

export interface CheckOptions {
  /** Script of messages/suggestions: `auto` follows the contract (Traditional contract → Traditional messages). */
  outputScript?: 'auto' | 'zh-Hans' | 'zh-Hant';
  /** Skip the model review even when configured (CLI `--no-llm`, tests). */
  skipModelReview?: boolean;
  now?: Date;
}

export interface Prechecker {
  check(text: string, opts?: CheckOptions): Promise<PrecheckResult>;
  readonly rules: readonly CompiledRule[];
}

/** Longest evidence quoted for one finding: a clause without punctuation can be very long. */
const MAX_EVIDENCE = 240;

export function createPrechecker(options: PrecheckerOptions = {}): Prechecker {
  const rules = options.rules ?? loadRules(options.rulesPath);
  const ownCompanies = options.ownCompanies ?? (options.rules ? [] : loadOwnCompanies(options.rulesPath));
  const struckOptionMarkers = options.struckOptionMarkers ?? (options.rules ? [] : loadStruckOptionMarkers(options.rulesPath));
  const log = options.log ?? silentLogger;
  return {
    rules,
    async check(text, opts = {}) {
      const started = performance.now();
      const facts = gatherFacts(text, { ownCompanies, struckOptionMarkers });
      const now = opts.now ?? new Date();
      const creditLookup = await creditLinesFor(options.creditLookup, facts, now);
      const findings = runRules(rules, facts, { creditLookup, now });

      const script = opts.outputScript === 'auto' || !opts.outputScript ? scriptOf(text) : opts.outputScript;
      if (script === 'zh-Hant') for (const f of findings) localise(f);

      await attachCitations(findings, rules, log, options.handbookPassages ? passageCiter(options.handbookPassages, rules) : options.citer);

      let modelReviewError: string | undefined;
      if (options.llmReview && !opts.skipModelReview) {
        try {
          findings.push(...(await modelFindings(options.llmReview, text, options.llmTimeoutMs ?? 30_000)));
        } catch (e) {
          modelReviewError = (e as Error).message;
          log.warn({ err: errorSummary(e) }, 'precheck model review failed; rule findings stand');
        }
      }

      findings.sort(
        (a, b) =>
          effectiveOrder(a) - effectiveOrder(b) || (a.source === b.source ? 0 : a.source === 'rule' ? -1 : 1) || a.evidenceStart - b.evidenceStart,
      );
      return {
        verdict: verdictOf(findings.map((f) => ({ severity: effectiveSeverity(f) }))),
        findings,
        ...(facts.customer ? { customer: facts.customer } : {}),
        stats: {
          characters: text.length,
          clauses: facts.text.clauses.length,
          sentences: facts.text.sentences.length,
          rulesChecked: rules.length,
          elapsedMs: Math.round((performance.now() - started) * 10) / 10,
          ...(modelReviewError ? { modelReviewError } : {}),
        },
      };
    },
  };
}

/**
 * A model finding can ask for a human look but cannot block a contract on its own: the rules
 * decide `block`. So for the verdict a model `high` counts as `medium`.
 */
function effectiveSeverity(f: Finding): Severity {
  return f.source === 'model' && f.severity === 'high' ? 'medium' : f.severity;
}

function effectiveOrder(f: Finding): number {
  return SEVERITY_ORDER[effectiveSeverity(f)];
}

function scriptOf(text: string): 'zh-Hans' | 'zh-Hant' {
  // A sample is enough to tell the script and keeps this cheap on 200k characters.
  return detectScript(text.slice(0, 4000)) === 'zh-Hant' ? 'zh-Hant' : 'zh-Hans';
}

function localise(f: Finding): void {
  f.message = toTraditional(f.message);
  f.suggestion = toTraditional(f.suggestion);
  f.basis = toTraditional(f.basis);
}

/**
 * The rules run synchronously over the facts; the one thing they ask the database — the
 * customer's approved credit line — is looked up once before they run.
 */
async function creditLinesFor(lookup: CreditLineLookup | undefined, facts: ContractFacts, now: Date): Promise<KnownCreditLines | undefined> {
  if (!lookup) return undefined;
  const customer = facts.customer;
  const line = await lookup.findApprovedLine({ uscc: customer?.uscc, customerName: customer?.name }, now);
  return { findApprovedLine: () => line };
}

// ---------------------------------------------------------------------------------------------

interface RunContext {
  creditLookup?: KnownCreditLines;
  now: Date;
}

export function runRules(rules: readonly CompiledRule[], facts: ContractFacts, ctx: RunContext): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    let hits: CheckHit[];
    if (rule.kind === 'check') {
      const def = CHECKS[rule.check!]!;
      hits = def.run({ facts, creditLookup: ctx.creditLookup, now: ctx.now }, def.params.parse(rule.params ?? {}));
    } else if (rule.kind === 'absent') {
      // A clause title or a blank form field states nothing: it does not fill the clause.
      hits = rule.matchers.some((m) => matchingSentences(m, facts).some((s) => rule.blanksCount || !s.unfilled)) ? [] : [{ start: 0, end: 0 }];
    } else {
      const seen = new Set<number>();
      hits = [];
      for (const m of rule.matchers) {
        for (const s of matchingSentences(m, facts)) {
          // One finding per place: a row read as a sentence and restated from its table is one place.
          const key = s.start;
          if (seen.has(key)) continue;
          seen.add(key);
          hits.push({ start: s.start, end: s.end });
        }
      }
      hits.sort((a, b) => a.start - b.start);
    }
    for (const hit of hits.slice(0, rule.maxFindings)) findings.push(toFinding(rule, hit, facts.text.original));
  }
  return findings;
}

/**
 * Sentences a matcher accepts. Each `any` regex first runs once over the whole text, so a
 * 200,000-character contract costs one scan per regex rather than one test per sentence;
 * hits are then confirmed inside their sentence, where `with` and `unless` apply.
 */
function matchingSentences(m: CompiledMatcher, facts: ContractFacts): Sentence[] {
  const { text } = facts;
  const tailFrom = m.within === 'tail' ? tailStart(facts) : 0;
  const candidates = new Set<number>();
  for (const re of m.any) {
    if (/[\^$]/.test(re.source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, ''))) {
      // Anchors mean sentence start/end: no whole-text prefilter can express that.
      for (const s of text.sentences) candidates.add(s.index);
      continue;
    }
    const global = new RegExp(re.source, 'gu');
    // A hit may run on past its sentence (`\s*` over a heading's line break) and swallow the start of
    // the next match: the scan resumes at the end of the sentence the hit starts in, not of the hit.
    for (let hit = global.exec(text.norm); hit; hit = global.exec(text.norm)) {
      const s = sentenceIndexAt(text.sentences, hit.index);
      if (s !== -1) candidates.add(s);
      const sentence = s === -1 ? undefined : text.sentences[s]!;
      global.lastIndex = sentence && sentence.start <= hit.index ? Math.max(sentence.end, hit.index + 1) : hit.index + 1;
    }
  }
  const out: Sentence[] = [];
  for (const i of [...candidates].sort((a, b) => a - b)) {
    const s = text.sentences[i]!;
    if (s.start < tailFrom) continue;
    if (!m.any.some((re) => re.test(s.text))) continue;
    if (m.with.length || m.withAlso.length) {
      const context = `${text.clauses[s.clause]!.heading}\n${s.text}`;
      if (m.with.length && !m.with.some((re) => re.test(context))) continue;
      if (m.withAlso.length && !m.withAlso.some((re) => re.test(context))) continue;
    }
    if (m.unless.some((re) => re.test(s.text))) continue;
    if (m.unlessClause.length) {
      const clause = clauseText(facts, s.clause);
      if (m.unlessClause.some((re) => re.test(clause)) && !m.unlessClauseVoidedBy.some((re) => re.test(clause))) continue;
    }
    out.push(s);
  }
  // Table cells restated with their headers (`合计 金额 12,000 元`) are read like sentences.
  for (const s of facts.statements) {
    if (s.start < tailFrom || !m.any.some((re) => re.test(s.text))) continue;
    const context = `${text.clauses[s.clause]?.heading ?? ''}\n${s.text}`;
    if (m.with.length && !m.with.some((re) => re.test(context))) continue;
    if (m.withAlso.length && !m.withAlso.some((re) => re.test(context))) continue;
    if (m.unless.some((re) => re.test(s.text))) continue;
    out.push(s);
  }
  return out;
}

function clauseText(facts: ContractFacts, clause: number): string {
  const c = facts.text.clauses[clause]!;
  return facts.text.norm.slice(c.start, c.end);
}

/** The signature block sits at the end: the last 30% of the text, at least its last four non-empty lines. */
function tailStart(facts: ContractFacts): number {
  const { norm } = facts.text;
  let at = norm.length;
  for (let lines = 0; lines < 4 && at > 0; ) {
    const nl = norm.lastIndexOf('\n', at - 1);
    if (norm.slice(nl + 1, at).trim() !== '') lines++;
    at = nl === -1 ? 0 : nl;
  }
  return Math.min(at, Math.floor(norm.length * 0.7));
}

/** A hit may start in the whitespace between sentences: it then belongs to the next one. */
function sentenceIndexAt(sentences: Sentence[], offset: number): number {
  let lo = 0;
  let hi = sentences.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid]!;
    if (offset < s.start) {
      best = mid;
      hi = mid - 1;
    } else if (offset >= s.end) lo = mid + 1;
    else return mid;
  }
  return best;
}

function toFinding(rule: CompiledRule, hit: CheckHit, original: string): Finding {
  const severity = hit.severity && SEVERITY_ORDER[hit.severity] > SEVERITY_ORDER[rule.severity] ? hit.severity : rule.severity;
  let { start, end } = hit;
  if (end - start > MAX_EVIDENCE) end = start + MAX_EVIDENCE;
  const message = rule.message.includes('{detail}')
    ? rule.message.replace('{detail}', hit.detail ?? '')
    : hit.detail
      ? `${rule.message}（${hit.detail}）`
      : rule.message;
  return {
    rule: rule.id,
    severity,
    message,
    evidence: original.slice(start, end),
    evidenceStart: start,
    evidenceEnd: end,
    suggestion: rule.suggestion,
    basis: rule.basis,
    source: 'rule',
  };
}

/** Pinyin glosses the handbook scraper left behind (`銷(xiāo)售`) and broken-encoding runs. */
const PINYIN_GLOSS = /\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)/g;
const GARBLED = /\?{2,}|\uFFFD/;

/**
 * Turns a passage search into a citer per topic: the first passage (best first) that has a clean
 * sentence matching one of the topic's rules' `citeIf` is cited with that sentence as the quote.
 */
function passageCiter(search: (topic: string) => Promise<HandbookPassage[]>, rules: readonly CompiledRule[]): HandbookCiter {
  return async (topic) => {
    const patterns = rules.filter((r) => r.handbookTopic === topic).flatMap((r) => r.citeIf);
    for (const p of await search(topic)) {
      const clean = p.text.replace(PINYIN_GLOSS, '');
      for (const sentence of clean.split(/(?<=[。；;！？!?\n])/)) {
        const quote = sentence.trim();
        if (quote.length < 6 || GARBLED.test(quote) || !patterns.some((re) => re.test(toSimplified(quote)))) continue;
        return { docId: p.docId, title: p.title, section: p.section, quote: quote.length > 160 ? `${quote.slice(0, 160)}…` : quote };
      }
    }
    return null;
  };
}

/**
 * A handbook passage is cited only when it is about the rule (it matches the rule's `citeIf`), with
 * scraper debris removed; a garbled passage or one about something else is not cited at all.
 */
async function attachCitations(findings: Finding[], rules: readonly CompiledRule[], log: Logger, citer?: HandbookCiter): Promise<void> {
  if (!citer) return;
  const topics = new Map<string, Promise<HandbookCitation | null>>();
  const byId = new Map(rules.map((r) => [r.id, r]));
  const citable = (rule: CompiledRule | undefined): rule is CompiledRule => !!rule?.handbookTopic && rule.citeIf.length > 0;
  for (const f of findings) {
    const rule = byId.get(f.rule);
    if (!citable(rule) || topics.has(rule.handbookTopic!)) continue;
    topics.set(
      rule.handbookTopic!,
      citer(rule.handbookTopic!).catch((e: unknown) => {
        log.warn({ err: errorSummary(e), rule: f.rule }, 'handbook citation lookup failed');
        return null;
      }),
    );
  }
  for (const f of findings) {
    const rule = byId.get(f.rule);
    if (!citable(rule)) continue;
    const citation = await topics.get(rule.handbookTopic!);
    if (!citation) continue;
    const quote = citation.quote.replace(PINYIN_GLOSS, '');
    if (GARBLED.test(quote) || !rule.citeIf.some((re) => re.test(toSimplified(quote)))) continue;
    f.citation = { ...citation, quote };
  }
}

// ---------------------------------------------------------------------------------------------

const modelFindingSchema = z.object({
  rule: z.string().min(1).max(80),
  severity: z.enum(['high', 'medium', 'low']),
  message: z.string().min(1).max(2000),
  evidence: z.string().max(2000).default(''),
  evidenceStart: z.number().int().optional(),
  evidenceEnd: z.number().int().optional(),
  suggestion: z.string().max(2000).default(''),
  basis: z.string().max(500).default(''),
});

/**
 * Whatever the model returns is data too: only well-formed findings are kept, they are always
 * marked `model`, and evidence offsets are re-derived from the contract rather than trusted.
 */
async function modelFindings(
  review: (text: string) => Promise<unknown[]>,
  text: string,
  timeoutMs: number,
): Promise<Finding[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`model review timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const raw = await Promise.race([review(text), timeout]);
    if (!Array.isArray(raw)) return [];
    const out: Finding[] = [];
    for (const item of raw) {
      const parsed = modelFindingSchema.safeParse(item);
      if (!parsed.success) continue;
      const f = parsed.data;
      const at = f.evidence ? text.indexOf(f.evidence) : -1;
      out.push({
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        evidence: at === -1 ? '' : f.evidence,
        evidenceStart: at === -1 ? 0 : at,
        evidenceEnd: at === -1 ? 0 : at + f.evidence.length,
        suggestion: f.suggestion,
        basis: f.basis,
        source: 'model',
      });
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

import type { Citation } from '../retrieval/types.js';
import { CASE_LESSON_LABEL, CASE_RULE_LABEL, type Chunk, type SearchHit } from '../retrieval/types.js';
import { toScript, type Script } from '../text/script.js';
import { answerTypeOf } from './asked-kind.js';
import { answerIntro, englishLead, referenceLead } from './messages.js';
import { passageSentences, type Sentence } from './sentences.js';
import { charBigrams, jaccard, type QueryTerms } from './terms.js';

/**
 * Extractive answers: the most relevant sentences of the top passages, each cited, near-duplicates
 * collapsed, shown in passage order. The retriever has already judged relevance and ranked the
 * passages (including English → Chinese glossary matches), so sentence scoring only needs to find
 * the best lines inside them: local-IDF weighted term overlap times a rank discount.
 */

export interface ExtractOptions {
  /** How many top passages to take sentences from. */
  maxPassages?: number;
  maxSentences?: number;
  /** Soft bound on the total length of the quoted sentences. */
  maxChars?: number;
  /** The question itself, to prefer sentences that hold the kind of answer it asks for. */
  question?: string;
  /** For English questions: what the question is about, as English words with the Chinese terms searched for them. */
  topics?: { english: string; chinese: string[] }[];
}

export interface Extract {
  answer: string;
  citations: Citation[];
}

export interface Candidate {
  hitIndex: number;
  chunk: Chunk;
  sentence: Sentence;
  overlap: number;
  score: number;
}

const QUOTE_MAX = 120;
/** A sentence makes the cut when it scores at least this share of the best one. */
const RELATIVE_CUTOFF = 0.5;
/** How many leading passages contribute their best sentence, and how weak that sentence may be. */
const DIVERSE_PASSAGES = 3;
const DIVERSE_CUTOFF = 0.25;
const MIN_DIVERSE_OVERLAP = 0.2;
/** Fewer lines than this are topped up with matching sentences down to DIVERSE_CUTOFF of the best. */
const MIN_LINES = 3;
const NEAR_DUPLICATE = 0.6;
/**
 * A case's story repeats the asker's situation word for word, but what answers them is the rule it
 * broke and the lesson: story sentences count this much of their match, so the rule wins a close call.
 */
const CASE_STORY_FACTOR = 0.5;
/**
 * A sentence that states a rule (forbids, obliges, allows) answers more than one that only mentions
 * the topic: its match counts this much more. Bare 应 and 要求 also meet 供应 or a noun 要求, which
 * costs less than missing 应及时… and 要求预付款 (measured over the labelled sets, heldout5 unread:
 * 311 → 317 of 372 answers quoting gold; 1.5 scored the same, 2 lower).
 */
const RULE_MODAL = /禁止|严禁|不得|不准|不允许|必须|应当|应|须|只能|可以|要求/u;
const RULE_FACTOR = 1.3;

/** Which part of a case passage a sentence is in; null for every other source. */
function casePart(chunk: Chunk, sentence: Sentence): 'story' | 'rule' | 'lesson' | null {
  if (chunk.kind !== 'case') return null;
  const rule = chunk.text.indexOf(CASE_RULE_LABEL);
  const lesson = chunk.text.indexOf(CASE_LESSON_LABEL);
  if (lesson >= 0 && sentence.start >= lesson) return 'lesson';
  if (rule >= 0 && sentence.start >= rule) return 'rule';
  return rule >= 0 || lesson >= 0 ? 'story' : null;
}

/**
 * Every quotable sentence of the leading passages, scored for the question and best first. Exported
 * for the quote diagnostics (bench/quote-misses.ts); answers use `composeExtractive`.
 */
export function rankSentences(terms: QueryTerms, hits: SearchHit[], maxPassages = 6): Candidate[] {
  const top = hits.slice(0, maxPassages);
  const pool: Candidate[] = [];
  const weights = passageWeights(top);
  top.forEach((hit, hitIndex) => {
    for (const sentence of passageSentences(hit.chunk)) pool.push({ hitIndex, chunk: hit.chunk, sentence, overlap: 0, score: 0 });
  });
  if (!pool.length) return [];
  scorePool(pool, terms, weights);
  if (pool.every((c) => c.overlap === 0)) scorePool(pool, feedbackTerms(top.map((h) => h.chunk), pool), weights);
  for (const c of pool) if (casePart(c.chunk, c.sentence) === 'story') c.score *= CASE_STORY_FACTOR;
  for (const c of pool) if (RULE_MODAL.test(c.sentence.simp)) c.score *= RULE_FACTOR;
  return [...pool].sort((a, b) => b.score - a.score || a.hitIndex - b.hitIndex || a.sentence.start - b.sentence.start);
}

export function composeExtractive(terms: QueryTerms, hits: SearchHit[], script: Script, options: ExtractOptions = {}): Extract {
  const maxSentences = options.maxSentences ?? 5;
  const maxChars = options.maxChars ?? 400;
  const ranked = rankSentences(terms, hits, options.maxPassages ?? 6);
  if (!ranked.length) return { answer: '', citations: [] };
  const best = ranked[0]!;
  const picked: { c: Candidate; grams: Set<string> }[] = [];
  let chars = 0;
  const tryPick = (c: Candidate): void => {
    if (picked.length >= maxSentences) return;
    const len = c.sentence.text.length;
    if (picked.length && chars + len > maxChars) return;
    const grams = charBigrams(c.sentence.simp);
    if (picked.some((p) => p.c.chunk.id === c.chunk.id && p.c.sentence.start === c.sentence.start)) return;
    if (picked.some((p) => jaccard(p.grams, grams) >= NEAR_DUPLICATE || containsOther(p.c.sentence.simp, c.sentence.simp))) return;
    picked.push({ c, grams });
    chars += len;
  };
  const wanted = answerTypeOf(options.question);
  const answersAs = (re: RegExp | undefined) => re && ranked.find((c) => c.overlap >= MIN_DIVERSE_OVERLAP && re.test(c.sentence.simp));
  // A sentence with a strong sign of the asked kind (年初, 3 个工作日) before one with a weak sign (及时).
  const typed = wanted && (answersAs(wanted.holds) ?? answersAs(wanted.weak));
  if (typed) tryPick(typed);
  // 「…有哪些原则」: the word after the interrogative names what is asked for; the best sentence
  // that contains it leads.
  const focus = [...(terms.weights ?? [])].filter(([, w]) => w > 1).map(([t]) => t);
  const focused = !typed && focus.length ? ranked.find((c) => c.overlap >= MIN_DIVERSE_OVERLAP && focus.some((f) => c.sentence.simp.includes(f))) : undefined;
  if (focused) tryPick(focused);
  // Breadth first: the best sentence of each of the leading passages, so a rule stated in the
  // second or third passage is not crowded out by several near-matches from the first.
  for (let h = 0; h < DIVERSE_PASSAGES; h++) {
    const lead = ranked.find((c) => c.hitIndex === h && c.overlap >= MIN_DIVERSE_OVERLAP);
    if (lead && (h === 0 || lead.score >= best.score * DIVERSE_CUTOFF)) tryPick(lead);
  }
  for (const c of ranked) {
    if (picked.length >= maxSentences) break;
    if (picked.length && (c.overlap === 0 || c.score < best.score * RELATIVE_CUTOFF)) break;
    tryPick(c);
  }
  // One strong sentence must not leave the answer at a single line: a chat question often asks two
  // things (有奖吗 有啥称号), and the runner-up sentences that still match answer the other.
  for (const c of ranked) {
    if (picked.length >= MIN_LINES) break;
    if (c.overlap < MIN_DIVERSE_OVERLAP || c.score < best.score * DIVERSE_CUTOFF) continue;
    tryPick(c);
  }

  // A quoted case also gives the rule it broke (the policy that answers "may I…") and its lesson,
  // what the asker should do: each part's best-matching sentence (the first on a tie), beyond the
  // length bound.
  const cases = [...new Set(picked.filter((p) => p.c.chunk.kind === 'case').map((p) => p.c.hitIndex))];
  const add = (c: Candidate) => {
    const grams = charBigrams(c.sentence.simp);
    if (picked.some((p) => p.c === c || jaccard(p.grams, grams) >= NEAR_DUPLICATE)) return;
    picked.push({ c, grams });
  };
  for (const h of cases) {
    // The rule it broke opens with the handbook rule itself (违反的规定：…第5条明确，…禁止给客户回扣), then
    // says how it applies here: that opening is quoted even when a later sentence matched the question better.
    for (const part of ['rule', 'lesson'] as const) {
      if (picked.some((p) => p.c.hitIndex === h && casePart(p.c.chunk, p.c.sentence) === part)) continue;
      const best = ranked.find((c) => c.hitIndex === h && casePart(c.chunk, c.sentence) === part);
      if (best) add(best);
    }
    const head = ranked.filter((c) => c.hitIndex === h && casePart(c.chunk, c.sentence) === 'rule').sort((a, b) => a.sentence.start - b.sentence.start)[0];
    if (head) add(head);
  }

  // Readable order: by passage rank, then position inside the passage; but a later passage whose
  // sentence matches the question clearly better than anything quoted from the first goes first
  // (the retriever ranks passages, the sentence match sees which one says it). Citations are
  // numbered in the order shown, so [1] stays the first quote.
  const firstPassage = leadingPassage(picked.map((p) => p.c));
  const order = (h: number) => (h === firstPassage ? -1 : h);
  const chosen = picked.map((p) => p.c).sort((a, b) => order(a.hitIndex) - order(b.hitIndex) || a.sentence.start - b.sentence.start);
  // The sentence that holds the kind of answer asked for (a period for "when", the rule for "can I")
  // leads; otherwise the leading passage's best sentence does, the rest keep their reading order.
  const strongest = chosen.filter((c) => c.hitIndex === chosen[0]?.hitIndex).sort((a, b) => b.score - a.score)[0];
  const leading = chosen.indexOf(typed && chosen.includes(typed) ? typed : strongest!);
  if (leading > 0) chosen.unshift(...chosen.splice(leading, 1));
  const numberOf = new Map<number, number>();
  const citations: Citation[] = [];
  for (const c of chosen) {
    if (numberOf.has(c.hitIndex)) continue;
    const n = citations.length + 1;
    numberOf.set(c.hitIndex, n);
    // The passage's quote is its strongest chosen sentence.
    const strongest = chosen.filter((x) => x.hitIndex === c.hitIndex).sort((a, b) => b.score - a.score)[0];
    citations.push(citationFor(n, c.chunk, strongest.sentence, script));
  }
  const lines = chosen.map((c) => `- ${toScript(c.sentence.text, quoteScript(script))} [${numberOf.get(c.hitIndex)}]`);
  const kinds = citations.map((c) => c.kind ?? 'handbook');
  const lead = script === 'en' ? englishLead(options.topics ?? [], kinds, citations) : answerIntro(script, kinds);
  return { answer: `${lead}\n${lines.join('\n')}`, citations };
}

/** A later passage leads when its best sentence matches at least this many times as well as the first passage's best (1.2 and 1.5 led with gold no more often over the ten sets). */
const CLEARLY_BETTER = 2;

/** The passage whose lines come first: the first, unless a later one's best sentence matches clearly better. */
function leadingPassage(chosen: Candidate[]): number {
  const bestOf = (h: number) => Math.max(0, ...chosen.filter((c) => c.hitIndex === h).map((c) => c.overlap));
  const first = Math.min(...chosen.map((c) => c.hitIndex));
  const top = [...chosen].sort((a, b) => b.overlap - a.overlap || a.hitIndex - b.hitIndex)[0];
  return top && top.hitIndex !== first && top.overlap >= bestOf(first) * CLEARLY_BETTER ? top.hitIndex : first;
}

/**
 * The answer to a question that points at the handbook's numbering (第九章第5条): the sentences of
 * that item (or the opening of that part), quoted in order, under a lead that names the place.
 * Empty when the place holds nothing quotable (debris only), so the caller answers as usual.
 */
export function composeReferenced(
  hit: SearchHit,
  reference: { heading: string; item?: number; start: number; end: number },
  script: Script,
  maxSentences = 3,
): Extract {
  const inside = passageSentences(hit.chunk).filter((s) => s.start >= reference.start && s.start < reference.end);
  const sentences = inside.slice(0, maxSentences);
  if (!sentences.length) return { answer: '', citations: [] };
  const shown = quoteScript(script);
  const citation = citationFor(1, hit.chunk, sentences[0], script);
  const lines = sentences.map((s) => `- ${toScript(s.text, shown)} [1]`);
  const lead = referenceLead(script, toScript(hit.chunk.title, shown), toScript(reference.heading, shown), reference.item);
  return { answer: `${lead}\n${lines.join('\n')}`, citations: [citation] };
}

/** The sentence of `chunk` that best matches `terms`, as a citation quote (used by LLM mode too). */
export function bestSentence(chunk: Chunk, terms: QueryTerms): Sentence | undefined {
  const pool: Candidate[] = passageSentences(chunk).map((sentence) => ({ hitIndex: 0, chunk, sentence, overlap: 0, score: 0 }));
  if (!pool.length) return undefined;
  scorePool(pool, terms);
  return [...pool].sort((a, b) => b.score - a.score || a.sentence.start - b.sentence.start)[0].sentence;
}

/** Chinese sources are quoted in the reader's script; English readers get them in Simplified (one script, not the scraper's mix). */
export function quoteScript(script: Script): Script {
  return script === 'en' ? 'zh-Hans' : script;
}

export function citationFor(n: number, chunk: Chunk, sentence: Sentence | undefined, script: Script): Citation {
  const raw = sentence?.text ?? chunk.text;
  const shown = quoteScript(script);
  return {
    n,
    docId: chunk.docId,
    title: toScript(chunk.title, shown),
    section: toScript(chunk.section, shown),
    quote: shortQuote(toScript(raw, shown)),
    ...(chunk.kind && chunk.kind !== 'handbook' ? { kind: chunk.kind } : {}),
  };
}

/** At most QUOTE_MAX characters, cut at a clause boundary when one is near; always a substring. */
export function shortQuote(text: string): string {
  const t = text.trim();
  if (t.length <= QUOTE_MAX) return t;
  const head = t.slice(0, QUOTE_MAX);
  const lastComma = Math.max(...[...'，,；;：:、'].map((p) => head.lastIndexOf(p)));
  return lastComma >= QUOTE_MAX * 0.6 ? head.slice(0, lastComma) : head;
}

/**
 * How much to trust each passage: its fused score relative to the best one (close scores mean the
 * retriever could not tell them apart, so the sentence match decides), or a rank discount when the
 * retriever gives no usable scores.
 */
function passageWeights(hits: SearchHit[]): number[] {
  const topScore = hits[0]?.score ?? 0;
  if (!(topScore > 0)) return hits.map((_, i) => 1 / (1 + 0.3 * i));
  return hits.map((h) => Math.min(1, Math.max(0.3, h.score / topScore)));
}

function scorePool(pool: Candidate[], terms: QueryTerms, passageWeight: number[] = []): void {
  const all = [...terms.han, ...terms.latin.map((t) => t.toLowerCase())];
  const n = pool.length;
  const weights: { term: string; w: number }[] = [];
  for (const term of all) {
    let df = 0;
    for (const c of pool) if (c.sentence.simp.includes(term)) df++;
    if (!df) continue;
    // Longer terms are whole words; bigrams carved out of them only add partial credit.
    const given = terms.weights?.get(term) ?? 1;
    weights.push({ term, w: Math.log(1 + n / df) * (term.length >= 3 ? 1.5 : 1) * given });
  }
  const total = weights.reduce((s, x) => s + x.w, 0) || 1;
  for (const c of pool) {
    let matched = 0;
    for (const { term, w } of weights) if (c.sentence.simp.includes(term)) matched += w;
    c.overlap = matched / total;
    c.score = c.overlap * (passageWeight[c.hitIndex] ?? 1 / (1 + 0.3 * c.hitIndex));
  }
}

/**
 * When the question shares no words with the passages (an English question matched through the
 * retriever's glossary), take the bigrams the top passages share and that are rare in the pool
 * as stand-in query terms: they name what the retriever matched on.
 */
function feedbackTerms(chunks: Chunk[], pool: Candidate[]): QueryTerms {
  const head = chunks.slice(0, 3);
  const presence = new Map<string, number>();
  for (const chunk of head) {
    const grams = new Set<string>();
    for (const s of passageSentences(chunk)) for (const g of charBigrams(s.simp)) if (/^\p{Script=Han}{2}$/u.test(g)) grams.add(g);
    for (const g of grams) presence.set(g, (presence.get(g) ?? 0) + 1);
  }
  const needed = head.length >= 2 ? 2 : 1;
  const scored: { g: string; shared: number; df: number }[] = [];
  for (const [g, shared] of presence) {
    if (shared < needed) continue;
    let df = 0;
    for (const c of pool) if (c.sentence.simp.includes(g)) df++;
    scored.push({ g, shared, df });
  }
  scored.sort((a, b) => b.shared - a.shared || a.df - b.df || a.g.localeCompare(b.g));
  return { han: scored.slice(0, 12).map((s) => s.g), latin: [] };
}

function containsOther(a: string, b: string): boolean {
  const strip = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '');
  const x = strip(a);
  const y = strip(b);
  return x.length > 0 && y.length > 0 && (x.includes(y) || y.includes(x));
}

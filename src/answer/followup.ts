import { toSimplified } from '../text/script.js';
import type { Turn } from './memory.js';
import { contentWords } from './terms.js';

/**
 * Follow-up handling without a model: a question that leans on an earlier one ("那违反了会怎样？",
 * "what if I do it anyway?") is searched together with the earlier question's key terms.
 */

/** Openers and pronouns that point back at an earlier turn (checked on the Simplified text). */
const ZH_ANAPHORA_START = /^(?:那|那么|那如果|那要是|这|这个|这样|这种|它|其|如果|要是|假如|万一|还有|另外|并且|而且|此外|但是|可是|所以|否则|违反|没做到|不遵守)/u;
const ZH_ANAPHORA_ANY = /(?:这样|那样|这种|那种|这个|那个|这些|那些|它|其他的|上述|上面|前面|刚才|此类|该规定|这条|那条)/u;
const ZH_TRAILING_NE = /呢\s*[？?]?\s*$/u;
const EN_START = /^\s*(?:and|then|so|but|also|what if|what about|how about|if so|if not|otherwise|in that case)\b/i;
const EN_PRONOUN = /\b(?:it|its|that|this|those|these|they|them|such|same)\b/i;

/**
 * A hypothetical that varies the previous question ("那如果是客户主动要求的呢", "what if the
 * customer insists?"): however many words of its own it has, it changes one condition of the
 * earlier question and keeps its topic.
 */
const ZH_VARIES_PREVIOUS = /^(?:那|那么)?(?:如果|要是|假如|万一|若是?)[^，。？?]{0,20}(?:呢|怎么办|怎么样|也一样吗|也不行吗|也可以吗|算吗|行吗|可以吗)\s*[？?]?\s*$/u;
// "那X呢" / "what about X" names a new topic as often as not: only a condition (如果, what if) varies the old one.
const EN_VARIES_PREVIOUS = /^\s*(?:and |but |so )?(?:what if|and if|even if|but if|same if)\b/i;

export function variesPreviousQuestion(question: string): boolean {
  const q = toSimplified(question.trim());
  return ZH_VARIES_PREVIOUS.test(q) || EN_VARIES_PREVIOUS.test(q);
}

/** Few content words left after dropping scaffolding = the question needs its context. */
const SHORT_CONTENT_WORDS = 1;

export function looksLikeFollowUp(question: string): boolean {
  const q = toSimplified(question.trim());
  if (EN_START.test(q) || EN_PRONOUN.test(q)) return true;
  if (ZH_ANAPHORA_START.test(q) || ZH_ANAPHORA_ANY.test(q) || ZH_TRAILING_NE.test(q)) return true;
  return contentWords(q).length <= SHORT_CONTENT_WORDS;
}

/** The most recent turn worth carrying terms from (answered ones first: they had a topic). */
export function previousTopicTurn(history: Turn[]): Turn | undefined {
  for (let i = history.length - 1; i >= 0; i--) if (history[i].answered) return history[i];
  return history[history.length - 1];
}

const MAX_CARRIED = 6;

/** Key terms of the previous query that the new question does not already contain. */
export function carriedTerms(previousQuery: string, question: string): string[] {
  const now = toSimplified(question);
  const out: string[] = [];
  for (const w of contentWords(previousQuery)) {
    if (out.length >= MAX_CARRIED) break;
    if (!now.includes(w) && !out.includes(w)) out.push(w);
  }
  return out;
}

/** The query to search with: carried terms first (the topic), then the new question (the angle). */
export function withCarriedTerms(previousQuery: string, question: string): string {
  const carried = carriedTerms(previousQuery, question);
  return carried.length ? `${carried.join(' ')} ${question}` : question;
}

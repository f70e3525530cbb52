import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Answerer } from '../src/answer/types.js';
import { normalise } from '../src/text/normalise.js';
import type { HybridRetriever, RetrievalMode } from '../src/retrieval/hybrid.js';

export interface EvalQuestion {
  id: string;
  lang?: string;
  q: string;
  gold?: string[];
  /** Off-topic questions that share words with the handbook (a colleague's 电话, next week's 培训…). */
  trap?: boolean;
  [field: string]: unknown;
}

export function readJsonl(file: string): EvalQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalQuestion);
}

/** A hit answers when a gold phrase appears in its text after T→S conversion and whitespace removal. */
export function hitMatches(text: string, gold: string[]): boolean {
  const norm = normalise(text);
  return gold.some((g) => norm.includes(normalise(g)));
}

/**
 * Whether an off-topic question is a trap (shares words with the handbook). Sets written by
 * different people mark it differently: a boolean `trap`, or a `kind` / `type` / `category` that
 * names a trap or a shared word.
 */
export function isTrap(q: EvalQuestion): boolean {
  if (typeof q.trap === 'boolean') return q.trap;
  const label = [q.kind, q.type, q.category, q.tag, q.style].filter((v) => typeof v === 'string').join(' ').toLowerCase();
  return /trap|shar|overlap|near|lure|陷阱/.test(label);
}

export interface ModeScores {
  mode: RetrievalMode;
  recallAt1: number;
  recallAt5: number;
  mrr: number;
  onTopicRelevant: number;
  offTopicRejected: number;
  misses: { id: string; q: string; firstGoldRank: number | null; relevant: boolean }[];
}

export async function evaluate(
  retriever: HybridRetriever,
  mode: RetrievalMode,
  onTopic: EvalQuestion[],
  offTopic: EvalQuestion[],
): Promise<ModeScores> {
  const r = retriever.withOptions({ mode });
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  let relevantCount = 0;
  const misses: ModeScores['misses'] = [];
  for (const q of onTopic) {
    const { hits, relevant } = await r.search(q.q, { k: 5 });
    const rank = hits.findIndex((h) => hitMatches(h.chunk.text, q.gold ?? []));
    if (rank === 0) r1++;
    if (rank >= 0) {
      r5++;
      mrr += 1 / (rank + 1);
    }
    if (relevant) relevantCount++;
    if (rank !== 0 || !relevant) misses.push({ id: q.id, q: q.q, firstGoldRank: rank >= 0 ? rank + 1 : null, relevant });
  }
  let rejected = 0;
  for (const q of offTopic) if (!(await r.search(q.q, { k: 5 })).relevant) rejected++;
  const n = Math.max(1, onTopic.length);
  return {
    mode,
    recallAt1: r1 / n,
    recallAt5: r5 / n,
    mrr: mrr / n,
    onTopicRelevant: relevantCount / n,
    offTopicRejected: offTopic.length ? rejected / offTopic.length : 1,
    misses,
  };
}

/** What users feel: ranking of the gold passage, and what the answerer says (answers or refuses). */
export interface SetScores extends Omit<ModeScores, 'mode' | 'onTopicRelevant' | 'offTopicRejected'> {
  onTopic: number;
  offTopic: number;
  traps: number;
  onTopicRefused: number;
  offTopicAnswered: number;
  trapsAnswered: number;
  /** Share of on-topic questions whose answer (text or citation quotes) contains a gold phrase. */
  quotesGold: number;
  wrong: { id: string; q: string; why: string }[];
}

export async function evaluateSet(
  retriever: HybridRetriever,
  answerer: Answerer,
  onTopic: EvalQuestion[],
  offTopic: EvalQuestion[],
): Promise<SetScores> {
  const retrieval = await evaluate(retriever, 'hybrid', onTopic, []);
  const wrong: SetScores['wrong'] = retrieval.misses
    .filter((m) => m.firstGoldRank !== 1)
    .map((m) => ({ id: m.id, q: m.q, why: `gold at rank ${m.firstGoldRank ?? '-'}` }));
  let refused = 0;
  let quoted = 0;
  for (const q of onTopic) {
    const r = await answerer.ask(q.q);
    if (!r.answered) {
      refused++;
      wrong.push({ id: q.id, q: q.q, why: 'refused' });
      continue;
    }
    const said = `${r.answer}\n${r.citations.map((c) => c.quote).join('\n')}`;
    if (hitMatches(said, q.gold ?? [])) quoted++;
    else wrong.push({ id: q.id, q: q.q, why: 'answer quotes no gold phrase' });
  }
  let answered = 0;
  let trapsAnswered = 0;
  const traps = offTopic.filter(isTrap).length;
  for (const q of offTopic) {
    if (!(await answerer.ask(q.q)).answered) continue;
    answered++;
    if (isTrap(q)) trapsAnswered++;
    wrong.push({ id: q.id, q: q.q, why: isTrap(q) ? 'trap answered' : 'off-topic answered' });
  }
  const n = Math.max(1, onTopic.length);
  return {
    recallAt1: retrieval.recallAt1,
    recallAt5: retrieval.recallAt5,
    mrr: retrieval.mrr,
    misses: retrieval.misses,
    onTopic: onTopic.length,
    offTopic: offTopic.length,
    traps,
    onTopicRefused: refused / n,
    offTopicAnswered: offTopic.length ? answered / offTopic.length : 0,
    trapsAnswered: traps ? trapsAnswered / traps : 0,
    quotesGold: quoted / n,
    wrong,
  };
}

/** The question sets in a fixtures folder: `questions.<name>.jsonl` with `questions.offtopic.<name>.jsonl`. */
export function questionSets(dir: string): { name: string; onTopic: string; offTopic: string | null }[] {
  const names = ['dev', 'extra', 'blind', 'heldout', 'tune', 'heldout2', 'heldout3', 'heldout4', 'heldout5', 'heldout6', 'heldout7', 'heldout8'];
  return names
    .map((name) => ({ name, onTopic: path.join(dir, `questions.${name}.jsonl`), offTopic: path.join(dir, `questions.offtopic.${name}.jsonl`) }))
    .filter((s) => existsSync(s.onTopic))
    .map((s) => ({ ...s, offTopic: existsSync(s.offTopic) ? s.offTopic : null }));
}

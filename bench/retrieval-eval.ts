import { readFileSync } from 'node:fs';
import { normalise } from '../src/text/normalise.js';
import type { HybridRetriever, RetrievalMode } from '../src/retrieval/hybrid.js';

export interface EvalQuestion {
  id: string;
  lang?: string;
  q: string;
  gold?: string[];
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

import { isEnglishQuestion } from './tokenize.js';
import type { CharBigrams } from './char-bigrams.js';
import { questionForms } from './question-forms.js';
import { rankScore, type RankFeature } from './rerank.js';

/**
 * Whether the passages found answer the question: a small logistic model over a handful of
 * features of the question and its best passages, fitted leave-one-set-out on the labelled question
 * sets by bench/fit-answerability.ts (which prints the weights shipped as DEFAULT_ANSWER_MODEL and the
 * out-of-fold refused / off-topic-answered rates at each operating point). It replaces a single
 * coverage threshold: coverage alone cannot tell a colloquial on-topic question (few exact words,
 * but the learned ranker finds one passage that holds its nouns together) from a trap that shares
 * one generic handbook word. What a question asks for that no policy holds (a place, a contact,
 * *my* figure…) is still decided before this, by the asking slots (answerability.ts).
 */
export const ANSWER_FEATURES = [
  /** Best coverage (IDF-weighted share of the question's topic words) among the three leading passages. */
  'coverage',
  /** Coverage by the passage ranked first. */
  'topCoverage',
  /** Best coverage of the question's nouns (what it asks about) among the three leading passages. */
  'focus',
  /** Best coverage within one sentence among the three leading passages. */
  'sentence',
  /** Coverage counting only the question's own word forms (no glossary synonym, dictionary neighbour or compound head). */
  'exactCoverage',
  /** The learned ranker's score of the first passage (about 0..1). */
  'rankTop',
  /** Its margin over the second passage's score (about 0..1). */
  'rankMargin',
  /** Share of the question's topic words the handbook never uses, not even through a listed synonym. */
  'unknown',
  /** Share of its topic words met only through a dictionary neighbour (CC-CEDICT glosses). */
  'related',
  /** The first passage is not from the handbook (a case, a rule explanation, the credit policy). */
  'other',
  /** How many topic words the question has (capped at 8, over 8). */
  'length',
  /** The question is in English. */
  'english',
  /** Most topic words one leading passage meets (capped at 4, over 4). */
  'matchedWords',
  /** Their IDF-weighted mass, in units of the rarest handbook word's IDF (capped at 3, over 3). */
  'matchedMass',
  /** How specific the rarest word met is (its IDF over the rarest handbook word's). */
  'rarestMatch',
  /** Share of its topic words that are nouns the handbook never uses (the thing asked about is not in it). */
  'unknownNouns',
  /** IDF-weighted share of the question's character bigrams the best leading passage holds (words the segmenter does not know). */
  'bigramCoverage',
  /** Share of the question's character bigrams no passage holds. */
  'unknownBigrams',
  /** The question asks for a rule: may I, must I, what do I do, what follows, who approves (knowledge/question-forms.yaml). */
  'asksRule',
  /** The question asks for a fact: how many, when, where, how it stands now. */
  'asksFact',
] as const;
export type AnswerFeature = (typeof ANSWER_FEATURES)[number];

export interface AnswerModel {
  /** Weight per feature; `bias` is the intercept. */
  weights: Readonly<Record<AnswerFeature | 'bias', number>>;
  /** Answer when the model's probability is at least this (the operating point chosen in the fit). */
  threshold: number;
}

// Fitted by bench/fit-answerability.ts on every labelled set (dev … heldout6; never heldout7):
// logistic regression, classes weighted equally, L2 0.001, threshold chosen so that off-topic
// questions are answered at most 4 % of the time. Refitted in round j on the round-j ranking
// (bigram channel, glossary): leave-one-set-out pooled 6.9 % on-topic refused, 5.1 % off-topic
// answered (6.9 % of traps) out-of-fold over 525 + 257 questions (round h on its ranking: 7.8 % / 3.9 %;
// at a 3.5 % target 7.6 % / 4.3 %, see README round j).
export const DEFAULT_ANSWER_MODEL: AnswerModel = {
  weights: {
    coverage: 1.063,
    topCoverage: 0.622,
    focus: 2.086,
    sentence: 1.017,
    exactCoverage: -1.087,
    rankTop: 1.157,
    rankMargin: 0.219,
    unknown: -1.52,
    related: 0.123,
    other: -0.726,
    length: 0.655,
    english: -0.108,
    matchedWords: 1.923,
    matchedMass: 1.201,
    rarestMatch: 0.37,
    unknownNouns: -0.766,
    bigramCoverage: -1.168,
    unknownBigrams: -0.011,
    asksRule: 0.96,
    asksFact: -3.061,
    bias: -3.732,
  },
  threshold: 0.41,
};

/** The model's probability that the passages answer the question. */
export function answerProbability(model: AnswerModel, features: readonly number[]): number {
  const z = ANSWER_FEATURES.reduce((s, f, i) => s + model.weights[f] * features[i]!, model.weights.bias);
  return 1 / (1 + Math.exp(-z));
}

/** The question's coverage by passages, as the retriever measures it (hybrid.ts coverageOf). */
export interface Coverage {
  /** IDF-weighted share of the question's topic words each passage holds. */
  perPassage: Map<number, number>;
  /** In each passage's best part: how many topic words it meets, their IDF mass and the rarest one's IDF (over the handbook's highest). */
  matched?: Map<number, { count: number; mass: number; rarest: number }>;
  /** Shares of the question's topic words the handbook never uses (nouns among them), or meets only through a dictionary neighbour. */
  shares: { unknown: number; unknownNouns: number; related: number };
}

export interface AnswerInputs {
  query: string;
  /** The question normalised (Simplified, whitespace removed). */
  norm: string;
  /** The passages ranked first, second and third (ids). */
  lead: number[];
  /** The learned ranker's features (rerank.ts) of each candidate, by id. */
  ranker: Map<number, number[]>;
  rankWeights: Readonly<Record<RankFeature, number>> | null;
  coverage: Coverage;
  /** Best coverage among the three leading passages in the retriever's coverage order. */
  best: number;
  /** Coverage counting the question's own word forms only, by id. */
  exact: Map<number, number>;
  topicWords: number;
  /** Whether each leading passage is not from the handbook. */
  other: boolean[];
  bigrams: CharBigrams;
}

/** The feature vector (ANSWER_FEATURES order). */
export function answerFeatures(x: AnswerInputs): number[] {
  const { lead, ranker, rankWeights: weights, coverage } = x;
  // The ranker's weights sum to about 10 over features of 0..1: its scores are scaled to about 0..1.
  const scale = weights ? Object.values(weights).reduce((s, w) => s + Math.abs(w), 0) || 1 : 1;
  const score = (id: number | undefined) => (id === undefined || !weights ? 0 : rankScore(weights, ranker.get(id) ?? []) / scale);
  const bestOf = (i: number) => Math.max(0, ...lead.map((id) => ranker.get(id)?.[i] ?? 0));
  const top = lead[0];
  const met = lead.map((id) => coverage.matched?.get(id) ?? { count: 0, mass: 0, rarest: 0 });
  const chars = x.bigrams.coverage(x.norm, lead);
  return [
    x.best,
    top === undefined ? 0 : (coverage.perPassage.get(top) ?? 0),
    bestOf(2), // the ranker's `focus`
    bestOf(3), // the ranker's `sentence`
    Math.max(0, ...lead.map((id) => x.exact.get(id) ?? 0)),
    score(top),
    lead.length > 1 ? score(top) - score(lead[1]) : score(top),
    coverage.shares.unknown,
    coverage.shares.related,
    x.other[0] ? 1 : 0,
    Math.min(x.topicWords, 8) / 8,
    isEnglishQuestion(x.query) || !/\p{Script=Han}/u.test(x.norm) ? 1 : 0,
    Math.min(4, Math.max(0, ...met.map((m) => m.count))) / 4,
    Math.min(3, Math.max(0, ...met.map((m) => m.mass))) / 3,
    Math.max(0, ...met.map((m) => m.rarest)),
    coverage.shares.unknownNouns,
    chars.covered,
    chars.unknown,
    ...questionForms(x.query),
  ];
}

import type { UnanswerableKind } from './answerability.js';

/** Where a passage comes from; answers say which kinds they cite. */
export type SourceKind = 'handbook' | 'case' | 'contract-rule' | 'credit-policy';

/** Labels that open a case passage's parts after its story: the rule it broke and the lesson drawn. */
export const CASE_RULE_LABEL = '违反的规定：';
export const CASE_LESSON_LABEL = '教训：';

/** A citable piece of a knowledge document (handbook by default; a case, a contract rule, the credit policy). */
export interface Chunk {
  /** Stable id: `${docId}#${ordinal}`. */
  id: string;
  docId: string;
  /** Document title as written in the document (original script). */
  title: string;
  /** Section path joined for display, e.g. `第九章 風險控制與合規經營 › 4`. */
  section: string;
  sectionPath: string[];
  /** Chunk text as displayed (original script). */
  text: string;
  /** Simplified, whitespace-normalised form used for indexing and matching. */
  normText: string;
  /** Character offsets into the cleaned document text. */
  start: number;
  end: number;
  /** Absent on handbook passages (and indexes built before other sources were searched). */
  kind?: SourceKind;
}

export interface SearchHit {
  rank: number;
  chunk: Chunk;
  /** Fused score; higher is better. Comparable only within one result list. */
  score: number;
}

export interface SearchResult {
  query: string;
  /** The found / nothing-relevant signal. */
  relevant: boolean;
  /** Set when the question asks for something no policy text holds (a venue, a phone number, *my* bonus…). */
  unanswerable?: UnanswerableKind;
  hits: SearchHit[];
  /**
   * Set when the question points at the handbook's numbering (第九章第5条): the first hit is that
   * place, and `start`/`end` give the referenced item's text in its passage.
   */
  reference?: { heading: string; item?: number; start: number; end: number };
}

export interface SearchOptions {
  k?: number;
  /** Receives the reranked candidates (fused order) with their ranking features (for fitting the ranker). */
  features?: (candidates: Chunk[], features: number[][]) => void;
  /** Receives the answerability model's features of this question (for fitting the model). */
  answerFeatures?: (features: number[]) => void;
}

/** What answering, pre-check and digests need from retrieval. */
export interface Retriever {
  search(query: string, options?: SearchOptions): Promise<SearchResult>;
}

/** A numbered handbook citation under an answer: `[n]` in the text points here. */
export interface Citation {
  n: number;
  docId: string;
  title: string;
  section: string;
  quote: string;
  /** Which kind of source is cited (absent: the handbook). */
  kind?: SourceKind;
}

/** A handbook passage that supports a finding, for citations outside Q&A (pre-check, digests). */
export interface HandbookCitation {
  docId: string;
  title: string;
  section: string;
  quote: string;
}

/** Finds the single best supporting passage for a topic, or null when nothing relevant exists. */
export type HandbookCiter = (topic: string) => Promise<HandbookCitation | null>;

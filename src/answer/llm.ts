import type { ChatOpenAI } from '@langchain/openai';
import { normaliseCitationShapes, stripStrayCitationShapes } from './citation-shapes.js';
import type { Citation } from '../retrieval/types.js';
import type { SearchHit } from '../retrieval/types.js';
import { toScript, type Script } from '../text/script.js';
import { bestSentence, citationFor } from './extractive.js';
import type { Turn } from './memory.js';
import { languageName } from './messages.js';
import { fillTemplate, type PromptTemplates } from './prompts.js';
import { queryTerms } from './terms.js';

export interface LlmSettings {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  LLM_MODEL?: string;
  LLM_TIMEOUT_MS?: number;
}

/**
 * A chat message as a plain role/content pair. LangChain accepts these as they are, and building
 * one needs no LangChain import — which keeps LangChain (~0.7 s to load) out of every process
 * that never calls a model.
 */
export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}
export const systemMessage = (content: string): ChatMessage => ({ role: 'system', content });
export const userMessage = (content: string): ChatMessage => ({ role: 'user', content });

/** The slice of a LangChain chat model this module uses (lets tests swap the model if needed). */
export interface ChatModel {
  invoke(messages: ChatMessage[], options?: { signal?: AbortSignal }): Promise<{ content: unknown }>;
  /** Token by token, when the model supports it (answers shown as they are written). */
  stream?(messages: ChatMessage[], options?: { signal?: AbortSignal }): Promise<AsyncIterable<{ content: unknown }>>;
}

/** Called with the answer text so far while the model writes it. */
export type PartialAnswer = (textSoFar: string) => void;

/** Why the LLM path gave up; the message becomes `fallbackReason`. */
export class LlmFailure extends Error {
  constructor(public readonly reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'LlmFailure';
  }
}

/** The model client is created on first use, so LangChain loads only when a model is called. */
export function createChatModel(settings: LlmSettings): ChatModel {
  let client: Promise<ChatOpenAI> | undefined;
  const load = () => (client ??= import('@langchain/openai').then(({ ChatOpenAI }) => newChatOpenAI(ChatOpenAI, settings)));
  const asLangChain = (messages: ChatMessage[]) => messages.map((m) => [m.role === 'user' ? 'human' : 'system', m.content] as [string, string]);
  return {
    invoke: async (messages, options) => (await load()).invoke(asLangChain(messages), options),
    stream: async (messages, options) => (await load()).stream(asLangChain(messages), options),
  };
}

function newChatOpenAI(ChatOpenAIClass: typeof ChatOpenAI, settings: LlmSettings): ChatOpenAI {
  return new ChatOpenAIClass({
    model: settings.LLM_MODEL ?? 'gpt-4o-mini',
    // Keyless local servers (Ollama, llama.cpp) still need a non-empty key for the client.
    apiKey: settings.OPENAI_API_KEY ?? 'not-needed',
    configuration: settings.OPENAI_BASE_URL ? { baseURL: settings.OPENAI_BASE_URL } : undefined,
    temperature: 0,
    timeout: settings.LLM_TIMEOUT_MS ?? 20_000,
    // One retry at most: a slow or broken endpoint must not hold the user past the timeout budget.
    maxRetries: 1,
    useResponsesApi: false,
  });
}

/** Reads a streamed reply to the end, telling `onPartial` the text so far after each piece. */
async function readStream(model: ChatModel & Required<Pick<ChatModel, 'stream'>>, messages: ChatMessage[], signal: AbortSignal, onPartial: PartialAnswer) {
  let text = '';
  for await (const chunk of await model.stream(messages, { signal })) {
    const piece = contentText(chunk.content);
    if (!piece) continue;
    text += piece;
    onPartial(text);
  }
  return { content: text };
}

/**
 * Calls the model with a hard deadline; every failure becomes an LlmFailure with a short reason.
 * With `onPartial` and a model that streams, the text is passed on as it arrives.
 */
async function callModel(model: ChatModel, messages: ChatMessage[], timeoutMs: number, onPartial?: PartialAnswer): Promise<string> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const deadline = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(new LlmFailure(`timeout after ${timeoutMs} ms`)), { once: true }),
    );
    const call =
      onPartial && model.stream
        ? readStream(model as ChatModel & Required<Pick<ChatModel, 'stream'>>, messages, controller.signal, onPartial)
        : model.invoke(messages, { signal: controller.signal });
    const res = await Promise.race([call, deadline]);
    const text = contentText(res.content).trim();
    if (!text) throw new LlmFailure('empty response');
    return text;
  } catch (err) {
    if (err instanceof LlmFailure) throw err;
    if (timedOut || isTimeout(err)) throw new LlmFailure(`timeout after ${timeoutMs} ms`, { cause: err });
    const status = (err as { status?: number; lc_error_code?: string }).status;
    throw new LlmFailure(status ? `HTTP ${status}` : `error: ${(err as Error).message ?? String(err)}`.slice(0, 200), { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'AbortError' || e?.name === 'TimeoutError' || /timed? ?out|aborted/i.test(e?.message ?? '');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === 'string' ? p : typeof p?.text === 'string' ? p.text : '')).join('');
  }
  return '';
}

export function formatPassages(hits: SearchHit[]): string {
  return hits
    .map((h, i) => `[${i + 1}] ${h.chunk.title} › ${h.chunk.section}\n${h.chunk.text.trim()}`)
    .join('\n\n');
}

export function formatHistory(turns: Turn[]): string {
  return turns
    .map((t) => `User: ${t.question}\nAssistant: ${t.answer.replace(/\s+/g, ' ').slice(0, 300)}`)
    .join('\n');
}

/** Rewrites a follow-up into a standalone question; returns the model's single line. */
export async function condenseQuestion(
  model: ChatModel,
  templates: PromptTemplates,
  history: Turn[],
  question: string,
  timeoutMs: number,
): Promise<string> {
  const prompt = fillTemplate(templates.condense, { history: formatHistory(history), question });
  const text = await callModel(model, [userMessage(prompt)], timeoutMs);
  const line = text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  // Strip labels/quotes some models add around the rewrite.
  return line.replace(/^(standalone question|question|问题)\s*[:：]\s*/i, '').replace(/^["“「']|["”」']$/g, '').trim() || question;
}

const MAX_REWRITES = 3;

/**
 * Multi-query: the question rewritten by the model into the handbook's vocabulary, up to three
 * queries; none when the model says the question is not about the handbook's subjects.
 */
export async function rewriteQueries(model: ChatModel, templates: PromptTemplates, question: string, timeoutMs: number): Promise<string[]> {
  const text = await callModel(model, [userMessage(fillTemplate(templates.rewrite, { question }))], timeoutMs);
  if (/^\W*NONE\b/i.test(text)) return [];
  return text
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)、])\s*/, '').replace(/^["“「']|["”」']$/g, '').trim())
    .filter((l) => l && l.length <= 100 && l !== question)
    .slice(0, MAX_REWRITES);
}

export type LlmAnswer =
  | { kind: 'answer'; answer: string; citations: Citation[] }
  | { kind: 'not-covered' };

export async function llmAnswer(
  model: ChatModel,
  templates: PromptTemplates,
  question: string,
  hits: SearchHit[],
  script: Script,
  timeoutMs: number,
  onPartial?: PartialAnswer,
): Promise<LlmAnswer> {
  const values = { question, passages: formatPassages(hits), language: languageName(script) };
  const messages = [
    systemMessage(fillTemplate(templates.answerSystem, values)),
    userMessage(fillTemplate(templates.answerUser, values)),
  ];
  const raw = normaliseCitationShapes(await callModel(model, messages, timeoutMs, onPartial && showWhileWriting(onPartial, script)));
  if (/^\W*NOT_COVERED\b/.test(raw)) return { kind: 'not-covered' };
  // Only supported claims reach the user: a sentence without a valid citation is dropped, not shown uncited.
  const checked = checkCitations(supportedSentences(raw, hits.length), hits.length);
  if (!checked.used.length) throw new LlmFailure('no valid citations in the model answer');
  const clean = stripStrayCitationShapes(checked.text);
  const text = script === 'en' ? clean : toScript(clean, script);
  const citations = checked.used.map((passage, i) => {
    const chunk = hits[passage - 1].chunk;
    const claims = sentencesCiting(checked.text, i + 1).join(' ');
    return citationFor(i + 1, chunk, bestSentence(chunk, queryTerms(claims || question)), script);
  });
  return { kind: 'answer', answer: text, citations };
}

const NOT_COVERED_MARK = 'NOT_COVERED';

/**
 * What the reader sees while the model writes: nothing until the text cannot be the
 * NOT_COVERED marker any more (that answer is replaced, never shown), then the text in the
 * reader's script. The final answer — citations checked and renumbered — replaces it.
 */
function showWhileWriting(onPartial: PartialAnswer, script: Script): PartialAnswer {
  return (text) => {
    // Leading spaces, quotes and markdown only (\W would also eat every Han character).
    const start = text.replace(/^[\s\p{P}\p{S}]+/u, '');
    if (start.length < NOT_COVERED_MARK.length ? NOT_COVERED_MARK.startsWith(start) : start.startsWith(NOT_COVERED_MARK)) return;
    onPartial(script === 'en' ? text : toScript(text, script));
  };
}

const CITATION_GROUP = /[[【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】]/g;

/**
 * Keeps only citations of passages that were actually given (1..passageCount), renumbers them
 * 1..m in order of passage number so `n` matches the citation list, and removes invented ones.
 */
export function checkCitations(text: string, passageCount: number): { text: string; used: number[] } {
  const valid = new Set<number>();
  for (const m of text.matchAll(CITATION_GROUP)) {
    for (const n of m[1].split(/[,，、]/).map((s) => Number(s.trim()))) if (n >= 1 && n <= passageCount) valid.add(n);
  }
  const used = [...valid].sort((a, b) => a - b);
  const renumber = new Map(used.map((n, i) => [n, i + 1]));
  const rewritten = text.replace(CITATION_GROUP, (_, group: string) =>
    group
      .split(/[,，、]/)
      .map((s) => renumber.get(Number(s.trim())))
      .filter((n): n is number => n !== undefined)
      .map((n) => `[${n}]`)
      .join(''),
  );
  // Tidy spaces left where an invented citation was removed.
  return { text: rewritten.replace(/[ \t]+([。．.，,；;！!？?])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim(), used };
}

function sentencesCiting(text: string, n: number): string[] {
  return text
    .split(/(?<=[。！？!?；;\n])/u)
    .filter((s) => s.includes(`[${n}]`))
    .map((s) => s.replace(CITATION_GROUP, ' ').replace(/\[\d+\]/g, ' '));
}

/** A sentence or list line, with what ends it. */
const CLAIM = /[^。！？!?；;\n]+(?:[。！？!?；;]+|\n|$)|\n/gu;

/**
 * The model's sentences that cite at least one passage that was given (1..passageCount). A
 * citation standing alone after its sentence ("…处罚。[2]") belongs to that sentence. An English
 * sentence ends at ". " as well.
 */
export function supportedSentences(text: string, passageCount: number): string {
  const pieces = (text.match(CLAIM) ?? []).flatMap((p) => p.split(/(?<=[a-z0-9)\]][.!?]\s+)(?=[A-Z"“])/u));
  const merged: string[] = [];
  for (const piece of pieces) {
    // "[2]" or "[2]。" on its own continues the previous sentence.
    if (merged.length && /^\s*(?:[[【]\s*\d[\d\s,，、]*[\]】]\s*)+[。.]?\s*$/u.test(piece) && !/\n$/.test(merged.at(-1)!)) merged[merged.length - 1] += piece;
    else merged.push(piece);
  }
  const valid = (piece: string) =>
    [...piece.matchAll(CITATION_GROUP)].some((m) => m[1]!.split(/[,，、]/).some((n) => Number(n.trim()) >= 1 && Number(n.trim()) <= passageCount));
  return merged
    .filter((p) => p.trim() === '' || valid(p))
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

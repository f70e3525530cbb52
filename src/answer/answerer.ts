import type { Logger } from 'pino';
import type { Chunk, Retriever, SearchResult } from '../retrieval/types.js';
import { detectScript, toSimplified, type Script } from '../text/script.js';
import { composeExtractive, composeReferenced } from './extractive.js';
import { passageSentences } from './sentences.js';
import { looksLikeFollowUp, previousTopicTurn, variesPreviousQuestion, withCarriedTerms } from './followup.js';
import { condenseQuestion, createChatModel, LlmFailure, llmAnswer, rewriteQueries, type ChatModel } from './llm.js';
import { ConversationMemory, type ConversationStore, type Turn } from './memory.js';
import { modelNotCoveredText, notCoveredText } from './messages.js';
import { loadPromptTemplates, type PromptTemplates } from './prompts.js';
import { unanswerableKind } from '../retrieval/answerability.js';
import { withoutReference } from '../retrieval/section-reference.js';
import { plainTokenizer, Tokenizer } from '../retrieval/tokenize.js';
import { contentWords, mergeTerms, queryTerms, weightedTerms } from './terms.js';
import type { Answerer, AskOptions, AskResult } from './types.js';

/** The config fields answering reads (AppConfig satisfies it). */
export interface AnswererConfig {
  llmEnabled: boolean;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  LLM_MODEL?: string;
  LLM_TIMEOUT_MS?: number;
  PROMPTS_DIR?: string;
}

export interface AnswererDeps {
  retriever: Retriever;
  config: AnswererConfig;
  log: Pick<Logger, 'debug' | 'info' | 'warn'>;
  memory?: ConversationStore;
  now?: () => number;
  /** Overrides the ChatOpenAI model built from config (tests, alternative providers). */
  chatModel?: ChatModel;
  /**
   * The retriever's query expansion (glossary: English → Chinese, synonyms) as weighted terms, so
   * sentences can be matched on what the retriever matched on. Defaults to `retriever.expandQuery`
   * when the retriever has one; without it English questions fall back to passage-shared terms.
   */
  expandQuery?: QueryExpander;
}

export type QueryExpander = (query: string) => { term: string; weight: number }[];

export interface ConfiguredAnswerer extends Answerer {
  readonly memory: ConversationStore;
  /** 'llm' when a model and prompt templates are available, else 'extractive'. */
  readonly preferredMode: 'llm' | 'extractive';
  /** Splits and converts passages ahead of time (call after loading or reloading the index) so first answers are fast too. */
  warm(chunks: readonly Chunk[]): void;
}

const PASSAGES_FOR_LLM = 5;
/** A question with this many content words of its own is searched as is before borrowing context. */
const SELF_CONTAINED_WORDS = 3;
/** Words besides a numbering reference that still only ask what is written there (内容, 原文). */
const REFERENCE_ONLY_WORDS = 2;

export function createAnswerer(deps: AnswererDeps): ConfiguredAnswerer {
  const { retriever, config, log } = deps;
  const memory: ConversationStore = deps.memory ?? new ConversationMemory({ now: deps.now });
  const timeoutMs = config.LLM_TIMEOUT_MS ?? 20_000;
  const retrieverExpander = (retriever as { expandQuery?: unknown }).expandQuery;
  // The retriever's segmenter knows the glossary's words; sentences are matched with the same words.
  // Read per question: a reloaded knowledge base brings a new segmenter.
  const tokenizerNow = (): Tokenizer => {
    const own = (retriever as { tokenizer?: unknown }).tokenizer;
    return own instanceof Tokenizer ? own : plainTokenizer();
  };
  const expandQuery: QueryExpander | undefined =
    deps.expandQuery ?? (typeof retrieverExpander === 'function' ? (q) => retrieverExpander.call(retriever, q) : undefined);

  let templates: PromptTemplates | undefined;
  let model: ChatModel | undefined;
  if (config.llmEnabled) {
    try {
      templates = loadPromptTemplates(config.PROMPTS_DIR ?? './prompts');
      model = deps.chatModel ?? createChatModel(config);
    } catch (err) {
      // Missing templates must not stop the bot: answer extractively and say why in the logs.
      log.warn({ err: (err as Error).message }, 'LLM mode disabled; answering extractively');
      templates = undefined;
      model = undefined;
    }
  }

  async function search(query: string): Promise<SearchResult> {
    return retriever.search(query, { k: PASSAGES_FOR_LLM + 1 });
  }

  /** Bare question, or question plus the previous topic's terms when it leans on earlier turns. */
  async function resolveWithoutModel(question: string, history: Turn[]): Promise<{ query: string; result: SearchResult }> {
    const prev = previousTopicTurn(history);
    if (!prev) return { query: question, result: await search(question) };
    const carried = withCarriedTerms(prev.query, question);
    const ownWords = contentWords(question).length;
    const short = ownWords < SELF_CONTAINED_WORDS;
    if (carried !== question && looksLikeFollowUp(question) && (short || variesPreviousQuestion(question))) {
      const result = await search(carried);
      // A longer "那…呢" may still be a new topic (那出差住宿标准呢): the earlier topic is kept only
      // when the passages it finds also speak to the new question's own words.
      if (result.relevant && (short || questionContributes(question, result))) return { query: carried, result };
      return { query: question, result: await search(question) };
    }
    const bare = await search(question);
    if (bare.relevant || carried === question) return { query: question, result: bare };
    const withContext = await search(carried);
    // Borrow context only when the new question still adds something the passages speak to;
    // otherwise an unrelated question would be answered with the previous topic.
    if (withContext.relevant && questionContributes(question, withContext)) return { query: carried, result: withContext };
    return { query: question, result: bare };
  }

  function extractive(question: string, query: string, result: SearchResult, script: Script): AskResult {
    if (!result.relevant || !result.hits.length) return notCovered(script, 'extractive');
    // A bare pointer (第九章第5条是什么) is answered with the place itself; a question that also has a
    // topic of its own (…说不能回扣，那红包呢) is answered as usual, the place leading the passages.
    if (result.reference && contentWords(withoutReference(question)).length <= REFERENCE_ONLY_WORDS) {
      const pointed = composeReferenced(result.hits[0]!, result.reference, script);
      if (pointed.citations.length) return { answered: true, ...pointed, mode: 'extractive', topScore: result.hits[0]!.score };
    }
    const terms = mergeTerms(queryTerms(query, tokenizerNow()), expandQuery ? weightedTerms(expandQuery(query)) : { han: [], latin: [] });
    const describe = (retriever as { englishTopics?: (q: string) => { english: string; chinese: string[] }[] }).englishTopics;
    const topics = script === 'en' && typeof describe === 'function' ? describe.call(retriever, query) : [];
    const { answer, citations } = composeExtractive(terms, result.hits, script, { question, topics });
    if (!citations.length) return notCovered(script, 'extractive');
    return { answered: true, answer, citations, mode: 'extractive', topScore: result.hits[0]?.score ?? 0 };
  }

  async function askWithModel(
    question: string,
    history: Turn[],
    script: Script,
    m: ChatModel,
    t: PromptTemplates,
    onPartial?: AskOptions['onPartial'],
  ): Promise<{ query: string; result: AskResult }> {
    let query = question;
    let result: SearchResult | undefined;
    try {
      if (history.length) query = await condenseQuestion(m, t, history, question, timeoutMs);
      result = await search(query);
      // A question that asks for what no policy holds (a venue, a phone number, *my* bonus) is refused without the model.
      if (result.unanswerable) return { query, result: notCovered(script, 'llm') };
      if (!result.relevant) {
        // Multi-query: words the index does not know may still be the handbook's rules in other words.
        // A rewrite only searches; the answer prompt then judges whether the passages answer (NOT_COVERED).
        for (const rewritten of await rewriteQueries(m, t, query, timeoutMs)) {
          const again = await search(rewritten);
          if (again.relevant && !again.unanswerable && again.hits.length) {
            result = again;
            break;
          }
        }
      }
      if (!result.relevant || !result.hits.length) return { query, result: notCovered(script, 'llm') };
      const hits = result.hits.slice(0, PASSAGES_FOR_LLM);
      const out = await llmAnswer(m, t, question === query ? question : `${question}\n(${query})`, hits, script, timeoutMs, onPartial);
      if (out.kind === 'not-covered') {
        return { query, result: { ...notCovered(script, 'llm'), answer: `${modelNotCoveredText(script)}\n${notCoveredText(script)}` } };
      }
      return { query, result: { answered: true, answer: out.answer, citations: out.citations, mode: 'llm', topScore: result.hits[0]?.score ?? 0 } };
    } catch (err) {
      if (!(err instanceof LlmFailure)) throw err;
      log.warn({ reason: err.reason }, 'LLM answer failed; falling back to extractive');
      // Reuse the search already done; if the condense step itself failed, resolve follow-ups heuristically.
      const resolved = result ? { query, result } : await resolveWithoutModel(question, history);
      return { query: resolved.query, result: { ...extractive(question, resolved.query, resolved.result, script), fallbackReason: err.reason } };
    }
  }

  return {
    memory,
    preferredMode: model && templates ? 'llm' : 'extractive',
    warm(chunks) {
      for (const chunk of chunks) passageSentences(chunk);
    },
    async ask(question: string, conversationId?: string, options?: AskOptions): Promise<AskResult> {
      const q = question.trim();
      const script = detectScript(q || '问');
      const history = conversationId ? await memory.history(conversationId) : [];
      let query = q;
      let result: AskResult;
      // What no policy text holds (a venue, a phone number, *my* bonus) is refused before any search or model call.
      if (unanswerableKind(q)) {
        result = notCovered(script, model && templates ? 'llm' : 'extractive');
      } else if (model && templates) {
        ({ query, result } = await askWithModel(q, history, script, model, templates, options?.onPartial));
      } else {
        const resolved = await resolveWithoutModel(q, history);
        query = resolved.query;
        result = extractive(q, resolved.query, resolved.result, script);
      }
      if (conversationId) await memory.add(conversationId, { question: q, query, answer: result.answer, answered: result.answered });
      log.debug({ conversationId, query, answered: result.answered, mode: result.mode }, 'ask');
      return result;
    },
  };
}

function notCovered(script: Script, mode: AskResult['mode']): AskResult {
  return { answered: false, answer: notCoveredText(script), citations: [], mode, topScore: 0 };
}

function questionContributes(question: string, result: SearchResult): boolean {
  const own = queryTerms(question);
  if (!own.han.length && !own.latin.length) return true;
  const text = result.hits
    .slice(0, 3)
    .map((h) => h.chunk.normText || toSimplified(h.chunk.text))
    .join('\n')
    .toLowerCase();
  return own.han.some((t) => text.includes(t)) || own.latin.some((t) => text.includes(t));
}

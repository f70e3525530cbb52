import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';
import { eng as englishStopwords } from 'stopword';
import { toSimplified } from '../text/script.js';

/**
 * The compliance team's to-do list groups unanswered questions by topic: the question's most
 * specific content word by TF-IDF (jieba's bundled IDF table), nouns and verbs only, so
 * 回扣能不能给 and 给回扣违法吗 land together under 回扣. English words are kept whole.
 */
const jieba = Jieba.withDict(dict);
const tfidf = TfIdf.withDict(idf);
/** Nouns name a topic better than verbs (食堂 rather than 开饭); verbs only when a question has no noun. */
const NOUN_TAGS = ['n', 'nr', 'ns', 'nt', 'nz', 'nrt', 'eng', 'l', 'i', 'j'];
const VERB_TAGS = ['vn', 'v', 'an'];
const ENGLISH_STOP = new Set([...englishStopwords, 'give', 'get', 'allowed', 'need', 'must', 'may', 'ok', 'okay']);

export function questionTopic(question: string): string {
  const text = toSimplified(question.normalize('NFKC')).toLowerCase();
  // English words all get the same (unknown-word) weight: the longest is the most specific.
  for (const tags of [NOUN_TAGS, VERB_TAGS]) {
    const best = tfidf
      .extractKeywords(jieba, text, 8, tags)
      .map((k) => ({ word: k.keyword.trim(), weight: k.weight }))
      .filter((k) => k.word.length > 1 && !ENGLISH_STOP.has(k.word))
      .sort((a, b) => b.weight - a.weight || b.word.length - a.word.length)[0];
    if (best) return best.word;
  }
  return '其他 other';
}

export interface TopicGroup {
  topic: string;
  count: number;
  distinct: number;
  examples: string[];
}

/** Groups (question, count) pairs, most asked first; at most `examples` example questions each. */
export function groupByTopic(questions: readonly { question: string; count: number }[], limit = 15, examples = 3): TopicGroup[] {
  const groups = new Map<string, TopicGroup>();
  for (const q of questions) {
    const topic = questionTopic(q.question);
    const g = groups.get(topic) ?? { topic, count: 0, distinct: 0, examples: [] };
    g.count += q.count;
    g.distinct++;
    if (g.examples.length < examples) g.examples.push(q.question);
    groups.set(topic, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic)).slice(0, limit);
}

/**
 * The page shows what was asked, not who: e-mail addresses, phone and id numbers and URLs in a
 * question are masked before it is shown or exported.
 */
export function redactQuestion(q: string): string {
  return q
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]')
    .replace(/https?:\/\/\S+/g, '[link]')
    .replace(/(?:\+?\d[\d -]{6,}\d|\d{6,}[\dXx]?)/g, '[number]');
}

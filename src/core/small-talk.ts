import { z } from 'zod';
import { loadDataFile } from '../data-files/data-file.js';
import { toSimplified, type Script } from '../text/script.js';

const replySchema = z.object({ 'zh-Hans': z.string().min(1), 'zh-Hant': z.string().min(1), en: z.string().min(1) });
const smallTalkSchema = z.object({
  kinds: z
    .array(
      z.object({
        id: z.string().min(1),
        phrases: z.array(z.string().trim().min(1)).min(1),
        reply: replySchema,
      }),
    )
    .min(1),
});

/** What is left out around the phrases: punctuation, symbols, spaces and sentence particles. */
const FILLER = /[\p{P}\p{S}\s]|[啊呀哈啦喔哦噢呢吧嘛哇~]/gu;

export interface SmallTalk {
  /** The reply for a message that is only conversation, in the asker's script; null for a question. */
  replyTo(message: string, script: Script): string | null;
}

/**
 * Recognises thanks, acknowledgements and greetings (knowledge/small-talk.yaml). The message
 * must consist of nothing but the file's phrases once filler is removed, so a question that
 * starts with "谢谢" or "ok" is still a question.
 */
export function buildSmallTalk(kinds: z.output<typeof smallTalkSchema>['kinds']): SmallTalk {
  // Longest first, so "谢谢你" is taken whole rather than as "谢谢" plus a stray "你".
  const phrases = kinds
    .flatMap((k, kind) => k.phrases.map((p) => ({ text: normalise(p), kind })))
    .filter((p) => p.text)
    .sort((a, b) => b.text.length - a.text.length);
  return {
    replyTo(message, script) {
      const text = normalise(message);
      const used = text ? segment(text, phrases) : null;
      if (!used) return null;
      // Mixed kinds ("好的谢谢"): the kind listed first in the file answers.
      return kinds[Math.min(...used)]!.reply[script];
    },
  };
}

export function loadSmallTalk(file: string): SmallTalk {
  return buildSmallTalk(loadDataFile(file, smallTalkSchema).kinds);
}

function normalise(text: string): string {
  // Emoji phrases (👍) are symbols: kept by mapping them to words before the filler goes.
  return toSimplified(text.normalize('NFKC').toLowerCase()).replace(/👍/gu, 'ok').replace(/👌/gu, 'ok').replace(FILLER, '');
}

/**
 * The kinds of the phrases `text` splits into wholly, or null when it does not (a small
 * word-break search: messages worth checking are a few characters long).
 */
function segment(text: string, phrases: { text: string; kind: number }[]): number[] | null {
  if (text.length > 40) return null;
  const cameFrom: ({ start: number; kind: number } | undefined)[] = new Array(text.length + 1);
  cameFrom[0] = { start: -1, kind: -1 };
  for (let i = 0; i < text.length; i++) {
    if (!cameFrom[i]) continue;
    for (const p of phrases) if (!cameFrom[i + p.text.length] && text.startsWith(p.text, i)) cameFrom[i + p.text.length] = { start: i, kind: p.kind };
  }
  if (!cameFrom[text.length]) return null;
  const kinds: number[] = [];
  for (let end = text.length; end > 0; end = cameFrom[end]!.start) kinds.push(cameFrom[end]!.kind);
  return kinds;
}

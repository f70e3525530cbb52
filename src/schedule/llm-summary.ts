import { readFileSync } from 'node:fs';
import path from 'node:path';
import { userMessage, type ChatModel } from '../answer/llm.js';
import { fillTemplate } from '../answer/prompts.js';
import type { Summariser } from './render.js';
import type { CaseStudy } from './types.js';

/**
 * Digest summaries written by the configured LLM. The renderer falls back to the case's own
 * summary on any error, so a model outage never blocks a scheduled post.
 */
export function createLlmSummariser(model: ChatModel, promptsDir: string, timeoutMs: number): Summariser {
  const template = readFileSync(path.join(promptsDir, 'digest-summary.md'), 'utf8');
  return async (c: CaseStudy) => {
    const prompt = fillTemplate(template, { title: c.title, what: c.sections.what, consequences: c.sections.consequences });
    const res = await model.invoke([userMessage(prompt)], { signal: AbortSignal.timeout(timeoutMs) });
    const text = typeof res.content === 'string' ? res.content : '';
    if (!text.trim()) throw new Error('empty summary');
    return text.trim();
  };
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { systemMessage, userMessage, type ChatModel } from '../answer/llm.js';
import { fillTemplate } from '../answer/prompts.js';

/** Long contracts are cut: the model adds opinions, the rule engine has already read every clause. */
const MAX_CONTRACT_CHARS = 24_000;

/**
 * The optional model review: returns raw finding objects for the engine to validate, mark as
 * model-generated and place against the contract text. The contract travels as delimited data
 * under a system prompt that forbids following instructions inside it.
 */
export function createLlmReview(model: ChatModel, promptsDir: string): (contract: string) => Promise<unknown[]> {
  const system = readFileSync(path.join(promptsDir, 'precheck.system.md'), 'utf8');
  const user = readFileSync(path.join(promptsDir, 'precheck.user.md'), 'utf8');
  return async (contract) => {
    const body = contract.length > MAX_CONTRACT_CHARS ? `${contract.slice(0, MAX_CONTRACT_CHARS)}\n…` : contract;
    const res = await model.invoke([
      systemMessage(system),
      userMessage(fillTemplate(user, { contract: body.replaceAll('CONTRACT>>>', 'CONTRACT >>>') })),
    ]);
    return parseFindingsJson(typeof res.content === 'string' ? res.content : JSON.stringify(res.content));
  };
}

/** Accepts a bare JSON array or one wrapped in a code fence; anything else is "no findings". */
export function parseFindingsJson(text: string): unknown[] {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start === -1 || end <= start) return [];
  try {
    const parsed = JSON.parse(text.slice(start, end + 1));
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

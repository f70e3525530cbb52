import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors/input-error.js';

/** Bad command-line input: printed as one line on stderr, exit code 2. */
export class UsageError extends InputError {}

export const MAX_QUESTION_CHARS = 2000;

/** Strict option parsing (unknown options are errors), via node:util. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
}

export function requireQuestion(positionals: string[], what = 'question'): string {
  const q = positionals.join(' ').trim();
  if (!q) throw new UsageError(`missing ${what}`);
  if (q.length > MAX_QUESTION_CHARS) throw new UsageError(`${what} is ${q.length} characters; the limit is ${MAX_QUESTION_CHARS}`);
  return q;
}

export function parseK(raw: string | undefined, def = 5): number {
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--k must be a whole number from 1 to 50, got "${raw}"`);
  const k = Number(raw);
  if (k < 1 || k > 50) throw new UsageError(`--k must be from 1 to 50, got ${k}`);
  return k;
}

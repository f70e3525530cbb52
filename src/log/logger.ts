import pino, { type Logger } from 'pino';

/**
 * Structured logs. Secrets and customer text must never reach a level above debug:
 * the redact list removes the usual suspects wherever a caller nests them, and callers
 * log ids, sizes and hashes instead of message bodies.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'text',
  '*.text',
  'body',
  '*.body',
];

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * `file` sends the lines to a file instead of stderr (the interactive console keeps its screen
 * for the conversation). An unknown level falls back to info: the configuration check reports it
 * as one line, and a logger must never be the thing that crashes first.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', file?: string): Logger {
  return pino({
    level: LEVELS.has(level) ? level : 'info',
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }, file ? pino.destination({ dest: file, mkdir: true, sync: false }) : pino.destination(2));
}

/** A shared default for modules that are not handed a logger (CLI, tests). */
export const log: Logger = createLogger(process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'));
export type { Logger };

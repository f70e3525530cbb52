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
export function createLogger(level: string, file?: string): Logger {
  return pino({
    level: LEVELS.has(level) ? level : 'info',
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }, file ? pino.destination({ dest: file, mkdir: true, sync: false }) : pino.destination(2));
}

/**
 * Writes nothing. Every module that logs is handed its logger (main.ts and the CLI create the
 * one real logger); a module built without one — a unit test, a library call — stays quiet
 * instead of writing to a console someone else owns.
 */
export const silentLogger: Logger = pino({ level: 'silent' });
export type { Logger };

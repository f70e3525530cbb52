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

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }, pino.destination(2));
}

/**
 * Writes nothing. Every module that logs is handed its logger (main.ts and the CLI create the
 * one real logger); a module built without one — a unit test, a library call — stays quiet
 * instead of writing to a console someone else owns.
 */
export const silentLogger: Logger = pino({ level: 'silent' });
export type { Logger };

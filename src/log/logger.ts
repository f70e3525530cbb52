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

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }, pino.destination(2));
}

/** A shared default for modules that are not handed a logger (CLI, tests). */
export const log: Logger = createLogger(process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'));
export type { Logger };

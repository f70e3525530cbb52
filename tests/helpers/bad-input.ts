import pino, { type Logger } from 'pino';
import { REDACTED_PATHS } from '../../src/log/logger.js';

/** Customer data planted in the inputs; none of it may reach a log line. */
export const PII = ['ZEBRA-Q-7781', '张三丰', '13800138000', '110101199003074514', 'ZEBRA-CONTRACT-5521', 'ZEBRA-FS-3391'];

/** A production-shaped logger (same redaction) writing to memory at info. */
export function memoryLogger(lines: string[]): Logger {
  return pino(
    { level: 'info', base: undefined, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    { write: (line: string) => void lines.push(line) },
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

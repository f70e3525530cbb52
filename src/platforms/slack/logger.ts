import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { redactSecrets } from '../../log/errors.js';


/**
 * Above debug only strings and error names/messages pass: Bolt's `logger.error(err)` may carry
 * Web API response data, and an object could hold a message the user wrote.
 */
function describe(args: unknown[], verbose: boolean): string {
  // Bolt and the WebClient log free-form strings: no token may pass, whatever the level.
  return redactSecrets(
    args
      .map((a) => {
        if (typeof a === 'string') return a;
        if (a instanceof Error) return `${a.name}: ${a.message}`;
        if (!verbose) return '[object]';
        try {
          return JSON.stringify(a);
        } catch {
          return String(a);
        }
      })
      .join(' ')
      .slice(0, verbose ? 4000 : 500),
  );
}

const LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/** Bolt's Logger interface on top of the project's pino logger; the level stays pino's (LOG_LEVEL). */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ module: 'slack-bolt' });
  return {
    debug: (...msg: unknown[]) => {
      if (child.isLevelEnabled('debug')) child.debug(describe(msg, true));
    },
    info: (...msg: unknown[]) => child.info(describe(msg, false)),
    warn: (...msg: unknown[]) => child.warn(describe(msg, false)),
    error: (...msg: unknown[]) => child.error(describe(msg, false)),
    setLevel: () => {},
    getLevel: () => LEVELS[child.level] ?? LogLevel.INFO,
    setName: () => {},
  };
}

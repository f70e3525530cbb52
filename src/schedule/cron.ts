import { Cron } from 'croner';

/**
 * Fire-time arithmetic over croner. Schedules are five-field cron (minute precision): seconds
 * fields would let a typo post every second.
 */

function job(expr: string, timezone: string): Cron {
  return new Cron(expr, { timezone, paused: true, mode: '5-part' });
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** Null when the expression is usable in the zone; otherwise a message for a human. */
export function cronProblem(expr: string, timezone: string): string | null {
  if (!isValidTimezone(timezone)) return `unknown time zone '${timezone}' (use an IANA name such as Asia/Shanghai)`;
  try {
    const next = job(expr, timezone).nextRun(new Date());
    if (!next) return `cron '${expr}' never fires`;
    return null;
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^CronPattern:\s*/, '') : String(err);
    return `invalid cron '${expr}' (five fields: minute hour day-of-month month day-of-week): ${reason}`;
  }
}

/** First fire strictly after `after`. */
export function nextFire(expr: string, timezone: string, after: Date): Date | null {
  return job(expr, timezone).nextRun(after);
}

/** Latest fire at or before `at`. */
export function latestFireAtOrBefore(expr: string, timezone: string, at: Date): Date | null {
  // croner's previousRuns excludes the reference instant itself, so look from 1 ms later.
  const [prev] = job(expr, timezone).previousRuns(1, new Date(at.getTime() + 1));
  return prev ?? null;
}

/** Shortest gap between consecutive fires over the next few runs, in ms (for anti-spam checks). */
export function shortestGapMs(expr: string, timezone: string, from: Date, runs = 8): number {
  const times = job(expr, timezone).nextRuns(runs, from);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i]!.getTime() - times[i - 1]!.getTime());
  return gap;
}

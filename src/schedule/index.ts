import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { HandbookCiter } from '../retrieval/types.js';
import type { Db } from '../storage/database.js';
import { loadCases } from './cases.js';
import { createDigestCommand, createRemindCommand, type ReminderAdmins } from './commands.js';
import { DigestService } from './digest.js';
import { ScheduleRegistry } from './registry.js';
import { loadReminders } from './reminders.js';
import type { Summariser } from './render.js';
import { Scheduler, type PostFn, type RetryPolicy } from './scheduler.js';
import { ScheduleStore } from './store.js';
import type { CaseStudy, Clock, TimerPort } from './types.js';

/**
 * One-call wiring for main.ts / the CLI: loads knowledge/cases and knowledge/reminders.yaml
 * (throwing DataFileError naming file and line), and builds store, registry, digests,
 * scheduler and the two commands. The app starts it (`start()`) only when SCHEDULER_ENABLED.
 */
export interface SchedulingOptions {
  db: Db;
  /** The settings scheduling reads (the app config satisfies it). */
  config: ReminderAdmins & { KNOWLEDGE_DIR: string; SCHEDULE_GRACE_HOURS: number; SCHEDULE_LEASE_SECONDS?: number; REMINDERS_FILE?: string };
  post: PostFn;
  citer?: HandbookCiter;
  summarise?: Summariser;
  clock?: Clock;
  timer?: TimerPort;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** See SchedulerDeps.maxSleepMs (replicas sharing a database look more often). */
  maxSleepMs?: number;
}

export async function createScheduling(o: SchedulingOptions) {
  const reloadCases = (): void => {
    cases = loadCases(path.join(knowledge, 'cases'), { handbookDir: path.join(knowledge, 'handbook') });
  };
  const knowledge = o.config.KNOWLEDGE_DIR;
  let cases: CaseStudy[] = loadCases(path.join(knowledge, 'cases'), { handbookDir: path.join(knowledge, 'handbook') });
  const yaml = loadReminders(o.config.REMINDERS_FILE ?? path.join(knowledge, 'reminders.yaml'), { knownTags: [...new Set(cases.flatMap((c) => c.tags))] });
  const store = new ScheduleStore(o.db);
  const registry = new ScheduleRegistry(yaml, store, o.clock);
  await registry.refresh();
  const renderDeps = { ...(o.citer ? { citer: o.citer } : {}), ...(o.summarise ? { summarise: o.summarise } : {}), ...(o.logger ? { logger: o.logger } : {}) };
  const digests = new DigestService({ store, cases: () => cases, ...renderDeps, ...(o.clock ? { clock: o.clock } : {}) });
  const scheduler = new Scheduler({
    registry,
    store,
    digests,
    post: o.post,
    graceHours: o.config.SCHEDULE_GRACE_HOURS,
    leaseMs: (o.config.SCHEDULE_LEASE_SECONDS ?? 300) * 1000,
    ...renderDeps,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.timer ? { timer: o.timer } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.maxSleepMs ? { maxSleepMs: o.maxSleepMs } : {}),
  });
  return {
    name: 'schedule',
    store,
    registry,
    digests,
    scheduler,
    commands: [
      createRemindCommand({ registry, config: o.config, logger: o.logger, ...(o.clock ? { clock: o.clock } : {}) }),
      createDigestCommand({ registry, digests, post: o.post, logger: o.logger, config: o.config }),
    ],
    /** Re-reads the case library (e.g. on `kb reload`); throws and keeps the old one on error. */
    reloadCases,
    reload: reloadCases,
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
  };
}

export { loadCases } from './cases.js';
export { loadReminders, parseReminders } from './reminders.js';
export { nextFireTimes, previewDigest } from './cli.js';
export { createRemindCommand, createDigestCommand } from './commands.js';
export { Scheduler } from './scheduler.js';
export { DataFileError } from '../data-files/data-file.js';

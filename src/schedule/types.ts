import type { DataFileProblem } from '../data-files/data-file.js';
import type { Platform } from '../core/types.js';

/** Platforms a schedule may post to from YAML; chat-created reminders keep their origin's platform. */
export const SCHEDULE_PLATFORMS = ['slack', 'feishu'] as const;

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export interface ScheduleTarget {
  platform: Platform;
  channel: string;
}

export interface DigestSpec {
  count: number;
  /** A case matches when it carries any of these tags; absent = every case. */
  tags?: string[];
}

export type ScheduleContent =
  | { kind: 'message'; message: string }
  | { kind: 'topic'; topic: string; intro?: string }
  | { kind: 'digest'; digest: DigestSpec };

/** One schedule, whether it came from knowledge/reminders.yaml or was added from chat. */
export interface Schedule {
  id: string;
  cron: string;
  timezone: string;
  target: ScheduleTarget;
  /** Heading shown above the content; each content kind has a sensible default. */
  title?: string;
  content: ScheduleContent;
  source: 'yaml' | 'chat';
  /** Chat reminders: `platform:userId` of the admin who added it. */
  createdBy?: string;
  /** Chat reminders: when it was added (the earliest moment it may fire). */
  createdAt?: Date;
  /** YAML entries: line in the file, for messages. */
  line?: number;
  /** YAML entries with `enabled: false`: listed and warned about, never posted. */
  disabled?: boolean;
}

export interface CaseStudy {
  id: string;
  title: string;
  tags: string[];
  riskArea: string;
  /** YYYY-MM-DD */
  date: string;
  source: 'internal' | 'external';
  summary: string;
  handbookRef: { document: string; section: string };
  /** Retrieval query used to quote the handbook passage this case broke. */
  handbookTopic: string;
  sections: {
    what: string;
    rule: string;
    consequences: string;
    lesson: string;
  };
  file: string;
}

/** Injectable time source so tests control "now". */
export interface Clock {
  now(): Date;
}

/** Injectable timer so tests can drive wake-ups by hand. */
export interface TimerPort {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemTimer: TimerPort = {
  set(fn, ms) {
    const handle = setTimeout(fn, ms);
    // The bot process stays alive through its servers; the CLI must be able to exit.
    handle.unref?.();
    return handle;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** A problem found while loading policy data, located to a file and line. */
export type SourceProblem = DataFileProblem & { file: string };

import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { cronProblem } from './cron.js';
import {
  DEFAULT_TIMEZONE,
  SCHEDULE_PLATFORMS,
  type Schedule,
  type ScheduleContent,
  type SourceProblem,
} from './types.js';
import { DataFileError } from '../data-files/data-file.js';
import { parseLocated } from '../data-files/located-yaml.js';

/**
 * knowledge/reminders.yaml: the read-only schedules. Every problem names the entry id and the
 * line, because the people editing this file are compliance staff, not developers.
 */

/** Chat-created reminders use this prefix, so YAML ids may not. */
export const CHAT_ID_PREFIX = 'chat-';

const requiredString = (what: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${what} is required` : `${what} must be text`) })
    .trim()
    .min(1, `${what} must not be empty`);

const contentSchema = z
  .object({
    message: requiredString('message').optional(),
    topic: requiredString('topic').optional(),
    intro: requiredString('intro').optional(),
    digest: z
      .object({
        count: z.number().int().min(1).max(10).default(3),
        tags: z.array(requiredString('tag')).min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const kinds = (['message', 'topic', 'digest'] as const).filter((k) => c[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? 'content needs one of message, topic or digest'
            : `content has ${kinds.join(' and ')}; choose exactly one`,
      });
    }
    if (c.intro !== undefined && c.topic === undefined) {
      ctx.addIssue({ code: 'custom', path: ['intro'], message: 'intro is only used with topic' });
    }
  });

const entrySchema = z
  .object({
    id: z
      .string({ error: 'id is required' })
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'id: lowercase letters, digits, and . _ -')
      .refine((id) => !id.startsWith(CHAT_ID_PREFIX), `id must not start with '${CHAT_ID_PREFIX}' (reserved for chat reminders)`),
    cron: requiredString('cron'),
    timezone: requiredString('timezone').default(DEFAULT_TIMEZONE),
    title: requiredString('title').optional(),
    enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
    target: z
      .object(
        {
          platform: z.enum(SCHEDULE_PLATFORMS, {
            error: (iss) =>
              iss.input === undefined
                ? 'target.platform is required (slack or feishu)'
                : `unknown platform '${String(iss.input)}' (expected slack or feishu)`,
          }),
          channel: requiredString('target.channel'),
        },
        { error: (iss) => (iss.input === undefined ? 'target is required' : 'target must be a mapping') },
      )
      .strict(),
    content: z.unknown().optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const problem = cronProblem(e.cron, e.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.startsWith('unknown time zone') ? ['timezone'] : ['cron'], message: problem });
  });

const fileSchema = z
  .object({ reminders: z.array(z.unknown(), { error: "top level needs a 'reminders:' list" }) })
  .strict();

function toContent(c: z.infer<typeof contentSchema>): ScheduleContent {
  if (c.message !== undefined) return { kind: 'message', message: c.message };
  if (c.topic !== undefined) return { kind: 'topic', topic: c.topic, ...(c.intro ? { intro: c.intro } : {}) };
  return { kind: 'digest', digest: { count: c.digest!.count, ...(c.digest!.tags ? { tags: c.digest!.tags } : {}) } };
}

export interface ReminderLoadOptions {
  /** Path shown in messages. */
  displayPath?: string;
  /** Tags that exist in the case library; a digest filtering on none of them is an error. */
  knownTags?: readonly string[];
}

/** Parses reminders YAML text. Throws DataFileError naming entry and line for every problem. */
export function parseReminders(text: string, options: ReminderLoadOptions = {}): Schedule[] {
  const file = options.displayPath ?? 'reminders.yaml';
  const problems: SourceProblem[] = [];
  const located = parseLocated(text);
  for (const e of located.syntaxErrors) problems.push({ file, line: e.line, message: `YAML: ${e.message}` });
  if (problems.length) throw new DataFileError(file, problems, 'Invalid reminders file');

  const raw = located.doc.toJS() ?? { reminders: [] };
  const top = fileSchema.safeParse(raw);
  if (!top.success) {
    throw new DataFileError(
      file,
      top.error.issues.map((i) => ({ file, line: located.lineOf(i.path), message: `${i.path.join('.') || '(top level)'}: ${i.message}` })),
      'Invalid reminders file',
    );
  }

  const schedules: Schedule[] = [];
  const seen = new Map<string, number>();
  top.data.reminders.forEach((entry, i) => {
    const base = ['reminders', i];
    const rawId = entry && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string' ? (entry as { id: string }).id : `#${i + 1}`;
    const line = located.lineOf(base);
    const report = (path: PropertyKey[], message: string) => {
      // zod's generic messages do not say which field; ours usually do.
      const field = path.map(String).join('.');
      const text = field && !message.includes(field.split('.').pop()!) ? `${field}: ${message}` : message;
      problems.push({ file, line: located.lineOf([...base, ...path]), entry: rawId, message: text });
    };

    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(issue.path, issue.message);
    }
    const content = contentSchema.safeParse(
      entry && typeof entry === 'object' ? (entry as { content?: unknown }).content : undefined,
    );
    if (!content.success) {
      for (const issue of content.error.issues) {
        const msg =
          issue.path.length === 0 && issue.code === 'invalid_type' ? 'content is required (message, topic or digest)' : issue.message;
        report(['content', ...issue.path], msg);
      }
    }
    if (!parsed.success || !content.success) return;

    const e = parsed.data;
    const prev = seen.get(e.id);
    if (prev !== undefined) {
      report(['id'], `duplicate id (first defined on line ${prev})`);
      return;
    }
    seen.set(e.id, line);
    const c = toContent(content.data);
    if (c.kind === 'digest' && c.digest.tags && options.knownTags) {
      const unknown = c.digest.tags.filter((t) => !options.knownTags!.includes(t));
      if (unknown.length === c.digest.tags.length) {
        report(['content', 'digest', 'tags'], `no case carries any of the tags ${unknown.join(', ')}`);
        return;
      }
    }
    schedules.push({
      id: e.id,
      cron: e.cron,
      timezone: e.timezone,
      target: { platform: e.target.platform, channel: e.target.channel },
      ...(e.title ? { title: e.title } : {}),
      content: c,
      source: 'yaml',
      line,
      ...(e.enabled === false ? { disabled: true } : {}),
    });
  });
  if (problems.length) throw new DataFileError(file, problems, 'Invalid reminders file');
  return schedules;
}

/** Loads knowledge/reminders.yaml; a missing file means no YAML schedules. */
export function loadReminders(file: string, options: ReminderLoadOptions = {}): Schedule[] {
  if (!existsSync(file)) return [];
  return parseReminders(readFileSync(file, 'utf8'), { displayPath: file, ...options });
}

/**
 * Does a target's channel have the shape of a real id on its platform? Slack conversation ids
 * are C/G/D plus 8–12 upper-case letters and digits; Feishu chat ids are `oc_` plus hex. A
 * mismatch is reported at start (the post would fail at its first fire time), not refused.
 */
export function channelIdProblem(target: { platform: string; channel: string }): string | null {
  if (target.platform === 'slack' && !/^[CGD][A-Z0-9]{8,12}$/.test(target.channel)) {
    return `"${target.channel}" is not a Slack channel id (C… / G…, e.g. C0123456789)`;
  }
  if (target.platform === 'feishu' && !/^oc_[0-9a-f]{16,}$/.test(target.channel)) {
    return `"${target.channel}" is not a Feishu chat id (oc_ followed by hex digits)`;
  }
  return null;
}

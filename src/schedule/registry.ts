import type { Platform } from '../core/types.js';
import { InputError } from '../errors/input-error.js';
import { cronProblem, shortestGapMs } from './cron.js';
import { CHAT_ID_PREFIX } from './reminders.js';
import type { ScheduleStore, StoredReminder } from './store.js';
import { DEFAULT_TIMEZONE, type Clock, type Schedule, systemClock } from './types.js';

/**
 * All schedules in one place: the read-only YAML entries plus reminders added from chat
 * (persisted in the database). The scheduler subscribes to changes so a new reminder is live at once.
 */

/** A chat user's reminder request that cannot be done; the message is shown to them. */
export class ReminderError extends InputError {}

/** Chat reminders may not fire more often than this: a typo must not flood a team channel. */
export const MIN_CHAT_REMINDER_GAP_MS = 60 * 60_000;

export interface AddReminderInput {
  target: { platform: Platform; channelId: string };
  cron: string;
  text: string;
  createdBy: string;
  timezone?: string;
}

function toSchedule(r: StoredReminder): Schedule {
  return {
    id: r.id,
    cron: r.cron,
    timezone: r.timezone,
    target: { platform: r.platform, channel: r.channelId },
    content: { kind: 'message', message: r.text },
    source: 'chat',
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  };
}

export class ScheduleRegistry {
  private readonly listeners = new Set<() => void>();
  /** Chat reminders as last read from the store (another replica may add or remove some). */
  private chat: Schedule[] = [];

  private readonly yaml: readonly Schedule[];
  private readonly disabledYaml: readonly Schedule[];

  constructor(
    yaml: readonly Schedule[],
    private readonly store: ScheduleStore,
    private readonly clock: Clock = systemClock,
  ) {
    this.yaml = yaml.filter((s) => !s.disabled);
    this.disabledYaml = yaml.filter((s) => s.disabled);
  }

  /** YAML schedules switched off with `enabled: false` (shipped that way until a real channel is set). */
  disabled(): Schedule[] {
    return [...this.disabledYaml];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  all(): Schedule[] {
    return [...this.yaml, ...this.chat];
  }

  /**
   * Re-reads chat reminders from the store; tells the listeners when the set changed (a reminder
   * added or removed through another replica). Called on start and by the scheduler's ticks.
   */
  async refresh(): Promise<void> {
    const chat = (await this.store.listReminders()).map(toSchedule);
    const key = (list: Schedule[]) => list.map((s) => `${s.id}|${s.cron}|${s.timezone}`).join('\n');
    const changed = key(chat) !== key(this.chat);
    this.chat = chat;
    if (changed) this.emit();
  }

  get(id: string): Schedule | undefined {
    return this.all().find((s) => s.id === id) ?? this.disabledYaml.find((s) => s.id === id);
  }

  /** Schedules posting to one channel (any platform when `platform` is omitted). */
  list(channel?: { channelId: string; platform?: Platform }): Schedule[] {
    return this.all().filter(
      (s) => !channel || (s.target.channel === channel.channelId && (!channel.platform || s.target.platform === channel.platform)),
    );
  }

  /** Adds a chat reminder; throws ReminderError with a message fit for the chat user. */
  async add(input: AddReminderInput): Promise<Schedule> {
    const timezone = input.timezone ?? DEFAULT_TIMEZONE;
    const cron = input.cron.trim().replace(/\s+/g, ' ');
    const problem = cronProblem(cron, timezone);
    if (problem) throw new ReminderError(problem);
    if (shortestGapMs(cron, timezone, this.clock.now()) < MIN_CHAT_REMINDER_GAP_MS) {
      throw new ReminderError(`cron '${cron}' fires more than once an hour; chat reminders must be at least an hour apart`);
    }
    const text = input.text.trim();
    if (!text) throw new ReminderError('reminder text is empty');
    if (text.length > 2000) throw new ReminderError('reminder text is too long (at most 2000 characters)');
    const stored = await this.store.addReminder({
      platform: input.target.platform,
      channelId: input.target.channelId,
      cron,
      timezone,
      text,
      createdBy: input.createdBy,
      createdAt: this.clock.now(),
    });
    this.chat = [...this.chat, toSchedule(stored)];
    this.emit();
    return toSchedule(stored);
  }

  /** Removes a chat reminder. YAML schedules are read-only from chat. */
  async remove(id: string): Promise<Schedule> {
    const existing = this.get(id);
    if (existing?.source === 'yaml') {
      throw new ReminderError(
        `'${id}' is defined in knowledge/reminders.yaml and is read-only from chat; ask the compliance team to edit the file`,
      );
    }
    if (!existing || !id.startsWith(CHAT_ID_PREFIX) || !(await this.store.removeReminder(id))) {
      throw new ReminderError(`no reminder with id '${id}'`);
    }
    this.chat = this.chat.filter((s) => s.id !== id);
    this.emit();
    return existing;
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

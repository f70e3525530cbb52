import type { Platform } from '../core/types.js';
import { shortLesson } from './render.js';
import { nextFire } from './cron.js';
import { digestSettingsFor } from './commands.js';
import type { DigestService } from './digest.js';
import type { ScheduleRegistry } from './registry.js';
import type { Schedule } from './types.js';

/** JSON-friendly views for `cli schedule next` and `cli digest preview`. */

export interface NextFireTime {
  id: string;
  source: Schedule['source'];
  cron: string;
  timezone: string;
  platform: string;
  channel: string;
  /** ISO 8601 UTC, or null when the expression never fires again. */
  next: string | null;
  /** The same instant as wall-clock time in the schedule's zone, for humans. */
  nextLocal: string | null;
}

function localIso(d: Date, timezone: string): string {
  // sv-SE formats as `YYYY-MM-DD HH:mm:ss`, a readable wall-clock form.
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
}

export function nextFireTimes(schedules: readonly Schedule[], now: Date): NextFireTime[] {
  return schedules.map((s) => {
    const next = nextFire(s.cron, s.timezone, now);
    return {
      id: s.id,
      source: s.source,
      cron: s.cron,
      timezone: s.timezone,
      platform: s.target.platform,
      channel: s.target.channel,
      next: next ? next.toISOString() : null,
      nextLocal: next ? localIso(next, s.timezone) : null,
    };
  });
}

export interface DigestPreview {
  channel: string;
  platform: Platform;
  rotationKey: string;
  count: number;
  tags: string[] | null;
  /** Cases matching the channel's filter, and how many of them were never shown there. */
  matching: number;
  neverShown: number;
  cases: {
    id: string;
    title: string;
    riskArea: string;
    date: string;
    source: string;
    tags: string[];
    summary: string;
    lesson: string;
    handbookRef: { document: string; section: string };
  }[];
}

/**
 * What the next digest in a channel would contain, without posting or advancing the rotation.
 * The platform is taken from the channel's digest schedule when omitted (falls back to slack).
 */
export function previewDigest(
  channelId: string,
  deps: { registry: ScheduleRegistry; digests: DigestService },
  platform?: Platform,
): DigestPreview {
  const known = deps.registry.list({ channelId, ...(platform ? { platform } : {}) });
  const resolved: Platform = platform ?? known.find((s) => s.content.kind === 'digest')?.target.platform ?? known[0]?.target.platform ?? 'slack';
  const target = { platform: resolved, channel: channelId };
  const { spec } = digestSettingsFor(deps.registry, target);
  const pick = deps.digests.pick(target, spec);
  return {
    channel: channelId,
    platform: resolved,
    rotationKey: pick.rotationKey,
    count: spec.count,
    tags: spec.tags ?? null,
    matching: pick.matching,
    neverShown: pick.neverShown,
    cases: pick.cases.map((c) => ({
      id: c.id,
      title: c.title,
      riskArea: c.riskArea,
      date: c.date,
      source: c.source,
      tags: c.tags,
      summary: c.summary,
      lesson: shortLesson(c.sections.lesson),
      handbookRef: c.handbookRef,
    })),
  };
}

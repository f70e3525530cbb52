import type { PostTarget, Reply } from '../core/types.js';
import { filterCases } from './cases.js';
import { renderDigest, type RenderDeps } from './render.js';
import type { ScheduleStore } from './store.js';
import type { CaseStudy, Clock, DigestSpec, ScheduleTarget } from './types.js';
import { systemClock } from './types.js';

/**
 * Case digests with per-channel rotation: within one channel and tag filter, each digest takes
 * the least recently shown matching cases (never-shown first, ties in library order). That is a
 * round robin: no case is shown again until every matching case has been shown there, and a
 * case added to the library joins at the front. The rotation only advances when a digest was
 * actually posted, so a failed post retries with the same cases.
 */

export const DEFAULT_DIGEST: DigestSpec = { count: 3 };

export interface DigestPick {
  rotationKey: string;
  cases: CaseStudy[];
  /** Matching cases never shown under this key, before this digest. */
  neverShown: number;
  matching: number;
}

export function rotationKey(target: ScheduleTarget, spec: DigestSpec): string {
  const tags = spec.tags && spec.tags.length ? [...new Set(spec.tags)].sort().join(',') : '*';
  return `${target.platform}:${target.channel}|${tags}`;
}

export interface DigestServiceDeps extends RenderDeps {
  store: ScheduleStore;
  /** A function so a knowledge reload is picked up without rebuilding the service. */
  cases: () => readonly CaseStudy[];
  clock?: Clock;
}

export class DigestService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly clock: Clock;

  constructor(private readonly deps: DigestServiceDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** What the next digest for this channel and filter would contain (does not advance anything). */
  pick(target: ScheduleTarget, spec: DigestSpec): DigestPick {
    const key = rotationKey(target, spec);
    const matching = filterCases(this.deps.cases(), spec.tags);
    const shown = this.deps.store.rotationState(key);
    const order = new Map(matching.map((c, i) => [c.id, i]));
    const ranked = [...matching].sort(
      (a, b) => (shown.get(a.id) ?? 0) - (shown.get(b.id) ?? 0) || order.get(a.id)! - order.get(b.id)!,
    );
    return {
      rotationKey: key,
      cases: ranked.slice(0, Math.min(spec.count, matching.length)),
      neverShown: matching.filter((c) => !shown.has(c.id)).length,
      matching: matching.length,
    };
  }

  render(title: string | undefined, pick: DigestPick): Promise<Reply> {
    return renderDigest(title, pick.cases, this.deps);
  }

  /** Marks the picked cases as shown in their channel. */
  commit(pick: DigestPick): void {
    this.deps.store.recordRotation(
      pick.rotationKey,
      pick.cases.map((c) => c.id),
      this.clock.now(),
    );
  }

  /**
   * Pick → render → post → commit, serialised per rotation key so two digests to one channel
   * at the same moment cannot pick the same cases. `onPosted` runs right after a successful
   * post (the scheduler records its run there).
   */
  async postNext(
    target: ScheduleTarget,
    spec: DigestSpec,
    title: string | undefined,
    post: (target: PostTarget, reply: Reply) => Promise<string>,
  ): Promise<{ messageId: string; pick: DigestPick }> {
    const key = rotationKey(target, spec);
    return this.withLock(key, async () => {
      const pick = this.pick(target, spec);
      const reply = await this.render(title, pick);
      const messageId = await post({ platform: target.platform, channelId: target.channel }, reply);
      this.commit(pick);
      return { messageId, pick };
    });
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    this.locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }
}

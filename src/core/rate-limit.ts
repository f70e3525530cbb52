/**
 * Per-user and per-channel limits on commands (questions included): a sliding window of the
 * last minute per key, in memory. Each replica counts on its own, so N replicas allow up to N
 * times the limit; the point is that one person or one channel cannot flood the bot or a channel
 * (ten `/digest now` in a row), not exact accounting.
 */
export interface RateLimits {
  perUserPerMinute: number;
  perChannelPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perUserPerMinute: 30, perChannelPerMinute: 200 };

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the call; returns which limit it is over (and is then not counted), or null. */
  take(platform: string, userId: string, channelId: string): 'user' | 'channel' | null {
    const at = this.now();
    this.sweep(at);
    const userKey = `u:${platform}:${userId}`;
    const channelKey = `c:${platform}:${channelId}`;
    const user = this.recent(userKey, at);
    if (user.length >= this.limits.perUserPerMinute) return 'user';
    const channel = channelId ? this.recent(channelKey, at) : [];
    if (channelId && channel.length >= this.limits.perChannelPerMinute) return 'channel';
    user.push(at);
    if (channelId) channel.push(at);
    return null;
  }

  private recent(key: string, at: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => at - t < WINDOW_MS);
    this.hits.set(key, list);
    return list;
  }

  /** Forgets idle keys now and then, so the map does not grow with every user ever seen. */
  private sweep(at: number): void {
    if (at - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = at;
    for (const [key, list] of this.hits) if (!list.length || at - list[list.length - 1]! >= WINDOW_MS) this.hits.delete(key);
  }
}

export function rateLimitedText(which: 'user' | 'channel', limits: RateLimits): string {
  return which === 'user'
    ? `请求太频繁：每人每分钟最多 ${limits.perUserPerMinute} 次，请稍后再试。Too many requests: at most ${limits.perUserPerMinute} a minute per person — please wait a moment.`
    : `本频道请求太频繁：每分钟最多 ${limits.perChannelPerMinute} 次，请稍后再试。Too many requests in this channel: at most ${limits.perChannelPerMinute} a minute — please wait a moment.`;
}

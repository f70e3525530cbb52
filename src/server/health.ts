/**
 * `/healthz`: one check per part of the running bot (each platform's connection, the database,
 * the index, the scheduler). A part that is configured and down makes the whole answer 503, so a
 * load balancer or `systemctl`/Docker health check notices; parts that are not configured are
 * simply absent.
 */
export interface PartStatus {
  ok: boolean;
  /** Why the part is down, or a short note (mode, age); never a secret. */
  detail?: string;
  [extra: string]: unknown;
}

export type PartCheck = () => PartStatus | Promise<PartStatus>;

export interface HealthReport {
  ok: boolean;
  checkedAt: string;
  parts: Record<string, PartStatus>;
}

/** A check slower than this counts as down: a health endpoint that hangs is worse than a 503. */
const CHECK_TIMEOUT_MS = 5_000;

export class HealthChecks {
  private readonly checks = new Map<string, PartCheck>();

  add(name: string, check: PartCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runCheck(check)] as const),
    );
    const parts = Object.fromEntries(entries);
    return { ok: entries.every(([, s]) => s.ok), checkedAt: new Date().toISOString(), parts };
  }
}

async function runCheck(check: PartCheck): Promise<PartStatus> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<PartStatus>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
    });
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (err) {
    return { ok: false, detail: (err as Error).message?.slice(0, 200) ?? String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps a remote probe so `/healthz` polled every few seconds does not become a stream of API
 * calls: the last result is reused for `ttlMs`, and concurrent requests share one probe.
 */
export function cachedProbe(probe: PartCheck, ttlMs: number, now: () => number = Date.now): PartCheck {
  let last: { at: number; status: PartStatus } | null = null;
  let pending: Promise<PartStatus> | null = null;
  return async () => {
    if (last && now() - last.at < ttlMs) return last.status;
    pending ??= runCheck(probe).then((status) => {
      last = { at: now(), status };
      pending = null;
      return status;
    });
    return pending;
  };
}

import type { Logger } from 'pino';
import { errorSummary } from '../../log/errors.js';

/**
 * The answers an adapter has acknowledged but not yet sent. Both platforms ack first and work
 * after, so `stop()` drains this before the database closes under a reply still being written.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly log: Logger) {}

  get size(): number {
    return this.running.size;
  }

  /** Follows `work` until it settles; a failure is logged here, since nobody else awaits it. */
  track(work: Promise<unknown>, what = 'background task'): void {
    this.follow(work.catch((err: unknown) => this.log.error({ err: errorSummary(err) }, `${what} failed`)));
  }

  /** Runs `work` and follows it; the caller still gets its result (and any error). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    this.follow(running);
    return running;
  }

  private follow(work: Promise<unknown>): void {
    const settled: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    );
    const followed = settled.finally(() => this.running.delete(followed));
    this.running.add(followed);
  }

  /** Resolves when everything tracked so far (and anything it started) has settled. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /** `idle()`, but gives up after `timeoutMs` so a hung API call cannot block shutdown forever. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}

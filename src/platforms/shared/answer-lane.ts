/**
 * Where acknowledged work waits for its turn. Both platforms ack first; the answer then runs here
 * with at most `concurrency` at a time, and never before the acks still owed have gone out (each
 * piece of work first awaits `yieldToAcks`: the HTTP server's yieldToRequests, or at least the next
 * turn of the event loop). When `queueLimit` answers are
 * already waiting, new work is turned away at once with the caller's "busy" reply instead of
 * piling up minutes of latency and memory.
 *
 * Hand-written rather than p-limit/p-queue: those have no "refuse when full" hook, and the ack
 * gate (`yieldToAcks`) is the part that matters here.
 */
export interface AnswerLaneOptions {
  concurrency: number;
  queueLimit: number;
  /**
   * Waited on before each piece of work starts (on admission and when handed a slot): the HTTP
   * server's `yieldToRequests`, so acks still owed go out first. Default: the next turn of the loop.
   */
  yieldToAcks?: () => Promise<void>;
}

/** The next turn of the event loop: whatever I/O is ready (requests to ack) runs first. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class AnswerLane {
  private active = 0;
  /** Running, waiting, or between the ack and taking its place in the queue. */
  private admitted = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: AnswerLaneOptions) {}

  get depth(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /**
   * Runs `work` when a slot is free, or `busy` at once when the queue is full. Resolves when
   * whichever ran has finished (so an in-flight tracker can follow it).
   */
  async run(work: () => Promise<void>, busy: () => Promise<void>): Promise<void> {
    if (this.admitted >= this.options.concurrency + this.options.queueLimit) return busy();
    this.admitted++;
    const yieldToAcks = this.options.yieldToAcks ?? nextTurn;
    // The ack written just before this call is flushed before any answering starts.
    await yieldToAcks();
    // A waiter is handed the finishing job's slot (active stays counted), so nobody overtakes it.
    if (this.active >= this.options.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      // Handed over from a job that just finished: acks that arrived meanwhile still go first.
      await yieldToAcks();
    } else this.active++;
    try {
      await work();
    } finally {
      this.admitted--;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

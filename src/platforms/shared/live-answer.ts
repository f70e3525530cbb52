import type { Logger } from 'pino';
import type { AnswerStream } from '../../core/types.js';
import { errorSummary } from '../../log/errors.js';

export type LiveAnswerMode = 'idle' | 'streaming' | 'editing' | 'off';

/** How often each platform lets one message be updated while the model writes. */
export interface LiveAnswerPace {
  streamingMs: number;
  editingMs: number;
}

/**
 * The pacing shared by every platform's live answer: the model's text arrives many times a
 * second, platforms take an update every few hundred milliseconds, so the latest text waits
 * for the next slot and updates run one after another. What an update does (start a stream,
 * append, edit a card) is the platform's own business.
 */
export abstract class LiveAnswer implements AnswerStream {
  protected mode: LiveAnswerMode = 'idle';
  /** The text the user sees now. */
  protected shown = '';
  /** The newest text the model wrote. */
  protected latest = '';
  private timer: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();

  protected constructor(
    private readonly pace: LiveAnswerPace,
    protected readonly log: Logger,
    private readonly platform: string,
  ) {}

  /** The model has begun writing (a progress message would now only get in the way). */
  get writing(): boolean {
    return this.latest !== '';
  }

  get started(): boolean {
    return this.mode === 'streaming' || this.mode === 'editing';
  }

  update(textSoFar: string): void {
    if (this.mode === 'off') return;
    this.latest = textSoFar;
    if (this.timer) return;
    const wait = this.mode === 'idle' ? 0 : this.mode === 'streaming' ? this.pace.streamingMs : this.pace.editingMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.work = this.work.then(() => this.flush());
    }, wait);
  }

  /** Stops pacing and waits for the update in flight; returns the mode the answer was in. */
  protected async settle(): Promise<LiveAnswerMode> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.work;
    const mode = this.mode;
    this.mode = 'off';
    return mode;
  }

  /** After a failure: close a stream that is still open, so the message does not keep typing. */
  async abandon(): Promise<void> {
    const mode = await this.settle();
    if (mode === 'streaming') await this.closeStream().catch(() => undefined);
  }

  /** Shows the first text, choosing streaming or editing; sets `mode`. */
  protected abstract begin(text: string): Promise<void>;
  /** Shows newer text in the live message. */
  protected abstract push(text: string): Promise<void>;
  /** Ends streaming mode without a final text. */
  protected abstract closeStream(): Promise<void>;

  private async flush(): Promise<void> {
    const text = this.latest;
    if (this.mode === 'off' || text === this.shown) return;
    try {
      if (this.mode === 'idle') await this.begin(text);
      else await this.push(text);
      this.shown = text;
    } catch (err) {
      // A failed live update is cosmetic: stop updating, the final reply still arrives.
      this.log.warn({ err: errorSummary(err), mode: this.mode }, `${this.platform} live answer update failed`);
      if (this.mode === 'idle') this.mode = 'off';
    }
  }
}

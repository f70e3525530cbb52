import type { Logger } from 'pino';
import type { AnswerStream } from '../../core/types.js';
import { errorSummary } from '../../log/errors.js';
import type { FeishuApi } from './api.js';
import { CardKit } from './cardkit.js';
import { progressCard, type FeishuCard } from './render.js';

/** The markdown element the streamed text goes into. */
export const STREAM_ELEMENT_ID = 'answer_stream';
/** CardKit takes about ten text updates a second per card; a message patch about one. */
export const FEISHU_STREAM_INTERVAL_MS = 150;
export const FEISHU_EDIT_INTERVAL_MS = 1_000;

/** A card in streaming mode (typewriter effect) holding the answer so far. */
export function streamingCard(text: string) {
  return {
    schema: '2.0',
    config: {
      update_multi: true,
      streaming_mode: true,
      summary: { content: text.slice(0, 60) },
      streaming_config: { print_frequency_ms: { default: 30 }, print_step: { default: 2 }, print_strategy: 'fast' },
    },
    body: { elements: [{ tag: 'markdown', element_id: STREAM_ELEMENT_ID, content: text }] },
  };
}

export interface FeishuStreamTarget {
  /** The user's message the answer replies to. */
  messageId: string;
  inThread: boolean;
}

/**
 * An answer shown while the model writes it: a CardKit card in streaming mode (the progress
 * card itself when there is one, converted to a card entity, else a new reply), its text pushed
 * with growing sequence numbers. Where CardKit is refused (no `cardkit:card:write`, an old
 * client) it falls back to patching one card message in place. `finish` ends streaming and puts
 * the final reply — checked citations, sources, buttons — in the same card.
 */
export class FeishuAnswerStream implements AnswerStream {
  private mode: 'idle' | 'streaming' | 'editing' | 'off' = 'idle';
  private readonly cardkit: CardKit;
  private cardId: string | undefined;
  private liveMessageId: string | undefined;
  private usedProgress = false;
  private sequence = 0;
  private shown = '';
  private latest = '';
  private timer: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: FeishuApi,
    private readonly target: FeishuStreamTarget,
    private readonly progressId: () => string | undefined,
    private readonly log: Logger,
  ) {
    this.cardkit = new CardKit(api);
  }

  /** The model has begun writing (a progress card would now only get in the way). */
  get writing(): boolean {
    return this.latest !== '';
  }

  get started(): boolean {
    return this.mode === 'streaming' || this.mode === 'editing';
  }

  /** True when the live card is the progress card (so nothing is left to clean up). */
  get ownsProgress(): boolean {
    return this.usedProgress;
  }

  update(textSoFar: string): void {
    if (this.mode === 'off') return;
    this.latest = textSoFar;
    if (this.timer) return;
    const wait = this.mode === 'idle' ? 0 : this.mode === 'streaming' ? FEISHU_STREAM_INTERVAL_MS : FEISHU_EDIT_INTERVAL_MS;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.work = this.work.then(() => this.flush());
    }, wait);
  }

  /** Replaces the live text with the final cards; false when nothing was shown live. */
  async finish(cards: FeishuCard[]): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.work;
    const mode = this.mode;
    this.mode = 'off';
    if ((mode !== 'streaming' && mode !== 'editing') || !this.liveMessageId) return false;
    const [first, ...rest] = cards;
    if (mode === 'streaming' && this.cardId) {
      await this.cardkit.setStreaming(this.cardId, false, ++this.sequence);
      await this.cardkit.replace(this.cardId, first!, ++this.sequence);
    } else {
      await this.api.patchCard(this.liveMessageId, first!);
    }
    for (const card of rest) await this.api.replyCard(this.target.messageId, card, this.target.inThread);
    return true;
  }

  /** After a failure: close streaming so the card does not keep its typing cursor. */
  async abandon(): Promise<void> {
    clearTimeout(this.timer);
    await this.work;
    if (this.mode === 'streaming' && this.cardId) await this.cardkit.setStreaming(this.cardId, false, ++this.sequence).catch(() => undefined);
    this.mode = 'off';
  }

  private async flush(): Promise<void> {
    const text = this.latest;
    if (this.mode === 'off' || text === this.shown) return;
    try {
      if (this.mode === 'idle') await this.begin(text);
      else if (this.mode === 'streaming') await this.cardkit.streamText(this.cardId!, STREAM_ELEMENT_ID, text, ++this.sequence);
      else await this.api.patchCard(this.liveMessageId!, progressCard(text));
      this.shown = text;
    } catch (err) {
      // A failed live update is cosmetic: stop updating, the final reply still arrives.
      this.log.warn({ err: errorSummary(err), mode: this.mode }, 'feishu live answer update failed');
      if (this.mode === 'idle') this.mode = 'off';
    }
  }

  private async begin(text: string): Promise<void> {
    const progress = this.progressId();
    try {
      if (progress) {
        this.cardId = await this.cardkit.fromMessage(progress);
        await this.cardkit.replace(this.cardId, streamingCard(text), ++this.sequence);
        this.liveMessageId = progress;
        this.usedProgress = true;
      } else {
        this.cardId = await this.cardkit.create(streamingCard(text));
        this.liveMessageId = (await this.cardkit.reply(this.target.messageId, this.cardId, this.target.inThread)).messageId;
      }
      this.mode = 'streaming';
      return;
    } catch (err) {
      this.log.info({ err: errorSummary(err) }, 'feishu card streaming unavailable; updating the answer card in place');
      this.cardId = undefined;
    }
    if (progress) {
      await this.api.patchCard(progress, progressCard(text));
      this.liveMessageId = progress;
      this.usedProgress = true;
    } else {
      this.liveMessageId = (await this.api.replyCard(this.target.messageId, progressCard(text), this.target.inThread)).messageId;
    }
    this.mode = 'editing';
  }
}

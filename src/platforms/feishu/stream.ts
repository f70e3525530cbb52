import type { Logger } from 'pino';
import { errorSummary } from '../../log/errors.js';
import { LiveAnswer } from '../shared/live-answer.js';
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
export class FeishuAnswerStream extends LiveAnswer {
  private readonly cardkit: CardKit;
  private cardId: string | undefined;
  private liveMessageId: string | undefined;
  private usedProgress = false;
  private sequence = 0;

  constructor(
    private readonly api: FeishuApi,
    private readonly target: FeishuStreamTarget,
    private readonly progressId: () => string | undefined,
    log: Logger,
  ) {
    super({ streamingMs: FEISHU_STREAM_INTERVAL_MS, editingMs: FEISHU_EDIT_INTERVAL_MS }, log, 'feishu');
    this.cardkit = new CardKit(api);
  }

  /** True when the live card is the progress card (so nothing is left to clean up). */
  get ownsProgress(): boolean {
    return this.usedProgress;
  }

  /** Replaces the live text with the final cards; false when nothing was shown live. */
  async finish(cards: FeishuCard[]): Promise<boolean> {
    const mode = await this.settle();
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

  protected async push(text: string): Promise<void> {
    if (this.mode === 'streaming') await this.cardkit.streamText(this.cardId!, STREAM_ELEMENT_ID, text, ++this.sequence);
    else await this.api.patchCard(this.liveMessageId!, progressCard(text));
  }

  protected async closeStream(): Promise<void> {
    if (this.cardId) await this.cardkit.setStreaming(this.cardId, false, ++this.sequence);
  }

  protected async begin(text: string): Promise<void> {
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

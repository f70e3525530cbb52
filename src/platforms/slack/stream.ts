import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary } from '../../log/errors.js';
import { LiveAnswer } from '../shared/live-answer.js';
import type { SlackMessage } from './render.js';

export interface SlackStreamTarget {
  channel: string;
  /** Slack streams only into threads; without one the answer is edited in place instead. */
  threadTs?: string;
  userId: string;
  teamId?: string;
  isDm: boolean;
}

/** Pace of the live updates: Slack rate-limits chat.appendStream and chat.update per message. */
export const SLACK_STREAM_INTERVAL_MS = 300;
export const SLACK_EDIT_INTERVAL_MS = 1_000;

/**
 * An answer shown while the model writes it. In a thread it uses Slack's streaming messages
 * (`chat.startStream` → `chat.appendStream` → `chat.stopStream`); where that is refused or there
 * is no thread it falls back to editing one message in place (`chat.update`). Either way `finish`
 * then replaces the live text with the final reply — citations checked, sources and buttons —
 * because what the model wrote is not yet what the bot vouches for.
 */
export class SlackAnswerStream extends LiveAnswer {
  private liveTs: string | undefined;
  private usedPlaceholder = false;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly target: SlackStreamTarget,
    /** The "Searching…" message, when one was posted: the edit fallback writes into it. */
    private readonly placeholder: () => string | undefined,
    log: Logger,
  ) {
    super({ streamingMs: SLACK_STREAM_INTERVAL_MS, editingMs: SLACK_EDIT_INTERVAL_MS }, log, 'slack');
  }

  /** True when the live message is the placeholder (so it must not be deleted afterwards). */
  get ownsPlaceholder(): boolean {
    return this.usedPlaceholder;
  }

  /**
   * Puts the final reply in place of the live text. Returns false when nothing was shown live,
   * so the caller delivers the reply as usual.
   */
  async finish(messages: SlackMessage[]): Promise<boolean> {
    const mode = await this.settle();
    const ts = this.liveTs;
    if ((mode !== 'streaming' && mode !== 'editing') || !ts) return false;
    const [first, ...rest] = messages;
    if (mode === 'streaming') {
      // The last words the model wrote close the stream (no extra append call).
      const tail = this.latest.startsWith(this.shown) ? this.latest.slice(this.shown.length) : '';
      await this.client.chat.stopStream({ channel: this.target.channel, ts, ...(tail ? { markdown_text: tail } : {}) }).catch((err) => {
        this.log.warn({ err: errorSummary(err) }, 'slack chat.stopStream failed');
      });
    }
    await this.client.chat.update({ channel: this.target.channel, ts, text: first!.text, blocks: first!.blocks });
    for (const m of rest) {
      await this.client.chat.postMessage({ channel: this.target.channel, text: m.text, blocks: m.blocks, ...(this.target.threadTs ? { thread_ts: this.target.threadTs } : {}) });
    }
    return true;
  }

  protected async push(text: string): Promise<void> {
    if (this.mode === 'streaming') {
      // Appends only add; a piece that rewrote earlier text (script conversion) waits for finish().
      const delta = text.startsWith(this.shown) ? text.slice(this.shown.length) : '';
      if (delta) await this.client.chat.appendStream({ channel: this.target.channel, ts: this.liveTs!, markdown_text: delta });
    } else {
      await this.client.chat.update({ channel: this.target.channel, ts: this.liveTs!, text });
    }
  }

  protected async closeStream(): Promise<void> {
    if (this.liveTs) await this.client.chat.stopStream({ channel: this.target.channel, ts: this.liveTs });
  }

  protected async begin(text: string): Promise<void> {
    const { channel, threadTs, userId, teamId, isDm } = this.target;
    if (threadTs) {
      try {
        const res = await this.client.chat.startStream({
          channel,
          thread_ts: threadTs,
          markdown_text: text,
          // Outside a DM Slack wants to know whose answer this is.
          ...(isDm ? {} : { recipient_user_id: userId, ...(teamId ? { recipient_team_id: teamId } : {}) }),
        });
        if (res.ts) {
          this.liveTs = String(res.ts);
          this.mode = 'streaming';
          return;
        }
      } catch (err) {
        this.log.info({ err: errorSummary(err) }, 'slack streaming unavailable here; editing the answer in place');
      }
    }
    const placeholder = this.placeholder();
    if (placeholder) {
      await this.client.chat.update({ channel, ts: placeholder, text });
      this.liveTs = placeholder;
      this.usedPlaceholder = true;
    } else {
      const res = await this.client.chat.postMessage({ channel, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
      this.liveTs = res.ts ? String(res.ts) : undefined;
    }
    this.mode = 'editing';
  }
}

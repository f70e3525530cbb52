/**
 * Where a Slack reply goes: in place of the "Searching…" placeholder, into the thread, to the
 * asker only (response_url or ephemeral), as an update of the pressed message, as a toast, or —
 * when delivery fails — as a short apology by whichever route still works.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ActionResult, Origin, Reply } from '../../core/types.js';
import { errorSummary } from '../../log/errors.js';
import { APOLOGY_TEXT, skippedFilesText, type SkipReason } from '../shared/texts.js';
import type { Where } from './inbound.js';
import { openFormModal, type PendingForms } from './modals.js';
import { plainMessage, renderReply, type SlackMessage } from './render.js';

export interface ResponderDeps {
  client: webApi.WebClient;
  /** The same Web API with no retries of its own and rate limits reported, for postOnce. */
  oneTryClient: webApi.WebClient;
  forms: PendingForms;
  log: Logger;
  apiTimeoutMs: number;
  uploadLimitBytes: number;
}

/** How long postOnce waits for a rate limit to pass before it gives up the post. */
const MAX_RATE_LIMIT_WAIT_MS = 5_000;

const TOAST_ICONS = { success: '✅', error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

export class SlackResponder {
  private readonly client: webApi.WebClient;

  constructor(private readonly deps: ResponderDeps) {
    this.client = deps.client;
  }

  /** Block Kit for a reply; a form in it waits behind an "open" button (no trigger_id here). */
  render(reply: Reply, origin: Origin, visibleToAll: boolean, responseUrl?: string): SlackMessage[] {
    const openForm = reply.form ? { key: this.deps.forms.remember(reply.form, origin, responseUrl), label: reply.form.title } : undefined;
    // An answer everyone can already see has nothing to share.
    return renderReply(reply, { omitActions: visibleToAll ? ['share'] : [], openFormButton: openForm });
  }

  /** Posts each message; returns the first one's ts. */
  async post(channel: string, messages: SlackMessage[], threadTs?: string): Promise<string> {
    let first = '';
    for (const m of messages) {
      const res = await this.client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
      if (!first) first = String(res.ts ?? '');
    }
    return first;
  }

  /**
   * Posts a message that must never appear twice. Slack has no idempotency key for
   * chat.postMessage and a timed-out call may still have been posted, so a timeout or an error is
   * not retried; a rate limit (Slack refused, nothing was posted) waits its Retry-After and tries
   * again. Returns the ts, or undefined when the message could not be posted.
   */
  async postOnce(channel: string, message: SlackMessage, threadTs?: string): Promise<string | undefined> {
    let waitedMs = 0;
    for (;;) {
      try {
        const res = await this.deps.oneTryClient.chat.postMessage({ channel, text: message.text, blocks: message.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
        return res.ts ? String(res.ts) : undefined;
      } catch (err) {
        const retryAfterMs = rateLimitWaitMs(err);
        if (retryAfterMs === undefined || waitedMs + retryAfterMs > MAX_RATE_LIMIT_WAIT_MS) {
          this.deps.log.warn({ err: errorSummary(err) }, 'slack one-try post not posted');
          return undefined;
        }
        waitedMs += retryAfterMs;
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
      }
    }
  }

  /** The placeholder gets the first message, the thread the rest. */
  async replacePlaceholder(channel: string, placeholderTs: string, messages: SlackMessage[], threadTs?: string): Promise<void> {
    const [first, ...rest] = messages;
    await this.client.chat.update({ channel, ts: placeholderTs, text: first!.text, blocks: first!.blocks });
    if (rest.length) await this.post(channel, rest, threadTs);
  }

  /** Messages only `user` sees, in the channel (and thread) where they asked. */
  async ephemeral(channel: string, user: string, messages: SlackMessage[], threadTs?: string): Promise<void> {
    for (const m of messages) {
      await this.client.chat.postEphemeral({ channel, user, text: m.text, blocks: m.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
    }
  }

  async removePlaceholder(channel: string, placeholderTs: string | undefined): Promise<void> {
    if (placeholderTs) await this.client.chat.delete({ channel, ts: placeholderTs }).catch(() => undefined);
  }

  async viaResponseUrl(responseUrl: string, body: Record<string, unknown>): Promise<void> {
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.deps.apiTimeoutMs),
    });
    if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
  }

  async respond(responseUrl: string, messages: SlackMessage[], responseType: 'ephemeral' | 'in_channel', replaceOriginal = false): Promise<void> {
    const { error } = await this.respondUntilFailure(responseUrl, messages, responseType, replaceOriginal);
    if (error) throw error;
  }

  /** Posts through the response_url in order; says how many went through before one failed. */
  private async respondUntilFailure(
    responseUrl: string,
    messages: SlackMessage[],
    responseType: 'ephemeral' | 'in_channel',
    replaceOriginal = false,
  ): Promise<{ sent: number; error?: unknown }> {
    for (const [i, m] of messages.entries()) {
      try {
        await this.viaResponseUrl(responseUrl, { response_type: responseType, replace_original: replaceOriginal && i === 0, text: m.text, blocks: m.blocks });
      } catch (error) {
        return { sent: i, error };
      }
    }
    return { sent: messages.length };
  }

  /**
   * The reply without a response_url: in the channel when everyone may see it, else to the asker
   * only (ephemeral, or by DM where the bot cannot post in that channel).
   */
  private async direct(messages: SlackMessage[], origin: Origin, inChannel: boolean): Promise<void> {
    if (inChannel) {
      await this.post(origin.channelId, messages);
      return;
    }
    try {
      await this.ephemeral(origin.channelId, origin.userId, messages);
    } catch (err) {
      this.deps.log.warn({ err: errorSummary(err) }, 'slack ephemeral reply failed, sending a DM');
      await this.post(await this.directMessageChannel(origin.userId), messages);
    }
  }

  /** The bot's DM channel with `userId` (opened if need be). */
  async directMessageChannel(userId: string): Promise<string> {
    const opened = await this.client.conversations.open({ users: userId });
    return opened.channel?.id ?? userId;
  }

  /**
   * A command's or shortcut's reply: a form opens as a modal when the trigger_id still works;
   * anything else goes to the asker only, unless the reply asks to be seen in the channel.
   */
  async interactive(reply: Reply, origin: Origin, via: { triggerId?: string; responseUrl?: string }): Promise<void> {
    let formPending = reply.form;
    if (reply.form && via.triggerId) {
      try {
        await openFormModal(this.client, via.triggerId, reply.form, origin, via.responseUrl);
        formPending = undefined;
      } catch (err) {
        // trigger_ids expire after 3 s; fall back to a button that opens the form later.
        this.deps.log.warn({ err: errorSummary(err), form: reply.form.id }, 'slack views.open failed');
      }
    }
    const hasContent = reply.blocks.length > 0 || (reply.actions?.length ?? 0) > 0;
    if (!hasContent && !formPending) return;
    // A private reply (credit records) never goes to the channel, whatever else it asks for.
    const inChannel = reply.visibility === 'in_channel' && !reply.private;
    const messages = this.render({ ...reply, form: formPending }, origin, inChannel, via.responseUrl);
    if (!via.responseUrl) {
      await this.direct(messages, origin, inChannel);
      return;
    }
    const { sent, error } = await this.respondUntilFailure(via.responseUrl, messages, inChannel ? 'in_channel' : 'ephemeral');
    if (!error) return;
    // An expired, failing or slow response_url: the reply itself goes another way (a slow one may
    // still arrive late, so the asker can see it twice, which beats an apology for an answer they never see).
    this.deps.log.warn({ err: errorSummary(error), sent, of: messages.length }, 'slack response_url failed, posting the reply directly');
    await this.direct(messages.slice(sent), origin, inChannel);
  }

  /** What a button or reason modal produced: a channel post, a replaced message, a toast. */
  async actionResult(result: ActionResult, where: Where, origin: Origin): Promise<void> {
    if (result.postInChannel) {
      const messages = this.render(result.postInChannel, origin, true);
      try {
        await this.post(where.channelId, messages, where.threadTs);
      } catch (err) {
        // The bot may not be a member of the channel a slash command ran in; the response_url still works there.
        if (!where.responseUrl) throw err;
        this.deps.log.warn({ err: errorSummary(err) }, 'slack share via chat.postMessage failed, using response_url');
        await this.respond(where.responseUrl, messages, 'in_channel');
      }
    }
    if (result.replaceOriginal) {
      const messages = this.render(result.replaceOriginal, origin, !where.isEphemeral, where.responseUrl);
      if (where.isEphemeral || !where.messageTs) {
        if (where.responseUrl) await this.respond(where.responseUrl, messages.slice(0, 1), 'ephemeral', true);
      } else {
        await this.client.chat.update({ channel: where.channelId, ts: where.messageTs, text: messages[0]!.text, blocks: messages[0]!.blocks });
      }
    }
    await this.toast(where, result);
  }

  /** Slack has no toasts: a short ephemeral line to the one who pressed. */
  async toast(where: Where, result: Pick<ActionResult, 'toast' | 'toastKind'>): Promise<void> {
    if (!result.toast) return;
    const msg = plainMessage(`${TOAST_ICONS[result.toastKind ?? 'info']} ${result.toast}`);
    if (where.isEphemeral && where.responseUrl) {
      await this.viaResponseUrl(where.responseUrl, { response_type: 'ephemeral', replace_original: false, text: msg.text });
      return;
    }
    await this.client.chat.postEphemeral({
      channel: where.channelId,
      user: where.userId,
      text: msg.text,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    });
  }

  /** A submitted form's reply: in the channel, else to the asker via response_url, else by DM. */
  async formReply(reply: Reply, origin: Origin, responseUrl: string | undefined, dm: (userId: string, reply: Reply) => Promise<void>): Promise<void> {
    if (reply.visibility === 'in_channel' && !reply.private && origin.channelId) {
      await this.post(origin.channelId, this.render(reply, origin, true));
      return;
    }
    if (responseUrl) {
      try {
        await this.respond(responseUrl, this.render(reply, origin, false, responseUrl), 'ephemeral');
        return;
      } catch (err) {
        this.deps.log.warn({ err: errorSummary(err) }, 'slack response_url expired, sending a DM');
      }
    }
    await dm(origin.userId, reply);
  }

  async skippedFiles(channel: string, user: string, skipped: { name: string; reason: SkipReason }[], threadTs?: string): Promise<void> {
    const msg = plainMessage(skippedFilesText(skipped, this.deps.uploadLimitBytes));
    await this.client.chat
      .postEphemeral({ channel, user, text: msg.text, blocks: msg.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) })
      .catch((err: unknown) => this.deps.log.warn({ err: errorSummary(err) }, 'slack skipped-files note failed'));
  }

  /** Tries the placeholder, then the response_url, then an ephemeral line; stops at the first that works. */
  async apologise(where: { channelId: string; userId: string; threadTs?: string; placeholderTs?: string; responseUrl?: string }): Promise<void> {
    const msg = plainMessage(APOLOGY_TEXT);
    const attempts: (() => Promise<unknown>)[] = [];
    if (where.placeholderTs) {
      const ts = where.placeholderTs;
      attempts.push(() => this.client.chat.update({ channel: where.channelId, ts, text: msg.text, blocks: msg.blocks }));
    }
    if (where.responseUrl) {
      const url = where.responseUrl;
      attempts.push(() => this.viaResponseUrl(url, { response_type: 'ephemeral', replace_original: false, text: msg.text }));
    }
    attempts.push(() =>
      this.client.chat.postEphemeral({ channel: where.channelId, user: where.userId, text: msg.text, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) }),
    );
    for (const attempt of attempts) {
      try {
        await attempt();
        return;
      } catch (err) {
        this.deps.log.warn({ err: errorSummary(err) }, 'slack apology failed');
      }
    }
  }
}

/** The wait a rate-limited Web API call asks for, or undefined for any other error. */
function rateLimitWaitMs(err: unknown): number | undefined {
  const e = err as { code?: unknown; retryAfter?: unknown };
  return e?.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined;
}

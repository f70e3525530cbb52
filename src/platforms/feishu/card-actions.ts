/**
 * `card.action.trigger`: button presses and form submits on cards. The return value is the
 * callback response (a toast and/or a replacement card) and must come within 3 s; posts that
 * may take longer run afterwards, followed by the in-flight tracker.
 */
import type { Logger } from 'pino';
import type { BotCore } from '../../core/core.js';
import type { ActionResult, Origin } from '../../core/types.js';
import type { InFlight } from '../shared/in-flight.js';
import { errorSummary } from '../../log/errors.js';
import { REASON_REQUIRED_TEXT } from '../shared/texts.js';
import type { FeishuApi } from './api.js';
import { renderReply, type FeishuCard } from './render.js';

const INVALID_ACTION_TEXT = '无法识别的操作。Unknown action.';
const FORM_SAVED_TEXT = '已提交。Submitted.';

interface CardActionEvent {
  event_id?: string;
  operator?: { open_id?: string };
  context?: { open_chat_id?: string; open_message_id?: string };
  open_chat_id?: string;
  open_message_id?: string;
  action?: { value?: unknown; form_value?: Record<string, unknown>; input_value?: string };
}

export type CardCallbackResponse = {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: { type: 'raw'; data: FeishuCard };
};

export interface CardActionDeps {
  core: BotCore;
  api: FeishuApi;
  log: Logger;
  inFlight: InFlight;
}

export function createCardActionHandler(deps: CardActionDeps): (data: unknown) => Promise<CardCallbackResponse> {
  const { core, api, log, inFlight } = deps;

  function toResponse(result: ActionResult | null, ctx: { messageId?: string; chatId?: string }): CardCallbackResponse {
    if (!result) return {};
    const out: CardCallbackResponse = {};
    if (result.toast) out.toast = { type: result.toastKind ?? 'info', content: result.toast };
    if (result.replaceOriginal) {
      const cards = renderReply(result.replaceOriginal);
      out.card = { type: 'raw', data: cards[0]! };
      if (ctx.messageId) for (const extra of cards.slice(1)) inFlight.track(api.replyCard(ctx.messageId, extra, false), 'feishu: posting a card');
    }
    if (result.postInChannel) {
      const cards = renderReply(result.postInChannel);
      // Posting can take longer than the 3 s callback window, so it runs after the answer.
      inFlight.track(
        (async () => {
          for (const card of cards) {
            if (ctx.messageId) await api.replyCard(ctx.messageId, card, false);
            else if (ctx.chatId) await api.sendCard('chat_id', ctx.chatId, card);
          }
        })(),
        'feishu: posting a card',
      );
    }
    return out;
  }

  return async function onCardAction(data: unknown): Promise<CardCallbackResponse> {
    const ev: CardActionEvent = data && typeof data === 'object' ? data : {};
    const userId = ev.operator?.open_id;
    const chatId = ev.context?.open_chat_id ?? ev.open_chat_id ?? '';
    const messageId = ev.context?.open_message_id ?? ev.open_message_id;
    const value = parseValue(ev.action?.value);
    if (!userId || !value) return { toast: { type: 'error', content: INVALID_ACTION_TEXT } };
    const origin: Origin = { platform: 'feishu', userId, channelId: chatId, conversationId: chatId };
    const formValue = ev.action?.form_value && typeof ev.action.form_value === 'object' ? ev.action.form_value : {};

    if (typeof value.form === 'string') {
      const labels = (value.labels && typeof value.labels === 'object' ? value.labels : {}) as Record<string, string>;
      const values = Object.fromEntries(Object.entries(formValue).map(([k, x]) => [k, formString(x)]));
      const result = await core.handleForm({ ...origin, formId: value.form, values });
      log.info({ form: value.form, ok: result.ok }, 'feishu form submitted');
      if (!result.ok) {
        // Keep the card (and what was typed): only a toast that names the fields to fix.
        const content = result.errors.map((e) => (e.field === '_form' ? e.message : `${labels[e.field] ?? e.field}：${e.message}`)).join('；');
        return { toast: { type: 'error', content: content.slice(0, 300) } };
      }
      const response = toResponse({ replaceOriginal: result.reply, toast: FORM_SAVED_TEXT, toastKind: 'success' }, { messageId, chatId });
      // The reply travels in this callback's answer: handed over once it is returned.
      await result.reply.onDelivered?.().catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'feishu: settling a queued confirmation failed'));
      return response;
    }

    if (typeof value.action === 'string') {
      const reason = formString(formValue.reason ?? ev.action?.input_value).trim();
      if (value.needsReason && !reason) return { toast: { type: 'error', content: REASON_REQUIRED_TEXT } };
      const result = await core.handleAction({
        ...origin,
        actionId: value.action,
        value: typeof value.value === 'string' ? value.value : '',
        reason: reason || undefined,
        eventIds: ev.event_id ? [`feishu:${ev.event_id}`] : undefined,
      });
      log.info({ action: value.action, repeat: result === null }, 'feishu card action');
      return toResponse(result, { messageId, chatId });
    }
    return { toast: { type: 'error', content: INVALID_ACTION_TEXT } };
  };
}

/** A button's value arrives as an object or (from some clients) as its JSON string. */
function parseValue(raw: unknown): Partial<Record<string, unknown>> | null {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return value && typeof value === 'object' ? (value as Partial<Record<string, unknown>>) : null;
}

function formString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(formString).join(',');
  return '';
}

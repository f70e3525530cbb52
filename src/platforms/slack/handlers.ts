/**
 * What the bot does with each kind of Slack interaction: messages (mentions and DMs), slash
 * commands, buttons, modal submissions and the pre-check message shortcut. Each handler reads
 * the payload (inbound.ts), asks the core, and hands the reply to the responder (respond.ts);
 * a failure after the ack becomes an apology, never silence.
 */
import type {
  BlockAction,
  EventFromType,
  MessageShortcut,
  SlackViewMiddlewareArgs,
  SlashCommand,
  ViewSubmitAction,
  webApi,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { BotCore } from '../../core/core.js';
import type { Reply } from '../../core/types.js';
import { errorSummary } from '../../log/errors.js';
import { withProgress, type ProgressNote, type ProgressPolicy } from '../shared/progress.js';
import type { AnswerLane } from '../shared/answer-lane.js';
import { BUSY_TEXT, FORM_EXPIRED_TEXT, PROGRESS_TEXT, REASON_REQUIRED_TEXT } from '../shared/texts.js';
import type { FileDownloadResult, SlackFileRef } from './files.js';
import {
  coreAction,
  coreCommand,
  coreMessage,
  commandOrigin,
  directMessage,
  mentionMessage,
  messageOrigin,
  pressedAction,
  replyThreadOf,
  shortcutFiles,
  shortcutOrigin,
  stripMention,
  whereOf,
  whereOrigin,
  type UserMessage,
} from './inbound.js';
import { decodeFormMeta, decodeReasonMeta, openFormModal, openReasonModal, submittedReason, submittedValues, type PendingForms } from './modals.js';
import { decodeActionId, formErrorsToBlocks, FORM_CALLBACK, OPEN_FORM_ACTION, plainMessage, REASON_BLOCK, REASON_CALLBACK } from './render.js';
import type { SlackResponder } from './respond.js';
import { SlackAnswerStream } from './stream.js';

/** The assistant-surface status while an answer is prepared (Slack clears it when the bot replies). */
export const THINKING_STATUS = '正在查找… is thinking…';

export interface SlackHandlerDeps {
  core: BotCore;
  responder: SlackResponder;
  forms: PendingForms;
  client: webApi.WebClient;
  log: Logger;
  progress: ProgressPolicy;
  /** How long a view submission may take before the modal is closed and the result posted later. */
  formAckBudgetMs: number;
  /** Where answers wait their turn after the ack; a full lane answers "busy" instead. */
  lane: AnswerLane;
  botUserId(): string | undefined;
  download(refs: SlackFileRef[] | undefined): Promise<FileDownloadResult>;
  notifyUser(userId: string, reply: Reply): Promise<void>;
}

export type ViewArgs = SlackViewMiddlewareArgs;

export function isSubmission(args: ViewArgs): args is SlackViewMiddlewareArgs<ViewSubmitAction> {
  return args.body.type === 'view_submission';
}

export function createSlackHandlers(deps: SlackHandlerDeps) {
  const { core, responder, log } = deps;

  async function answerMessage(m: UserMessage): Promise<void> {
    const text = stripMention(m.text, deps.botUserId());
    const replyThread = replyThreadOf(m);
    log.debug({ channel: m.channel, conversationId: messageOrigin(m).conversationId, chars: text.length, files: m.files?.length ?? 0 }, 'slack message');
    const note: ProgressNote = {};
    // A redelivery is almost always a duplicate: ask the core first so it never flashes "Searching…".
    const showProgress = m.isRetry
      ? undefined
      : async () => {
          return responder.postOnce(m.channel, plainMessage(PROGRESS_TEXT), replyThread);
        };
    // Slack's assistant surface (a DM thread) shows "is thinking…" until the bot replies there.
    if (m.isDm && m.threadTs && !m.isRetry) {
      void deps.client.assistant.threads
        .setStatus({ channel_id: m.channel, thread_ts: m.threadTs, status: THINKING_STATUS })
        .catch((err) => log.debug({ err: errorSummary(err) }, 'slack assistant status not set'));
    }
    // LLM answers appear while they are written (the stream stays idle for extractive ones).
    const live = new SlackAnswerStream(deps.client, { channel: m.channel, threadTs: replyThread, userId: m.user, teamId: m.teamId, isDm: m.isDm }, () => note.id, log);
    try {
      const reply = await withProgress(deps.progress, note, showProgress, async () => {
        const { files, skipped } = await deps.download(m.files);
        if (skipped.length) await responder.skippedFiles(m.channel, m.user, skipped, replyThread);
        if (m.files?.length && !files.length && !text.trim()) return 'nothing';
        return core.handleMessage({ ...coreMessage(m, text, files), stream: live });
      });
      if (reply === 'nothing' || !reply) {
        if (!reply) log.info({ channel: m.channel, retry: m.isRetry }, 'slack duplicate event ignored');
        await responder.removePlaceholder(m.channel, note.id);
        return;
      }
      if (live.started && !reply.private) {
        const shown = await live.finish(responder.render(reply, messageOrigin(m), true));
        if (!live.ownsPlaceholder) await responder.removePlaceholder(m.channel, note.id);
        if (shown) return await delivered(reply);
      }
      await live.abandon();
      if (reply.private && !m.isDm) {
        // Only the asker sees it: an ephemeral message in the same thread, and no placeholder left behind.
        await responder.removePlaceholder(m.channel, note.id);
        await responder.ephemeral(m.channel, m.user, responder.render(reply, messageOrigin(m), false), replyThread);
        return await delivered(reply);
      }
      const messages = responder.render(reply, messageOrigin(m), true);
      if (note.id) await responder.replacePlaceholder(m.channel, note.id, messages, replyThread);
      else await responder.post(m.channel, messages, replyThread);
      await delivered(reply);
    } catch (err) {
      log.error({ err: errorSummary(err), channel: m.channel }, 'slack answer failed');
      await live.abandon();
      await responder.apologise({ channelId: m.channel, userId: m.user, threadTs: replyThread, placeholderTs: note.id });
    }
  }

  /** The queue is full: only the asker is told, and the event is not claimed, so a retry still counts. */
  async function busyMessage(m: UserMessage): Promise<void> {
    const msg = plainMessage(BUSY_TEXT);
    const replyThread = replyThreadOf(m);
    await deps.client.chat
      .postEphemeral({ channel: m.channel, user: m.user, text: msg.text, blocks: msg.blocks, ...(replyThread ? { thread_ts: replyThread } : {}) })
      .catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'slack busy note failed'));
  }

  async function busyCommand(command: { channel_id: string; user_id: string; response_url?: string }): Promise<void> {
    const msg = plainMessage(BUSY_TEXT);
    try {
      if (command.response_url) await responder.respond(command.response_url, [msg], 'ephemeral');
      else await deps.client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text: msg.text, blocks: msg.blocks });
    } catch (err) {
      log.warn({ err: errorSummary(err) }, 'slack busy note failed');
    }
  }

  async function onMention(event: EventFromType<'app_mention'>, eventId: unknown, retryNum: number | undefined): Promise<void> {
    const m = mentionMessage(event, eventId, retryNum);
    if (m) await deps.lane.run(() => answerMessage(m), () => busyMessage(m));
  }

  async function onDirectMessage(event: EventFromType<'message'>, eventId: unknown, retryNum: number | undefined): Promise<void> {
    const m = directMessage(event, eventId, retryNum, deps.botUserId());
    if (m) await deps.lane.run(() => answerMessage(m), () => busyMessage(m));
  }

  /** One handler for every command the core knows, in the lane. */
  function onCommand(command: SlashCommand): Promise<void> {
    return deps.lane.run(() => runCommand(command), () => busyCommand(command));
  }

  async function runCommand(command: SlashCommand): Promise<void> {
    const incoming = coreCommand(command);
    log.debug({ command: incoming.name, channel: command.channel_id, chars: incoming.args.length }, 'slack command');
    const responseUrl = command.response_url || undefined;
    try {
      const reply = await core.handleCommand(incoming);
      if (reply) {
        await responder.interactive(reply, commandOrigin(command), { triggerId: command.trigger_id, responseUrl });
        await delivered(reply);
      }
    } catch (err) {
      log.error({ err: errorSummary(err), command: incoming.name }, 'slack command reply failed');
      await responder.apologise({ channelId: command.channel_id, userId: command.user_id, responseUrl });
    }
  }

  async function onButton(body: BlockAction, action: object): Promise<void> {
    const pressed = pressedAction(action);
    const where = whereOf(body);
    if (!pressed || !where) return;
    try {
      if (pressed.actionId === OPEN_FORM_ACTION) {
        const pending = deps.forms.find(pressed.value);
        if (!pending) return await responder.toast(where, { toast: FORM_EXPIRED_TEXT, toastKind: 'warning' });
        await openFormModal(deps.client, body.trigger_id, pending.form, { ...pending.origin, userId: where.userId }, pending.responseUrl ?? where.responseUrl);
        return;
      }
      const decoded = decodeActionId(pressed.actionId);
      if (!decoded) return;
      if (decoded.requiresReason) {
        await openReasonModal(deps.client, body.trigger_id, { actionId: decoded.id, value: pressed.value, where });
        return;
      }
      const eventKey = `slack:action:${pressed.actionTs ?? body.trigger_id}:${where.userId}`;
      const result = await core.handleAction(coreAction(where, decoded.id, pressed.value, eventKey));
      if (result) await responder.actionResult(result, where, whereOrigin(where));
    } catch (err) {
      log.error({ err: errorSummary(err), action: pressed.actionId.split(':')[0] }, 'slack action failed');
      await responder.apologise({ channelId: where.channelId, userId: where.userId, threadTs: where.threadTs, responseUrl: where.responseUrl });
    }
  }

  async function onFormSubmission({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> {
    const meta = decodeFormMeta(view.private_metadata);
    const userId = body.user?.id;
    if (!meta || !userId) return ack();
    const origin = { platform: 'slack' as const, userId, channelId: meta.channelId, conversationId: meta.conversationId };
    const { values, blockIds } = submittedValues(view);
    const pending = core.handleForm({ ...origin, formId: meta.formId, values });
    const early = await Promise.race([pending, sleep(deps.formAckBudgetMs).then(() => null)]);
    if (early && !early.ok) return ack({ response_action: 'errors', errors: formErrorsToBlocks(early.errors, blockIds) });
    await ack();
    try {
      const result = early ?? (await pending);
      if (!result.ok) {
        // Too slow to show inline: the errors go to the user as a message instead.
        const text = result.errors.map((e) => `• ${e.field}: ${e.message}`).join('\n');
        return await responder.formReply({ blocks: [{ type: 'text', text }], fallbackText: text }, origin, meta.responseUrl, deps.notifyUser);
      }
      await responder.formReply(result.reply, origin, meta.responseUrl, deps.notifyUser);
      await delivered(result.reply);
    } catch (err) {
      log.error({ err: errorSummary(err), form: meta.formId }, 'slack form reply failed');
      await responder.apologise({ channelId: origin.channelId, userId, responseUrl: meta.responseUrl });
    }
  }

  async function onReasonSubmission({ ack, body, view }: SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> {
    const userId = body.user?.id;
    const meta = userId ? decodeReasonMeta(view.private_metadata, userId) : null;
    if (!meta) return ack();
    const reason = submittedReason(view);
    if (!reason) return ack({ response_action: 'errors', errors: { [REASON_BLOCK]: REASON_REQUIRED_TEXT } });
    await ack();
    const { where } = meta;
    try {
      const result = await core.handleAction(coreAction(where, meta.actionId, meta.value, `slack:view:${view.id}`, reason));
      if (result) await responder.actionResult(result, where, whereOrigin(where));
    } catch (err) {
      log.error({ err: errorSummary(err), action: meta.actionId }, 'slack reason action failed');
      await responder.apologise({ channelId: where.channelId, userId: where.userId, threadTs: where.threadTs, responseUrl: where.responseUrl });
    }
  }

  /** One listener for all views: Bolt runs every matching listener, and a view may be acked only once. */
  async function onView(args: ViewArgs): Promise<void> {
    if (!isSubmission(args)) return args.ack();
    if (args.view.callback_id === FORM_CALLBACK) return onFormSubmission(args);
    if (args.view.callback_id === REASON_CALLBACK) return onReasonSubmission(args);
    await args.ack();
  }

  /** "Pre-check this contract" on a message: a /precheck of its text and files, in the lane. */
  function onPrecheckShortcut(s: MessageShortcut): Promise<void> {
    return deps.lane.run(() => precheckShortcut(s), () => busyCommand({ channel_id: s.channel.id, user_id: s.user.id, response_url: s.response_url }));
  }

  async function precheckShortcut(s: MessageShortcut): Promise<void> {
    const origin = shortcutOrigin(s);
    try {
      const { files, skipped } = await deps.download(shortcutFiles(s));
      if (skipped.length) await responder.skippedFiles(s.channel.id, s.user.id, skipped);
      const reply = await core.handleCommand({
        ...origin,
        name: 'precheck',
        args: stripMention(String(s.message.text ?? ''), deps.botUserId()),
        files: files.length ? files : undefined,
        eventIds: [`slack:trigger:${s.trigger_id}`],
      });
      if (reply) await responder.interactive(reply, origin, { triggerId: s.trigger_id, responseUrl: s.response_url });
    } catch (err) {
      log.error({ err: errorSummary(err) }, 'slack precheck shortcut failed');
      await responder.apologise({ channelId: s.channel.id, userId: s.user.id, responseUrl: s.response_url });
    }
  }

  /** Tells the reply's owner it went out; a failure there is logged, never shown as a failed reply. */
  async function delivered(reply: Reply): Promise<void> {
    await reply.onDelivered?.().catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'slack reply delivered, but settling its queued copy failed'));
  }

  return { onMention, onDirectMessage, onCommand, onButton, onView, onPrecheckShortcut };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

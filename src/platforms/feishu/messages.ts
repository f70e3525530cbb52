/**
 * `im.message.receive_v1`: acknowledge at once (Feishu redelivers after 3 s), then read the
 * text or download the file, ask the core, and reply in the thread — with a progress card when
 * the answer is slow, and a short apology when the reply cannot be sent.
 */
import type { Logger } from 'pino';
import type { BotCore } from '../../core/core.js';
import type { IncomingFile, Origin } from '../../core/types.js';
import { errorSummary } from '../../log/errors.js';
import type { AnswerLane } from '../shared/answer-lane.js';
import type { InFlight } from '../shared/in-flight.js';
import { withProgress, type ProgressNote, type ProgressPolicy } from '../shared/progress.js';
import { APOLOGY_TEXT, BUSY_TEXT, skippedFilesText } from '../shared/texts.js';
import { FileTooLargeError, type FeishuApi } from './api.js';
import { mentionsBot, messageText, parseMessageEvent, type ParsedMessage } from './inbound.js';
import { progressCard, renderReply, type FeishuCard } from './render.js';
import { FeishuAnswerStream } from './stream.js';

const privatelySentReply = () => {
  const text = '已通过私信发给你。Sent to you in a direct message.';
  return { blocks: [{ type: 'text' as const, text }], fallbackText: text };
};

export const UNSUPPORTED_MESSAGE_TEXT =
  '抱歉，我目前只能读文字消息和合同文件（docx/pdf/txt）。请直接用文字提问，或发送 /help 查看命令。' +
  '\nSorry, I can only read text messages and contract files — please type your question or send /help.';

/** Claims ids once (the core's EventDeduper fits); used for replies that never reach the core. */
export interface IdClaimer {
  claim(ids: readonly string[] | undefined): boolean | Promise<boolean>;
}

/** Who the bot is, looked up lazily: group messages count only when they @ the bot. */
export interface BotIdentity {
  known(): string | undefined;
  resolve(): Promise<string | undefined>;
}

export interface MessageHandlerDeps {
  core: BotCore;
  api: FeishuApi;
  log: Logger;
  claimer: IdClaimer;
  inFlight: InFlight;
  bot: BotIdentity;
  progress: ProgressPolicy;
  uploadLimitBytes: number;
  /** Where answers wait their turn after the ack; a full lane answers "busy" instead. */
  lane: AnswerLane;
}

export function createMessageHandler(deps: MessageHandlerDeps): (data: unknown) => Promise<Record<string, never>> {
  const { core, api, log } = deps;

  /** Sends the cards as replies; the first one replaces the progress card when there is one. */
  async function deliver(messageId: string, inThread: boolean, cards: FeishuCard[], progressId?: string): Promise<void> {
    let rest = cards;
    if (progressId && cards.length) {
      try {
        await api.patchCard(progressId, cards[0]!);
        rest = cards.slice(1);
      } catch (err) {
        log.warn({ err: errorSummary(err) }, 'feishu: patching the progress card failed; replying instead');
      }
    }
    for (const card of rest) await api.replyCard(messageId, card, inThread);
  }

  async function apologise(messageId: string, inThread: boolean): Promise<void> {
    try {
      await api.replyText(messageId, APOLOGY_TEXT, inThread);
    } catch (err) {
      log.error({ err: errorSummary(err), messageId }, 'feishu: could not even send the apology');
    }
  }

  /** A reply that does not come from the core still must not repeat on redelivery. */
  async function politeReply(msg: ParsedMessage, text: string, tag: string): Promise<void> {
    if (!(await deps.claimer.claim([`feishu:${tag}:${msg.messageId}`]))) return;
    try {
      await api.replyText(msg.messageId, text, msg.isGroup);
    } catch (err) {
      log.warn({ err: errorSummary(err) }, 'feishu: polite reply failed');
    }
  }

  async function readFiles(msg: ParsedMessage): Promise<IncomingFile[] | null> {
    const fileKey = typeof msg.content.file_key === 'string' ? msg.content.file_key : '';
    const name = typeof msg.content.file_name === 'string' ? msg.content.file_name : 'file';
    if (!fileKey) return null;
    try {
      const { data, mimeType } = await api.downloadFile(msg.messageId, fileKey, deps.uploadLimitBytes);
      return [{ name, mimeType, size: data.byteLength, data }];
    } catch (err) {
      if (err instanceof FileTooLargeError) {
        await politeReply(msg, skippedFilesText([{ name, reason: 'too_large' }], deps.uploadLimitBytes), 'toolarge');
      } else {
        log.warn({ err: errorSummary(err) }, 'feishu: file download failed');
        await politeReply(msg, skippedFilesText([{ name, reason: 'failed' }], deps.uploadLimitBytes), 'download');
      }
      return null;
    }
  }

  async function answer(msg: ParsedMessage): Promise<void> {
    const bot = msg.isGroup ? await deps.bot.resolve() : deps.bot.known();
    let text = '';
    let files: IncomingFile[] | undefined;
    if (msg.messageType === 'file') {
      const got = await readFiles(msg);
      if (!got) return;
      files = got;
    } else {
      const read = messageText(msg, bot);
      if (read === null) return politeReply(msg, UNSUPPORTED_MESSAGE_TEXT, 'unsupported');
      text = read;
    }
    const origin: Origin = { platform: 'feishu', userId: msg.userId, channelId: msg.chatId, conversationId: msg.conversationId };
    log.info({ messageId: msg.messageId, type: msg.messageType, group: msg.isGroup, chars: text.length, files: files?.length ?? 0 }, 'feishu message');

    const eventIds = [msg.eventId ? `feishu:${msg.eventId}` : '', `feishu:${msg.messageId}`].filter(Boolean);
    const note: ProgressNote = {};
    // A quick answer (or a repeat event, which resolves at once) is sent in one go; a slow one
    // gets a progress card first so the user sees the bot working.
    // LLM answers appear while they are written (the stream stays idle for extractive ones).
    const live = new FeishuAnswerStream(api, { messageId: msg.messageId, inThread: msg.isGroup }, () => note.id, log);
    const showProgress = async () => {
      if (live.writing) return undefined;
      try {
        return (await api.replyCard(msg.messageId, progressCard(), msg.isGroup)).messageId || undefined;
      } catch (err) {
        log.warn({ err: errorSummary(err) }, 'feishu: progress card failed');
        return undefined;
      }
    };
    const reply = await withProgress(deps.progress, note, showProgress, () => core.handleMessage({ ...origin, text, files, eventIds, stream: live }));
    if (!reply) {
      log.info({ messageId: msg.messageId }, 'feishu: repeat event ignored');
      return;
    }
    try {
      const delivered = () => reply.onDelivered?.().catch((err: unknown) => log.warn({ err: errorSummary(err) }, 'feishu: settling a queued confirmation failed'));
      if (live.started && !reply.private && (await live.finish(renderReply(reply)))) return await delivered();
      await live.abandon();
      if (reply.private && msg.isGroup) {
        // Feishu has no per-user message in a group: the reply goes to the asker's direct chat,
        // and the thread only says where it went.
        for (const card of renderReply(reply)) await api.sendCard('open_id', msg.userId, card);
        await delivered();
        await deliver(msg.messageId, msg.isGroup, renderReply(privatelySentReply()), note.id);
        return;
      }
      await deliver(msg.messageId, msg.isGroup, renderReply(reply), note.id);
      await delivered();
    } catch (err) {
      log.error({ err: errorSummary(err), messageId: msg.messageId }, 'feishu: reply failed');
      await live.abandon();
      await apologise(msg.messageId, msg.isGroup);
    }
  }

  return async function onMessage(data: unknown): Promise<Record<string, never>> {
    const msg = parseMessageEvent(data);
    if (!msg) {
      log.debug('feishu: message event ignored (malformed or not from a person)');
      return {};
    }
    if (msg.isGroup && !mentionsBot(msg.mentions, await deps.bot.resolve())) {
      log.debug({ messageId: msg.messageId }, 'feishu: group message without a mention ignored');
      return {};
    }
    // Not claimed when busy: Feishu's redelivery (or the user's retry) is still answered later.
    const busy = () => api.replyText(msg.messageId, BUSY_TEXT, msg.isGroup).then(() => undefined);
    deps.inFlight.track(deps.lane.run(() => answer(msg), busy), 'feishu: answering a message');
    return {};
  };
}

import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { App, AuthorizationError, HTTPReceiver, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { errorSummary, type BotCore } from '../../core/core.js';
import type {
  ActionResult,
  ChatPort,
  FormSpec,
  IncomingFile,
  Origin,
  PostTarget,
  Reply,
} from '../../core/types.js';
import type { AppConfig } from '../../config/config.js';
import { HttpServer, readBodyWithin } from '../../server/http.js';
import { downloadSlackFiles, MAX_FILE_BYTES, type FileDownloadResult, type SlackFileRef } from './files.js';
import { boltLogger } from './logger.js';
import {
  decodeActionId,
  formErrorsToBlocks,
  FORM_CALLBACK,
  OPEN_FORM_ACTION,
  plainMessage,
  readViewValues,
  REASON_BLOCK,
  REASON_CALLBACK,
  renderFormModal,
  renderReasonModal,
  renderReply,
  SLACK_LIMITS,
  type SlackMessage,
} from './render.js';

export const SLACK_EVENTS_PATH = '/slack/events';
export const PRECHECK_SHORTCUT = 'precheck_message';

export const SEARCHING_TEXT = '🔎 正在查找… / Searching…';
export const APOLOGY_TEXT = '抱歉，回答没能发出，请稍后再试。Sorry — I could not deliver the answer, please try again.';
const FORM_EXPIRED_TEXT = '这个表单已过期，请重新运行命令。This form has expired — please run the command again.';

export type SlackConfig = Pick<AppConfig, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'PORT'>;

export interface SlackAdapterOptions {
  config: SlackConfig;
  core: BotCore;
  /** Shared HTTP server (HTTP mode). Without one the adapter listens on config.PORT itself. */
  server?: HttpServer;
  log: Logger;
  now?: () => number;
  /** Web API retry policy (p-retry options). 429s always wait for Retry-After before a retry. */
  retry?: { retries: number; minTimeoutMs: number; maxTimeoutMs: number };
  /** Per-call Web API timeout. */
  apiTimeoutMs?: number;
  maxFileBytes?: number;
  /** How long a view submission may take before the modal is closed and the result posted later. */
  formAckBudgetMs?: number;
}

export interface SlackAdapter {
  readonly mode: 'socket' | 'http';
  readonly port: ChatPort;
  /** Bolt's app, for tests and diagnostics. */
  readonly app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What an interaction needs to answer in the right place. */
interface Where {
  channelId: string;
  userId: string;
  threadTs?: string;
  messageTs?: string;
  isEphemeral: boolean;
  responseUrl?: string;
}

interface PendingForm {
  form: FormSpec;
  origin: Origin;
  responseUrl?: string;
  expiresAt: number;
}

/** Compact keys: private_metadata holds at most 3,000 characters. */
interface FormMeta {
  f: string;
  c: string;
  v: string;
  r?: string;
}
interface ReasonMeta {
  a: string;
  v: string;
  c: string;
  t?: string;
  th?: string;
  e?: 1;
  r?: string;
}

const FORM_TTL_MS = 60 * 60_000;

/**
 * Slack ↔ bot core. Bolt does the protocol work (signatures, retries headers, acks, socket
 * mode); this module only translates events into core calls and replies into Block Kit.
 */
export function createSlackAdapter(opts: SlackAdapterOptions): SlackAdapter {
  const { config, core } = opts;
  const log = opts.log.child({ module: 'slack' });
  const now = opts.now ?? Date.now;
  const token = config.SLACK_BOT_TOKEN;
  if (!token) throw new Error('SLACK_BOT_TOKEN is required for the Slack adapter');
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  if (!socketMode && !config.SLACK_SIGNING_SECRET) {
    throw new Error('Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) for the Slack adapter');
  }
  const apiUrl = config.SLACK_API_URL ? withTrailingSlash(config.SLACK_API_URL) : undefined;
  const retry = opts.retry ?? { retries: 4, minTimeoutMs: 500, maxTimeoutMs: 10_000 };
  const logger = boltLogger(opts.log);
  const clientOptions: webApi.WebClientOptions = {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: retry.retries, factor: 2, minTimeout: retry.minTimeoutMs, maxTimeout: retry.maxTimeoutMs },
    timeout: opts.apiTimeoutMs ?? 15_000,
    rejectRateLimitedCalls: false,
  };

  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET!,
        endpoints: SLACK_EVENTS_PATH,
        logger,
        // Ack first, work after: Slack wants an answer within 3 s and retries otherwise.
        processBeforeResponse: false,
        signatureVerification: true,
        // A signed but malformed payload that breaks Bolt before any ack: 400, so Slack does not retry it.
        processEventErrorHandler: async ({ error, response }) => {
          log.warn({ err: slackErrorSummary(error) }, 'slack event could not be processed');
          if (response.headersSent) return false;
          response.writeHead(error instanceof AuthorizationError ? 401 : 400);
          response.end();
          return true; // answered: stops Bolt's 3-s "not acknowledged" timer
        },
      });

  const app = new App({
    token,
    logger,
    clientOptions,
    deferInitialization: true,
    ignoreSelf: true,
    // Conversation memory lives in the core; Bolt's store would only cost a lookup per request.
    convoStore: false,
    ...(socketMode ? { socketMode: true, appToken: config.SLACK_APP_TOKEN } : { receiver }),
  });
  const client = app.client;

  let ownServer: HttpServer | undefined;
  let botUserId: string | undefined;
  const pendingForms = new Map<string, PendingForm>();

  // ---------- outbound helpers ----------

  async function postMessages(channel: string, messages: SlackMessage[], threadTs?: string): Promise<string> {
    let first = '';
    for (const m of messages) {
      const res = await client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
      if (!first) first = String(res.ts ?? '');
    }
    return first;
  }

  async function respondVia(responseUrl: string, body: Record<string, unknown>): Promise<void> {
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.apiTimeoutMs ?? 15_000),
    });
    if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
  }

  async function respondMessages(
    responseUrl: string,
    messages: SlackMessage[],
    responseType: 'ephemeral' | 'in_channel',
    replaceOriginal = false,
  ): Promise<void> {
    for (const [i, m] of messages.entries()) {
      await respondVia(responseUrl, {
        response_type: responseType,
        replace_original: replaceOriginal && i === 0,
        text: m.text,
        blocks: m.blocks,
      });
    }
  }

  /** A form needs a trigger_id to open; without one it waits behind a button that has one. */
  function rememberForm(form: FormSpec, origin: Origin, responseUrl?: string): string {
    const at = now();
    for (const [k, p] of pendingForms) if (p.expiresAt < at) pendingForms.delete(k);
    const key = randomUUID();
    pendingForms.set(key, { form, origin, responseUrl, expiresAt: at + FORM_TTL_MS });
    return key;
  }

  function renderFor(reply: Reply, origin: Origin, visibleToAll: boolean, responseUrl?: string): SlackMessage[] {
    const openForm = reply.form ? { key: rememberForm(reply.form, origin, responseUrl), label: reply.form.title } : undefined;
    return renderReply(reply, {
      // An answer everyone can already see has nothing to share.
      omitActions: visibleToAll ? ['share'] : [],
      openFormButton: openForm,
    });
  }

  async function openForm(triggerId: string, form: FormSpec, origin: Origin, responseUrl?: string): Promise<void> {
    const meta: FormMeta = { f: form.id, c: origin.channelId, v: origin.conversationId };
    if (responseUrl) meta.r = responseUrl;
    let metadata = JSON.stringify(meta);
    if (metadata.length > SLACK_LIMITS.privateMetadata) metadata = JSON.stringify({ ...meta, r: undefined });
    await client.views.open({ trigger_id: triggerId, view: renderFormModal(form, metadata) });
  }

  async function apologize(where: { channelId: string; userId: string; threadTs?: string; placeholderTs?: string; responseUrl?: string }) {
    const msg = plainMessage(APOLOGY_TEXT);
    const attempts: (() => Promise<unknown>)[] = [];
    if (where.placeholderTs) {
      attempts.push(() => client.chat.update({ channel: where.channelId, ts: where.placeholderTs!, text: msg.text, blocks: msg.blocks }));
    }
    if (where.responseUrl) {
      attempts.push(() => respondVia(where.responseUrl!, { response_type: 'ephemeral', replace_original: false, text: msg.text }));
    }
    attempts.push(() =>
      client.chat.postEphemeral({
        channel: where.channelId,
        user: where.userId,
        text: msg.text,
        ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
      }),
    );
    for (const attempt of attempts) {
      try {
        await attempt();
        return;
      } catch (err) {
        log.warn({ err: slackErrorSummary(err) }, 'slack apology failed');
      }
    }
  }

  // ---------- messages (mentions and DMs) ----------

  interface UserMessage {
    channel: string;
    user: string;
    text: string;
    ts: string;
    threadTs?: string;
    files?: SlackFileRef[];
    eventId?: string;
    isDm: boolean;
    isRetry: boolean;
  }

  async function download(refs: SlackFileRef[] | undefined): Promise<FileDownloadResult> {
    if (!refs?.length) return { files: [], skipped: [] };
    return downloadSlackFiles(refs, { token: token!, apiUrl, maxBytes: opts.maxFileBytes ?? MAX_FILE_BYTES });
  }

  async function handleUserMessage(m: UserMessage): Promise<void> {
    const text = stripMention(m.text, botUserId);
    // Mentions answer in the mention's thread; DMs answer in place (threaded only when the user threads).
    const replyThread = m.isDm ? m.threadTs : (m.threadTs ?? m.ts);
    const conversationId = m.isDm ? (m.threadTs ?? m.channel) : (m.threadTs ?? m.ts);
    const eventIds = [m.eventId ? `slack:event:${m.eventId}` : '', `slack:msg:${m.channel}:${m.ts}`].filter(Boolean);
    const origin: Origin = { platform: 'slack', userId: m.user, channelId: m.channel, conversationId };
    log.debug({ channel: m.channel, conversationId, chars: text.length, files: m.files?.length ?? 0 }, 'slack message');

    let placeholderTs: string | undefined;
    try {
      // A redelivery is almost always a duplicate: ask the core first so it never flashes "Searching…".
      if (!m.isRetry) {
        const searching = plainMessage(SEARCHING_TEXT);
        const res = await client.chat.postMessage({
          channel: m.channel,
          text: searching.text,
          blocks: searching.blocks,
          ...(replyThread ? { thread_ts: replyThread } : {}),
        });
        placeholderTs = res.ts ? String(res.ts) : undefined;
      }
      const { files, skipped } = await download(m.files);
      if (skipped.length) await noteSkippedFiles(m.channel, m.user, skipped, replyThread);
      if (m.files?.length && !files.length && !text.trim()) {
        if (placeholderTs) await client.chat.delete({ channel: m.channel, ts: placeholderTs }).catch(() => undefined);
        return;
      }
      const reply = await core.handleMessage({ ...origin, text, files: files.length ? files : undefined, eventIds });
      if (!reply) {
        log.info({ channel: m.channel, retry: m.isRetry }, 'slack duplicate event ignored');
        if (placeholderTs) await client.chat.delete({ channel: m.channel, ts: placeholderTs }).catch(() => undefined);
        return;
      }
      // No trigger_id on events: a form in the reply waits behind an "open" button (renderFor).
      const messages = renderFor(reply, origin, true);
      if (placeholderTs) {
        const [first, ...rest] = messages;
        await client.chat.update({ channel: m.channel, ts: placeholderTs, text: first!.text, blocks: first!.blocks });
        if (rest.length) await postMessages(m.channel, rest, replyThread);
      } else {
        await postMessages(m.channel, messages, replyThread);
      }
    } catch (err) {
      log.error({ err: slackErrorSummary(err), channel: m.channel }, 'slack answer failed');
      await apologize({ channelId: m.channel, userId: m.user, threadTs: replyThread, placeholderTs });
    }
  }

  async function noteSkippedFiles(channel: string, user: string, skipped: FileDownloadResult['skipped'], threadTs?: string) {
    const mb = Math.round((opts.maxFileBytes ?? MAX_FILE_BYTES) / 1024 / 1024);
    const lines = skipped.map((s) =>
      s.reason === 'too_large'
        ? `• ${s.name}: 文件太大（上限 ${mb} MB）· too large (limit ${mb} MB)`
        : `• ${s.name}: 无法下载 · could not be downloaded`,
    );
    const msg = plainMessage(`以下文件未处理 · These files were skipped:\n${lines.join('\n')}`);
    await client.chat
      .postEphemeral({ channel, user, text: msg.text, blocks: msg.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) })
      .catch((err) => log.warn({ err: slackErrorSummary(err) }, 'slack skipped-files note failed'));
  }

  /** The fields both mention and DM events carry, read defensively (payloads are untrusted). */
  function userMessageFrom(
    e: Record<string, unknown>,
    channel: string,
    user: string,
    ts: string,
    body: unknown,
    retryNum: number | undefined,
    isDm: boolean,
  ) {
    return {
      channel,
      user,
      text: typeof e.text === 'string' ? e.text : '',
      ts,
      threadTs: typeof e.thread_ts === 'string' ? e.thread_ts : undefined,
      files: Array.isArray(e.files) ? (e.files as SlackFileRef[]) : undefined,
      eventId: (body as { event_id?: string }).event_id,
      isDm,
      isRetry: (retryNum ?? 0) > 0,
    };
  }

  app.event('app_mention', async ({ event, body, context }) => {
    const e = event as unknown as Record<string, unknown>;
    // Mentions inside DMs also arrive as message.im; answer those once, there.
    if (e.channel_type === 'im' || typeof e.channel !== 'string' || typeof e.ts !== 'string') return;
    if (e.bot_id || e.subtype || typeof e.user !== 'string') return;
    await handleUserMessage(userMessageFrom(e, e.channel, e.user, e.ts, body, context.retryNum, false));
  });

  app.event('message', async ({ event, body, context }) => {
    const e = event as unknown as Record<string, unknown>;
    if (e.channel_type !== 'im') return;
    // Edits, deletions, joins and bot posts carry a subtype; uploads (file_share) are real messages.
    const subtype = typeof e.subtype === 'string' ? e.subtype : undefined;
    if (subtype && subtype !== 'file_share' && subtype !== 'thread_broadcast') return;
    if (e.bot_id || e.bot_profile || typeof e.user !== 'string' || e.user === botUserId) return;
    if (typeof e.channel !== 'string' || typeof e.ts !== 'string') return;
    await handleUserMessage(userMessageFrom(e, e.channel, e.user, e.ts, body, context.retryNum, true));
  });

  // ---------- slash commands: one handler for every command the core knows ----------

  app.command(/.*/, async ({ command, ack }) => {
    await ack();
    await afterPendingIo();
    const name = String(command.command ?? '').replace(/^\//, '').toLowerCase();
    const origin: Origin = {
      platform: 'slack',
      userId: command.user_id,
      channelId: command.channel_id,
      // Slash commands have no thread: one running conversation per user per channel.
      conversationId: `cmd:${command.channel_id}:${command.user_id}`,
    };
    log.debug({ command: name, channel: command.channel_id, chars: command.text?.length ?? 0 }, 'slack command');
    const responseUrl: string | undefined = command.response_url || undefined;
    try {
      const reply = await core.handleCommand({
        ...origin,
        name,
        args: command.text ?? '',
        eventIds: command.trigger_id ? [`slack:trigger:${command.trigger_id}`] : undefined,
      });
      if (!reply) return;
      await deliverInteractiveReply(reply, origin, { triggerId: command.trigger_id, responseUrl });
    } catch (err) {
      log.error({ err: slackErrorSummary(err), command: name }, 'slack command reply failed');
      await apologize({ channelId: command.channel_id, userId: command.user_id, responseUrl });
    }
  });

  /** Replies to a command or shortcut: a form opens as a modal, anything else goes to the asker only unless marked in_channel. */
  async function deliverInteractiveReply(
    reply: Reply,
    origin: Origin,
    via: { triggerId?: string; responseUrl?: string },
  ): Promise<void> {
    let formPending = reply.form;
    if (reply.form && via.triggerId) {
      try {
        await openForm(via.triggerId, reply.form, origin, via.responseUrl);
        formPending = undefined;
      } catch (err) {
        // trigger_ids expire after 3 s; fall back to a button that opens the form later.
        log.warn({ err: slackErrorSummary(err), form: reply.form.id }, 'slack views.open failed');
      }
    }
    const hasContent = reply.blocks.length > 0 || (reply.actions?.length ?? 0) > 0;
    if (!hasContent && !formPending) return;
    const inChannel = reply.visibility === 'in_channel';
    const messages = renderFor({ ...reply, form: formPending }, origin, inChannel, via.responseUrl);
    if (via.responseUrl) {
      await respondMessages(via.responseUrl, messages, inChannel ? 'in_channel' : 'ephemeral');
    } else if (inChannel) {
      await postMessages(origin.channelId, messages);
    } else {
      for (const m of messages) {
        await client.chat.postEphemeral({ channel: origin.channelId, user: origin.userId, text: m.text, blocks: m.blocks });
      }
    }
  }

  // ---------- buttons ----------

  app.action(/.*/, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const b = body as unknown as BlockActionsBody;
    const a = action as unknown as { action_id?: string; value?: string; action_ts?: string };
    if (!a.action_id || !b.user?.id) return;
    const where = whereOf(b);
    if (!where) return;
    try {
      if (a.action_id === OPEN_FORM_ACTION) {
        const pending = a.value ? pendingForms.get(a.value) : undefined;
        if (!pending || pending.expiresAt < now()) {
          await sendToast(where, { toast: FORM_EXPIRED_TEXT, toastKind: 'warning' });
          return;
        }
        await openForm(b.trigger_id, pending.form, { ...pending.origin, userId: b.user.id }, pending.responseUrl ?? where.responseUrl);
        return;
      }
      const decoded = decodeActionId(a.action_id);
      if (!decoded) return;
      if (decoded.requiresReason) {
        const meta: ReasonMeta = { a: decoded.id, v: a.value ?? '', c: where.channelId };
        if (where.messageTs) meta.t = where.messageTs;
        if (where.threadTs) meta.th = where.threadTs;
        if (where.isEphemeral) meta.e = 1;
        if (where.responseUrl) meta.r = where.responseUrl;
        let metadata = JSON.stringify(meta);
        if (metadata.length > SLACK_LIMITS.privateMetadata) metadata = JSON.stringify({ ...meta, r: undefined });
        await client.views.open({ trigger_id: b.trigger_id, view: renderReasonModal(metadata) });
        return;
      }
      const result = await core.handleAction({
        platform: 'slack',
        userId: where.userId,
        channelId: where.channelId,
        conversationId: where.threadTs ?? where.messageTs ?? where.channelId,
        actionId: decoded.id,
        value: a.value ?? '',
        eventIds: [`slack:action:${a.action_ts ?? b.trigger_id}:${where.userId}`],
      });
      if (result) await applyActionResult(result, where);
    } catch (err) {
      log.error({ err: slackErrorSummary(err), action: a.action_id.split(':')[0] }, 'slack action failed');
      await apologize({ channelId: where.channelId, userId: where.userId, threadTs: where.threadTs, responseUrl: where.responseUrl });
    }
  });

  async function sendToast(where: Where, result: Pick<ActionResult, 'toast' | 'toastKind'>): Promise<void> {
    if (!result.toast) return;
    const icon = { success: '✅', error: '❌', warning: '⚠️', info: 'ℹ️' }[result.toastKind ?? 'info'];
    const msg = plainMessage(`${icon} ${result.toast}`);
    if (where.isEphemeral && where.responseUrl) {
      await respondVia(where.responseUrl, { response_type: 'ephemeral', replace_original: false, text: msg.text });
      return;
    }
    await client.chat.postEphemeral({
      channel: where.channelId,
      user: where.userId,
      text: msg.text,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    });
  }

  async function applyActionResult(result: ActionResult, where: Where): Promise<void> {
    const origin: Origin = {
      platform: 'slack',
      userId: where.userId,
      channelId: where.channelId,
      conversationId: where.threadTs ?? where.messageTs ?? where.channelId,
    };
    if (result.postInChannel) {
      const messages = renderFor(result.postInChannel, origin, true);
      try {
        await postMessages(where.channelId, messages, where.threadTs);
      } catch (err) {
        // The bot may not be a member of the channel a slash command ran in; the response_url still works there.
        if (!where.responseUrl) throw err;
        log.warn({ err: slackErrorSummary(err) }, 'slack share via chat.postMessage failed, using response_url');
        await respondMessages(where.responseUrl, messages, 'in_channel');
      }
    }
    if (result.replaceOriginal) {
      const messages = renderFor(result.replaceOriginal, origin, !where.isEphemeral, where.responseUrl);
      if (where.isEphemeral || !where.messageTs) {
        if (where.responseUrl) await respondMessages(where.responseUrl, messages.slice(0, 1), 'ephemeral', true);
      } else {
        await client.chat.update({ channel: where.channelId, ts: where.messageTs, text: messages[0]!.text, blocks: messages[0]!.blocks });
      }
    }
    await sendToast(where, result);
  }

  // ---------- modals ----------

  async function onFormSubmission({ ack, body, view }: ViewArgs): Promise<void> {
    const meta = parseJson<FormMeta>(view.private_metadata);
    const userId = body.user?.id;
    if (!meta?.f || !userId) {
      await ack();
      return;
    }
    const origin: Origin = { platform: 'slack', userId, channelId: meta.c, conversationId: meta.v || meta.c };
    const values = readViewValues(view.state?.values);
    const blockIds = (view.blocks ?? []).map((blk) => (blk as { block_id?: string }).block_id).filter((x): x is string => Boolean(x));
    const pending = core.handleForm({ ...origin, formId: meta.f, values });
    const budget = opts.formAckBudgetMs ?? 2500;
    const early = await Promise.race([pending, sleep(budget).then(() => null)]);
    if (early && !early.ok) {
      await ack({ response_action: 'errors', errors: formErrorsToBlocks(early.errors, blockIds) });
      return;
    }
    await ack();
    try {
      const result = early ?? (await pending);
      if (!result.ok) {
        // Too slow to show inline: the errors go to the user as a message instead.
        const text = result.errors.map((e) => `• ${e.field}: ${e.message}`).join('\n');
        await deliverFormReply({ blocks: [{ type: 'text', text }], fallbackText: text }, origin, meta.r);
        return;
      }
      await deliverFormReply(result.reply, origin, meta.r);
    } catch (err) {
      log.error({ err: slackErrorSummary(err), form: meta.f }, 'slack form reply failed');
      await apologize({ channelId: origin.channelId, userId, responseUrl: meta.r });
    }
  }

  async function deliverFormReply(reply: Reply, origin: Origin, responseUrl?: string): Promise<void> {
    if (reply.visibility === 'in_channel' && origin.channelId) {
      await postMessages(origin.channelId, renderFor(reply, origin, true));
      return;
    }
    if (responseUrl) {
      try {
        await respondMessages(responseUrl, renderFor(reply, origin, false, responseUrl), 'ephemeral');
        return;
      } catch (err) {
        log.warn({ err: slackErrorSummary(err) }, 'slack response_url expired, sending a DM');
      }
    }
    await port.notifyUser(origin.userId, reply);
  }

  async function onReasonSubmission({ ack, body, view }: ViewArgs): Promise<void> {
    const meta = parseJson<ReasonMeta>(view.private_metadata);
    const values = readViewValues(view.state?.values);
    const reason = (values[REASON_BLOCK] ?? '').trim();
    const userId = body.user?.id;
    if (!meta?.a || !userId) {
      await ack();
      return;
    }
    if (!reason) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: '请填写原因 · A reason is required' } });
      return;
    }
    await ack();
    const where: Where = {
      channelId: meta.c,
      userId,
      messageTs: meta.t,
      threadTs: meta.th,
      isEphemeral: meta.e === 1,
      responseUrl: meta.r,
    };
    try {
      const result = await core.handleAction({
        platform: 'slack',
        userId,
        channelId: meta.c,
        conversationId: meta.th ?? meta.t ?? meta.c,
        actionId: meta.a,
        value: meta.v,
        reason,
        eventIds: [`slack:view:${view.id}`],
      });
      if (result) await applyActionResult(result, where);
    } catch (err) {
      log.error({ err: slackErrorSummary(err), action: meta.a }, 'slack reason action failed');
      await apologize({ channelId: meta.c, userId, threadTs: meta.th, responseUrl: meta.r });
    }
  }

  // One listener for all views: Bolt runs every matching listener, and a view may be acked only once.
  app.view(/.*/, async (args) => {
    if (args.body.type !== 'view_submission') return args.ack();
    if (args.view.callback_id === FORM_CALLBACK) return onFormSubmission(args as unknown as ViewArgs);
    if (args.view.callback_id === REASON_CALLBACK) return onReasonSubmission(args as unknown as ViewArgs);
    await args.ack();
  });

  // ---------- message shortcut: "Pre-check this contract" ----------

  // One listener for all shortcuts, for the same single-ack reason as views.
  app.shortcut(/.*/, async ({ ack, shortcut }) => {
    await ack();
    if (shortcut.type !== 'message_action' || shortcut.callback_id !== PRECHECK_SHORTCUT) return;
    const s = shortcut;
    const origin: Origin = {
      platform: 'slack',
      userId: s.user.id,
      channelId: s.channel.id,
      conversationId: String(s.message.thread_ts ?? s.message.ts ?? s.channel.id),
    };
    try {
      const { files, skipped } = await download(Array.isArray(s.message.files) ? (s.message.files as SlackFileRef[]) : undefined);
      if (skipped.length) await noteSkippedFiles(s.channel.id, s.user.id, skipped);
      const reply = await core.handleCommand({
        ...origin,
        name: 'precheck',
        args: stripMention(String(s.message.text ?? ''), botUserId),
        files: files.length ? files : undefined,
        eventIds: [`slack:trigger:${s.trigger_id}`],
      });
      if (!reply) return;
      await deliverInteractiveReply(reply, origin, { triggerId: s.trigger_id, responseUrl: s.response_url });
    } catch (err) {
      log.error({ err: slackErrorSummary(err) }, 'slack precheck shortcut failed');
      await apologize({ channelId: s.channel.id, userId: s.user.id, responseUrl: s.response_url });
    }
  });

  app.error(async (err) => {
    log.error({ err: slackErrorSummary(err) }, 'slack listener error');
  });

  // ---------- outbound port (scheduler, approvals) ----------

  const port: ChatPort = {
    platform: 'slack',
    async post(target: PostTarget, reply: Reply): Promise<string> {
      const origin: Origin = { platform: 'slack', userId: '', channelId: target.channelId, conversationId: target.threadId ?? target.channelId };
      return postMessages(target.channelId, renderFor(reply, origin, true), target.threadId);
    },
    async notifyUser(userId: string, reply: Reply): Promise<void> {
      const opened = await client.conversations.open({ users: userId });
      const channel = opened.channel?.id ?? userId;
      const origin: Origin = { platform: 'slack', userId, channelId: channel, conversationId: channel };
      await postMessages(channel, renderFor(reply, origin, true));
    },
  };
  core.registerPort(port);

  // ---------- lifecycle ----------

  async function httpHandler(req: HttpRequest, res: ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      // Bolt 5.1 reads `body.ssl_check` off whatever the body parses to: a JSON `null` (or
      // `payload=null`) throws inside an un-awaited promise, which would take the process down
      // and leave the request hanging. Buffer the body (Bolt reuses `rawBody`) and refuse that here.
      const raw = await readBodyWithin(req, SLACK_BODY_LIMIT);
      if (raw === null) {
        res.writeHead(413, { connection: 'close' });
        res.end();
        return;
      }
      (req as HttpRequest & { rawBody?: Buffer }).rawBody = raw;
      if (parsesToNull(raw, req.headers['content-type'])) {
        log.warn('slack request with an empty (null) payload rejected');
        res.writeHead(400);
        res.end();
        return;
      }
    }
    try {
      receiver!.requestListener(req, res);
    } catch {
      // Bolt throws for anything but a POST to the endpoint.
      if (!res.headersSent) res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' });
      res.end(JSON.stringify({ error: 'method not allowed' }));
    }
  }

  return {
    mode: socketMode ? 'socket' : 'http',
    port,
    app,
    async start() {
      try {
        await app.init();
        const auth = await client.auth.test();
        botUserId = typeof auth.user_id === 'string' ? auth.user_id : undefined;
      } catch (err) {
        throw new Error(`Slack auth.test failed: ${slackErrorSummary(err).message}`);
      }
      if (socketMode) {
        await app.start();
        log.info({ mode: 'socket' }, 'slack adapter connected');
        return;
      }
      const server = opts.server ?? (ownServer = new HttpServer());
      server.mount(SLACK_EVENTS_PATH, httpHandler);
      if (ownServer) await ownServer.listen(config.PORT);
      log.info({ mode: 'http', path: SLACK_EVENTS_PATH }, 'slack adapter mounted');
    },
    async stop() {
      if (socketMode) await app.stop().catch(() => undefined);
      if (ownServer) await ownServer.close();
    },
  };
}

/** The parts of a view_submission listener's arguments the modal handlers use. */
interface ViewArgs {
  ack: (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;
  body: { user?: { id?: string } };
  view: { id: string; private_metadata?: string; blocks?: unknown[]; state?: { values?: unknown } };
}

interface BlockActionsBody {
  type: 'block_actions';
  trigger_id: string;
  response_url?: string;
  user: { id: string };
  channel?: { id: string };
  container?: { type?: string; channel_id?: string; message_ts?: string; thread_ts?: string; is_ephemeral?: boolean };
  message?: { ts?: string; thread_ts?: string };
}

function whereOf(b: BlockActionsBody): Where | null {
  const channelId = b.channel?.id ?? b.container?.channel_id;
  if (!channelId) return null;
  return {
    channelId,
    userId: b.user.id,
    messageTs: b.message?.ts ?? b.container?.message_ts,
    threadTs: b.message?.thread_ts ?? b.container?.thread_ts,
    isEphemeral: Boolean(b.container?.is_ephemeral),
    responseUrl: b.response_url,
  };
}

/** Removes the bot's own mention (`<@U123>` or `<@U123|name>`) so the question reads naturally. */
export function stripMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.replace(/^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*/, '').trim();
  const re = new RegExp(`<@${botUserId}(?:\\|[^>]*)?>[ \\t]?`, 'g');
  return text.replace(re, '').trim();
}

/** Error name, message and Slack error code only: responses can echo what was posted. */
export function slackErrorSummary(err: unknown): { name: string; message: string; code?: string; slackError?: string } {
  const base = errorSummary(err);
  const e = err as { code?: unknown; data?: { error?: unknown } } | undefined;
  return {
    ...base,
    message: base.message.replace(/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g, '[redacted-token]'),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.data?.error === 'string' ? { slackError: e.data.error } : {}),
  };
}

/** Bolt's own default request body limit. */
const SLACK_BODY_LIMIT = 4 * 1024 * 1024;

/** Whether Bolt would parse this body (as it does: form `payload` or whole-body JSON) to `null`. */
function parsesToNull(raw: Buffer, contentType: string | undefined): boolean {
  try {
    const text = raw.toString();
    if (contentType?.startsWith('application/x-www-form-urlencoded')) {
      const payload = new URLSearchParams(text).getAll('payload');
      return payload.length === 1 && JSON.parse(payload[0]!) === null;
    }
    return JSON.parse(text) === null;
  } catch {
    return false;
  }
}

function parseJson<T>(s: string | undefined): T | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as T;
  } catch {
    return null;
  }
}

/**
 * Lets requests that have already arrived be verified and acked before this one's work
 * starts: under a burst, acks stay fast instead of queueing behind earlier answers.
 */
function afterPendingIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export type { IncomingFile };

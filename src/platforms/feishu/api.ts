import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { FeishuCard } from './render.js';
import { errorSummary } from '../../log/errors.js';

/**
 * The few open-API calls the adapter makes, through the SDK client, with one retry policy:
 * rate limits (HTTP 429, code 99991400 and the IM send-rate codes), server errors and network
 * failures are retried with backoff; an expired token is refreshed once; anything else throws
 * a FeishuApiError for the caller to turn into an apology.
 */

export class FeishuApiError extends Error {
  constructor(
    readonly code: number | undefined,
    readonly status: number | undefined,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FeishuApiError';
  }
}

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`file exceeds ${limit} bytes`);
    this.name = 'FileTooLargeError';
  }
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/** 99991400: app-level frequency limit; 230020 / 11232 / 11233: message send-rate limits; 1000004/1000005: transient internal errors. */
const RETRYABLE_CODES = new Set([99991400, 230020, 11232, 11233, 1000004, 1000005]);
/** Tenant access token invalid or expired: fetch a new one and try again. */
const TOKEN_CODES = new Set([99991663, 99991661, 99991664]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'ERR_NETWORK']);

interface AxiosLikeError {
  code?: string;
  message?: string;
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
}

function toApiError(err: unknown): FeishuApiError | Error {
  if (err instanceof FeishuApiError) return err;
  const ax = err as AxiosLikeError;
  if (ax && typeof ax === 'object' && ax.response) {
    const data = ax.response.data as { code?: unknown; msg?: unknown } | undefined;
    const code = typeof data?.code === 'number' ? data.code : undefined;
    const reset = Number(ax.response.headers?.['x-ogw-ratelimit-reset']);
    return new FeishuApiError(
      code,
      ax.response.status,
      `HTTP ${ax.response.status}${code !== undefined ? ` code ${code}` : ''}${typeof data?.msg === 'string' ? `: ${data.msg.slice(0, 120)}` : ''}`,
      Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined,
    );
  }
  if (ax && typeof ax === 'object' && typeof ax.code === 'string' && NETWORK_CODES.has(ax.code)) {
    return new FeishuApiError(undefined, undefined, `network ${ax.code}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

function isRetryable(err: Error): boolean {
  if (!(err instanceof FeishuApiError)) return false;
  if (err.status === 429 || (err.status !== undefined && err.status >= 500)) return true;
  if (err.code !== undefined && RETRYABLE_CODES.has(err.code)) return true;
  return err.status === undefined && err.code === undefined; // network failure
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FeishuApiOptions {
  /** Told the label of every call that finally failed (metrics). */
  onError?: (label: string) => void;
  appId: string;
  appSecret: string;
  domain: lark.Domain | string;
  log: Logger;
  retry?: Partial<RetryPolicy>;
}

export interface SentMessage {
  messageId: string;
}

export class FeishuApi {
  readonly client: lark.Client;
  private readonly cache = new lark.DefaultCache();
  private readonly retry: RetryPolicy;
  private readonly log: Logger;
  private readonly onError?: (label: string) => void;

  constructor(opts: FeishuApiOptions) {
    this.log = opts.log;
    this.onError = opts.onError;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    // A hung request would otherwise hold a reply forever (the SDK's axios has no timeout).
    if (!lark.defaultHttpInstance.defaults.timeout) lark.defaultHttpInstance.defaults.timeout = 20_000;
    this.client = new lark.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: opts.domain,
      appType: lark.AppType.SelfBuild,
      // Own cache: the SDK's default is process-global, keyed by app id only.
      cache: this.cache,
      logger: sdkLogger(opts.log),
      loggerLevel: lark.LoggerLevel.debug,
    });
  }

  /** Runs one API call with the retry policy; resolves to the response body (code 0). */
  async call<T>(label: string, fn: () => Promise<T>): Promise<T> {
    let tokenRefreshed = false;
    for (let attempt = 1; ; attempt++) {
      let error: Error;
      try {
        const res = await fn();
        const code = (res as { code?: unknown } | undefined)?.code;
        if (typeof code !== 'number' || code === 0) return res;
        const msg = (res as { msg?: unknown }).msg;
        error = new FeishuApiError(code, 200, `code ${code}${typeof msg === 'string' ? `: ${msg.slice(0, 120)}` : ''}`);
      } catch (err) {
        error = toApiError(err);
      }
      if (error instanceof FeishuApiError && error.code !== undefined && TOKEN_CODES.has(error.code) && !tokenRefreshed) {
        tokenRefreshed = true;
        await this.cache.set(lark.CTenantAccessToken, '', 0, { namespace: this.client.appId });
        attempt--;
        continue;
      }
      if (!isRetryable(error) || attempt >= this.retry.attempts) {
        this.log.warn({ api: label, attempt, err: errorSummary(error) }, 'feishu api call failed');
        this.onError?.(label);
        throw error;
      }
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      const hinted = error instanceof FeishuApiError && error.retryAfterMs ? Math.min(error.retryAfterMs, this.retry.maxDelayMs) : 0;
      const delay = Math.max(backoff, hinted) * (0.8 + Math.random() * 0.4);
      this.log.info({ api: label, attempt, delayMs: Math.round(delay), err: errorSummary(error) }, 'feishu api call retried');
      await sleep(delay);
    }
  }

  /** Replies to a message; the uuid makes a retried send idempotent on Feishu's side. */
  async replyCard(messageId: string, card: FeishuCard, inThread: boolean): Promise<SentMessage> {
    return this.reply(messageId, 'interactive', JSON.stringify(card), inThread);
  }

  async replyText(messageId: string, text: string, inThread: boolean): Promise<SentMessage> {
    return this.reply(messageId, 'text', JSON.stringify({ text }), inThread);
  }

  private async reply(messageId: string, msgType: string, content: string, inThread: boolean): Promise<SentMessage> {
    const uuid = randomUUID();
    const res = await this.call('im.message.reply', () =>
      this.client.im.v1.message.reply({
        path: { message_id: messageId },
        data: { msg_type: msgType, content, reply_in_thread: inThread, uuid },
      }),
    );
    return { messageId: res.data?.message_id ?? '' };
  }

  async sendCard(receiveIdType: 'chat_id' | 'open_id', receiveId: string, card: FeishuCard): Promise<SentMessage> {
    const uuid = randomUUID();
    const res = await this.call('im.message.create', () =>
      this.client.im.v1.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, msg_type: 'interactive', content: JSON.stringify(card), uuid },
      }),
    );
    return { messageId: res.data?.message_id ?? '' };
  }

  async patchCard(messageId: string, card: FeishuCard): Promise<void> {
    await this.call('im.message.patch', () =>
      this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } }),
    );
  }

  /** The bot's own open_id, to tell an @bot from an @colleague in groups. */
  async botOpenId(): Promise<string | undefined> {
    const res = await this.call('bot.info', () =>
      this.client.request<{ code?: number; bot?: { open_id?: string } }>({ method: 'GET', url: '/open-apis/bot/v3/info' }),
    );
    return res.bot?.open_id || undefined;
  }

  /** Downloads a message attachment, refusing anything over `maxBytes` without buffering it. */
  async downloadFile(messageId: string, fileKey: string, maxBytes: number): Promise<{ data: Uint8Array; mimeType?: string }> {
    const res = await this.call('im.messageResource.get', () =>
      this.client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: 'file' } }),
    );
    const headers = (res.headers ?? {}) as Record<string, unknown>;
    const stream = res.getReadableStream() as Readable;
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      stream.destroy();
      throw new FileTooLargeError(maxBytes);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      total += buf.length;
      if (total > maxBytes) {
        stream.destroy();
        throw new FileTooLargeError(maxBytes);
      }
      chunks.push(buf);
    }
    const type = headers['content-type'];
    return { data: new Uint8Array(Buffer.concat(chunks)), mimeType: typeof type === 'string' ? type.split(';')[0] : undefined };
  }
}

/**
 * The SDK logs whole request configs (message content included) at error level; everything it
 * says goes to debug here, and the adapter logs its own summaries (ids, codes) at info/warn.
 */
export function sdkLogger(log: Logger) {
  const forward = (level: string) => (...args: unknown[]) => {
    if (!log.isLevelEnabled('debug')) return;
    const parts = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as unknown[];
    const msg = parts
      .map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : safeJson(p)))
      .join(' ')
      .slice(0, 2000);
    log.debug({ sdk: level }, msg);
  };
  return { error: forward('error'), warn: forward('warn'), info: forward('info'), debug: forward('debug'), trace: forward('trace') };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** FEISHU_DOMAIN: `feishu`, `lark`, or a base URL (tests, private deployments). */
export function resolveDomain(value: string): lark.Domain | string {
  const v = value.trim();
  if (v.toLowerCase() === 'feishu') return lark.Domain.Feishu;
  if (v.toLowerCase() === 'lark') return lark.Domain.Lark;
  return v.replace(/\/+$/, '');
}

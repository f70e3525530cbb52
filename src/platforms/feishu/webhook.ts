import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import { readBodyWithin } from '../../server/http.js';
import { errorSummary } from '../../log/errors.js';

/**
 * The request-URL side of webhook mode: reads the body, answers `url_verification`, verifies
 * `X-Lark-Signature` and decrypts before handing the event to the SDK's EventDispatcher.
 *
 * We check the signature ourselves (and keep the SDK's own check on) because the SDK's
 * default adapter answers the challenge before any check, silently treats an undecryptable
 * body as an empty event, and skips verification entirely when no encrypt key is set.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookOptions {
  dispatcher: lark.EventDispatcher;
  encryptKey: string;
  verificationToken?: string;
  log: Logger;
  now?: () => number;
}

/**
 * A signed request older (or newer) than this is refused, as Bolt does for Slack: the signature
 * covers the timestamp, so a captured request cannot be replayed once it is stale.
 */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/**
 * An event created longer ago than this is refused even when freshly signed: the dedupe window
 * is 24 h, and Feishu stops redelivering within hours, so an older event can only be a replay
 * that would otherwise be answered again once its id has been forgotten.
 */
export const MAX_EVENT_AGE_MS = 12 * 3600_000;

/** Why a verified request is too old to act on, or null when it is fresh. */
export function staleness(timestampSeconds: string, eventCreatedMs: unknown, now: number): string | null {
  const ts = Number(timestampSeconds);
  if (!Number.isFinite(ts) || Math.abs(now / 1000 - ts) > MAX_CLOCK_SKEW_SECONDS) return 'stale or invalid timestamp';
  const created = Number(eventCreatedMs);
  if (eventCreatedMs !== undefined && Number.isFinite(created) && created > 0 && now - created > MAX_EVENT_AGE_MS) return 'event older than the replay window';
  return null;
}

type Verdict = { ok: true } | { ok: false; status: number; reason: string };

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** sha256(timestamp + nonce + encryptKey + body), hex — Feishu's signature for encrypted events and callbacks. */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + body).digest('hex');
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * The raw bytes are what Feishu signs; the SDK re-serialises the parsed body. Accepting
 * either keeps both the platform and SDK-built test requests valid.
 */
export function verifySignature(req: IncomingMessage, raw: string, parsed: unknown, encryptKey: string): Verdict {
  const ts = header(req, 'x-lark-request-timestamp');
  const nonce = header(req, 'x-lark-request-nonce');
  const sig = header(req, 'x-lark-signature');
  if (!ts || !nonce || !sig) return { ok: false, status: 401, reason: 'missing signature headers' };
  const candidates = [raw, JSON.stringify(parsed)];
  const good = candidates.some((body) => safeEqualHex(feishuSignature(ts, nonce, encryptKey, body), sig.toLowerCase()));
  return good ? { ok: true } : { ok: false, status: 401, reason: 'bad signature' };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Node handler for `/feishu/events` (and `/feishu/card`): events and card callbacks share it. */
export function createWebhookHandler(opts: WebhookOptions) {
  const cipher = new lark.AESCipher(opts.encryptKey);
  const tokenOk = (token: unknown) => !opts.verificationToken || token === opts.verificationToken;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });
    const body = await readBodyWithin(req, MAX_BODY_BYTES);
    if (body === null) {
      // The rest of the body is never read: the connection must not be reused for another request.
      res.setHeader('connection', 'close');
      return send(res, 413, { error: 'body too large' });
    }
    const raw = body.toString('utf8');

    let parsed: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(raw);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      parsed = value as Record<string, unknown>;
    } catch {
      opts.log.warn({ path: req.url }, 'feishu webhook: unreadable body rejected');
      return send(res, 400, { error: 'bad request' });
    }

    let plain: Record<string, unknown> = parsed;
    if (typeof parsed.encrypt === 'string') {
      try {
        const decrypted: unknown = JSON.parse(cipher.decrypt(parsed.encrypt));
        if (!decrypted || typeof decrypted !== 'object') throw new Error('not an object');
        plain = decrypted as Record<string, unknown>;
      } catch {
        opts.log.warn({ path: req.url }, 'feishu webhook: undecryptable payload rejected');
        return send(res, 400, { error: 'bad request' });
      }
    } else if ('encrypt' in parsed) {
      return send(res, 400, { error: 'bad request' });
    }

    // The console's URL check: no signature headers, only the (encrypted) token to prove it is Feishu.
    if (plain.type === 'url_verification') {
      if (!tokenOk(plain.token) || typeof plain.challenge !== 'string') {
        opts.log.warn('feishu webhook: url_verification with a wrong token rejected');
        return send(res, 401, { error: 'unauthorized' });
      }
      return send(res, 200, { challenge: plain.challenge });
    }

    const verdict = verifySignature(req, raw, parsed, opts.encryptKey);
    if (!verdict.ok) {
      opts.log.warn({ path: req.url, reason: verdict.reason }, 'feishu webhook: request rejected');
      return send(res, verdict.status, { error: 'unauthorized' });
    }
    const header = (plain.header ?? {}) as Record<string, unknown>;
    const stale = staleness(req.headers['x-lark-request-timestamp'] as string, header.create_time, (opts.now ?? Date.now)());
    if (stale) {
      opts.log.warn({ path: req.url, reason: stale }, 'feishu webhook: stale request rejected');
      return send(res, 401, { error: 'unauthorized' });
    }
    if (!tokenOk(header.token ?? plain.token)) {
      opts.log.warn({ path: req.url }, 'feishu webhook: wrong verification token rejected');
      return send(res, 401, { error: 'unauthorized' });
    }

    // The SDK reads the signature headers from the prototype so they stay out of JSON.stringify.
    const data = Object.assign(Object.create({ headers: req.headers }) as object, parsed);
    try {
      const result: unknown = await opts.dispatcher.invoke(data);
      if (result === undefined) return send(res, 401, { error: 'unauthorized' }); // the SDK's own check said no
      send(res, 200, typeof result === 'object' && result !== null ? result : {});
    } catch (err) {
      opts.log.error({ err: errorSummary(err) }, 'feishu webhook: handler failed');
      send(res, 500, { error: 'internal error' });
    }
  };
}

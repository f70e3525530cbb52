import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { FakeFeishuDocs } from './fake-feishu-docs.js';

/**
 * A local stand-in for the Feishu open API (and its long-connection gateway) so the tests
 * drive the real @larksuiteoapi/node-sdk: token, bot info, message create/reply/patch,
 * message resources, `/callback/ws/endpoint` plus a WebSocket speaking the SDK's protobuf frames.
 * Every call is recorded; failures can be scripted per route.
 */

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  auth?: string;
}

export interface SentMessage {
  kind: 'create' | 'reply' | 'patch';
  messageId: string;
  /** Reply target / patched message / receive id. */
  target: string;
  msgType: string;
  content: any;
  replyInThread?: boolean;
  uuid?: string;
}

/** A CardKit card entity: its JSON, whether it is streaming, and every change made to it. */
export interface FakeCardEntity {
  cardId: string;
  card: any;
  streaming: boolean;
  sequence: number;
  /** Text of each streaming content update, in order. */
  contentUpdates: { elementId: string; content: string; sequence: number }[];
  /** Full updates and settings changes, in order. */
  changes: { kind: 'update' | 'settings'; body: any }[];
}

interface ScriptedFailure {
  match: RegExp;
  times: number;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const FAKE_APP_ID = 'cli_0123456789abcdef';
export const FAKE_APP_SECRET = 'fake-secret-not-real';
export const FAKE_BOT_OPEN_ID = 'ou_bot_0000000001';

// ---- minimal protobuf for pbbp2.Frame (fields per the SDK's generated code) ----
interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 127) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function lenField(field: number, bytes: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

export function encodeFrame(f: Frame): Uint8Array {
  const enc = new TextEncoder();
  const out: number[] = [];
  out.push(...varint(1 << 3), ...varint(f.SeqID));
  out.push(...varint(2 << 3), ...varint(f.LogID));
  out.push(...varint(3 << 3), ...varint(f.service));
  out.push(...varint(4 << 3), ...varint(f.method));
  for (const h of f.headers) {
    const inner = [...lenField(1, enc.encode(h.key)), ...lenField(2, enc.encode(h.value))];
    out.push(...lenField(5, Uint8Array.from(inner)));
  }
  if (f.payload) out.push(...lenField(8, f.payload));
  return Uint8Array.from(out);
}

export function decodeFrame(buf: Uint8Array): Frame {
  const dec = new TextDecoder();
  let i = 0;
  const readVarint = (b: Uint8Array) => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const byte = b[i++]!;
      result += (byte & 0x7f) * mul;
      if (byte < 128) return result;
      mul *= 128;
    }
  };
  const frame: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  const readMessage = (b: Uint8Array, onField: (field: number, wire: number, value: number | Uint8Array) => void) => {
    while (i < b.length) {
      const tag = readVarint(b);
      const field = tag >> 3;
      const wire = tag & 7;
      if (wire === 0) onField(field, wire, readVarint(b));
      else if (wire === 2) {
        const len = readVarint(b);
        onField(field, wire, b.subarray(i, i + len));
        i += len;
      } else throw new Error(`unsupported wire type ${wire}`);
    }
  };
  readMessage(buf, (field, _wire, value) => {
    if (field === 1) frame.SeqID = value as number;
    else if (field === 2) frame.LogID = value as number;
    else if (field === 3) frame.service = value as number;
    else if (field === 4) frame.method = value as number;
    else if (field === 5) {
      // Nested message: parse with its own cursor, then restore the outer one.
      const h = { key: '', value: '' };
      const outer = i;
      i = 0;
      readMessage(value as Uint8Array, (f, _w, v) => {
        if (f === 1) h.key = dec.decode(v as Uint8Array);
        if (f === 2) h.value = dec.decode(v as Uint8Array);
      });
      i = outer;
      frame.headers.push(h);
    } else if (field === 8) frame.payload = Uint8Array.from(value as Uint8Array);
  });
  return frame;
}

// ---- crypto helpers matching the platform (and the SDK's AESCipher) ----
export function encryptPayload(encryptKey: string, plaintext: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function signBody(encryptKey: string, timestamp: string, nonce: string, body: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + body).digest('hex');
}

/** A v2 event envelope as Feishu sends it (before encryption). */
export function eventEnvelope(eventType: string, event: unknown, opts: { eventId?: string; token?: string; appId?: string; createdMs?: number } = {}) {
  return {
    schema: '2.0',
    header: {
      event_id: opts.eventId ?? randomUUID().replace(/-/g, ''),
      event_type: eventType,
      create_time: String(opts.createdMs ?? Date.now()),
      token: opts.token ?? '',
      app_id: opts.appId ?? FAKE_APP_ID,
      tenant_key: 'tenant_fake',
    },
    event,
  };
}

let messageSeq = 0;
export function textMessageEvent(opts: {
  text: string;
  chatType?: 'p2p' | 'group';
  chatId?: string;
  messageId?: string;
  userId?: string;
  rootId?: string;
  threadId?: string;
  mentions?: { key: string; openId: string; name: string }[];
  messageType?: string;
  content?: unknown;
}) {
  const id = opts.messageId ?? `om_fake_${++messageSeq}_${Date.now()}`;
  return {
    sender: { sender_id: { open_id: opts.userId ?? 'ou_user_1', user_id: 'u1', union_id: 'on_1' }, sender_type: 'user', tenant_key: 't' },
    message: {
      message_id: id,
      root_id: opts.rootId,
      thread_id: opts.threadId,
      chat_id: opts.chatId ?? (opts.chatType === 'group' ? 'oc_group_1' : 'oc_p2p_1'),
      chat_type: opts.chatType ?? 'p2p',
      message_type: opts.messageType ?? 'text',
      create_time: String(Date.now()),
      content: JSON.stringify(opts.content ?? { text: opts.text }),
      mentions: (opts.mentions ?? []).map((m) => ({ key: m.key, id: { open_id: m.openId, user_id: '', union_id: '' }, name: m.name, tenant_key: 't' })),
    },
  };
}

/**
 * Posts an event to the adapter's webhook as Feishu would: encrypted with the encrypt key,
 * signed over the exact body bytes (JSON.stringify output, which is also what the SDK hashes).
 */
export async function postWebhook(
  url: string,
  envelope: unknown,
  opts: { encryptKey: string; sign?: boolean; forgeSignature?: boolean; rawEncrypt?: string; timestampSeconds?: number },
): Promise<{ status: number; json: any; text: string }> {
  const body = JSON.stringify({ encrypt: opts.rawEncrypt ?? encryptPayload(opts.encryptKey, JSON.stringify(envelope)) });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.sign !== false) {
    const ts = String(opts.timestampSeconds ?? Math.floor(Date.now() / 1000));
    const nonce = randomUUID();
    headers['x-lark-request-timestamp'] = ts;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = opts.forgeSignature ? signBody('not-the-key', ts, nonce, body) : signBody(opts.encryptKey, ts, nonce, body);
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let json: any = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

export class FakeFeishu {
  readonly calls: RecordedCall[] = [];
  readonly messages: SentMessage[] = [];
  /** CardKit card entities by card_id. */
  readonly cards = new Map<string, FakeCardEntity>();
  /** card_id → the message it was converted from (`id_convert`). */
  readonly convertedFrom = new Map<string, string>();
  readonly resources = new Map<string, { data: Buffer; contentType: string }>();
  /** Docs, wiki and drive: documents the knowledge-base sync reads. */
  readonly docs = new FakeFeishuDocs();
  /** Frames the SDK sent back over the long connection (responses to events). */
  readonly wsResponses: Frame[] = [];
  private readonly failures: ScriptedFailure[] = [];
  private readonly tokens = new Set<string>();
  private server = http.createServer((req, res) => void this.handle(req, res));
  private wss: any;
  private sockets = new Set<any>();
  private allSockets = new Set<any>();
  private wsWaiters = new Map<string, (f: Frame) => void>();
  private msgSeq = 0;
  baseUrl = '';

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    // `ws` ships with the SDK; loaded untyped so the test needs no extra type package.
    const require = createRequire(import.meta.url);
    const { WebSocketServer } = require('ws');
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      this.wss.handleUpgrade(req, socket, head, (ws: any) => {
        this.allSockets.add(ws);
        ws.on('close', () => {
          this.sockets.delete(ws);
          this.allSockets.delete(ws);
        });
        ws.on('message', (data: Buffer) => {
          const frame = decodeFrame(new Uint8Array(data));
          const type = frame.headers.find((h) => h.key === 'type')?.value;
          if (frame.method === 1) {
            this.wsResponses.push(frame);
            const id = frame.headers.find((h) => h.key === 'message_id')?.value ?? '';
            this.wsWaiters.get(id)?.(frame);
            this.wsWaiters.delete(id);
          } else if (type === 'ping') {
            // The SDK pings from its 'open' handler, just before it starts listening: only
            // then is the connection ready to receive events.
            this.sockets.add(ws);
            ws.send(encodeFrame({ ...frame, headers: [{ key: 'type', value: 'pong' }], payload: new TextEncoder().encode(JSON.stringify({ PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 })) }));
          }
        });
      });
    });
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const s of this.allSockets) s.terminate();
    this.wss?.close();
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Cuts every long connection, as a network outage would; the server stays up. */
  dropConnections(): void {
    for (const s of this.allSockets) s.terminate();
  }

  /** Long connections that are ready for events. */
  get wsConnections(): number {
    return this.sockets.size;
  }

  /** The next `times` requests whose "METHOD path" matches fail with this status/body. */
  failNext(match: RegExp, times: number, status: number, body: unknown, headers?: Record<string, string>): void {
    this.failures.push({ match, times, status, body, headers });
  }

  addResource(messageId: string, fileKey: string, data: Buffer, contentType = 'application/octet-stream'): void {
    this.resources.set(`${messageId}/${fileKey}`, { data, contentType });
  }

  callsTo(pattern: RegExp): RecordedCall[] {
    return this.calls.filter((c) => pattern.test(`${c.method} ${c.path}`));
  }

  /** Sends an event over the long connection and resolves with the SDK's response frame payload. */
  async sendWsEvent(envelope: unknown): Promise<{ code: number; data?: any }> {
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('no long connection open');
    const id = randomUUID();
    const frame: Frame = {
      SeqID: 1,
      LogID: 1,
      service: 1,
      method: 1,
      headers: [
        { key: 'type', value: 'event' },
        { key: 'message_id', value: id },
        { key: 'sum', value: '1' },
        { key: 'seq', value: '0' },
        { key: 'trace_id', value: 'trace-1' },
      ],
      payload: new TextEncoder().encode(JSON.stringify(envelope)),
    };
    const response = new Promise<Frame>((r) => this.wsWaiters.set(id, r));
    ws.send(encodeFrame(frame));
    const got = await response;
    const body = JSON.parse(new TextDecoder().decode(got.payload));
    return { code: body.code, data: body.data ? JSON.parse(Buffer.from(body.data, 'base64').toString('utf8')) : undefined };
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const auth = req.headers.authorization;
    this.calls.push({ method, path, query: Object.fromEntries(url.searchParams), body, auth });

    const failure = this.failures.find((f) => f.times > 0 && f.match.test(`${method} ${path}`));
    if (failure) {
      failure.times--;
      return this.json(res, failure.status, failure.body, failure.headers);
    }

    if (path === '/open-apis/auth/v3/tenant_access_token/internal') {
      if (body?.app_id !== FAKE_APP_ID || body?.app_secret !== FAKE_APP_SECRET) return this.json(res, 200, { code: 10014, msg: 'app secret invalid' });
      const token = `t-fake-${randomUUID()}`;
      this.tokens.add(token);
      return this.json(res, 200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    if (path === '/callback/ws/endpoint') {
      if (body?.AppID !== FAKE_APP_ID || body?.AppSecret !== FAKE_APP_SECRET) return this.json(res, 200, { code: 403, msg: 'forbidden' });
      const wsUrl = `${this.baseUrl.replace('http', 'ws')}/ws?device_id=dev1&service_id=1`;
      return this.json(res, 200, {
        code: 0,
        msg: 'ok',
        data: { URL: wsUrl, ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 } },
      });
    }
    const token = auth?.replace(/^Bearer /, '');
    if (!token || !this.tokens.has(token)) return this.json(res, 401, { code: 99991663, msg: 'Invalid access token' });

    if (this.docs.handle(method, path, Object.fromEntries(url.searchParams), (r, status, b) => this.json(r, status, b), res)) return;
    if (path === '/open-apis/bot/v3/info' && method === 'GET') {
      return this.json(res, 200, { code: 0, msg: 'ok', bot: { open_id: FAKE_BOT_OPEN_ID, app_name: '合规助手' } });
    }
    let m: RegExpExecArray | null;
    if (path === '/open-apis/im/v1/messages' && method === 'POST') {
      return this.recordSend(res, 'create', body?.receive_id, body, undefined);
    }
    if ((m = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path)) && method === 'POST') {
      return this.recordSend(res, 'reply', m[1]!, body, Boolean(body?.reply_in_thread));
    }
    if ((m = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path)) && method === 'PATCH') {
      this.messages.push({ kind: 'patch', messageId: m[1]!, target: m[1]!, msgType: 'interactive', content: JSON.parse(body.content) });
      return this.json(res, 200, { code: 0, msg: 'ok', data: {} });
    }
    if (path.startsWith('/open-apis/cardkit/v1/')) return this.cardkit(res, method, path, body);
    if ((m = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(path)) && method === 'GET') {
      const r = this.resources.get(`${m[1]}/${m[2]}`);
      if (!r) return this.json(res, 400, { code: 234003, msg: 'File not in msg.' });
      res.writeHead(200, { 'content-type': r.contentType, 'content-length': String(r.data.length) });
      res.end(r.data);
      return;
    }
    this.json(res, 404, { code: 404, msg: `fake: no route ${method} ${path}` });
  }

  /** CardKit: card entities, id conversion, streaming text, settings and full updates. */
  private cardkit(res: ServerResponse, method: string, path: string, body: any): void {
    let m: RegExpExecArray | null;
    const newEntity = (card: any): FakeCardEntity => {
      const entity: FakeCardEntity = {
        cardId: `card_${++this.msgSeq}`,
        card,
        streaming: Boolean(card?.config?.streaming_mode),
        sequence: 0,
        contentUpdates: [],
        changes: [],
      };
      this.cards.set(entity.cardId, entity);
      return entity;
    };
    // Every change carries a sequence that must grow, as on the real platform.
    const ordered = (entity: FakeCardEntity, sequence: unknown): boolean => {
      if (typeof sequence !== 'number' || sequence <= entity.sequence) {
        this.json(res, 400, { code: 300317, msg: 'sequence number compare failed' });
        return false;
      }
      entity.sequence = sequence;
      return true;
    };
    if (path === '/open-apis/cardkit/v1/cards' && method === 'POST') {
      if (body?.type !== 'card_json') return this.json(res, 400, { code: 400, msg: 'type must be card_json' });
      return this.json(res, 200, { code: 0, msg: 'ok', data: { card_id: newEntity(JSON.parse(body.data)).cardId } });
    }
    if (path === '/open-apis/cardkit/v1/cards/id_convert' && method === 'POST') {
      const sent = this.messages.find((x) => x.messageId === body?.message_id && x.msgType === 'interactive');
      if (!sent) return this.json(res, 400, { code: 300301, msg: 'message not found' });
      const entity = [...this.cards.values()].find((c) => c.card === sent.content) ?? newEntity(sent.content);
      this.convertedFrom.set(entity.cardId, sent.messageId);
      return this.json(res, 200, { code: 0, msg: 'ok', data: { card_id: entity.cardId } });
    }
    const entity = (m = /^\/open-apis\/cardkit\/v1\/cards\/([^/]+)/.exec(path)) ? this.cards.get(m[1]!) : undefined;
    if (!entity) return this.json(res, 400, { code: 300300, msg: 'card not found' });
    if (/\/elements\/([^/]+)\/content$/.test(path) && method === 'PUT') {
      const elementId = /\/elements\/([^/]+)\/content$/.exec(path)![1]!;
      if (!entity.streaming) return this.json(res, 400, { code: 300309, msg: 'streaming mode is closed' });
      if (!ordered(entity, body?.sequence)) return;
      entity.contentUpdates.push({ elementId, content: String(body?.content ?? ''), sequence: body.sequence });
      return this.json(res, 200, { code: 0, msg: 'ok', data: {} });
    }
    if (path.endsWith('/settings') && method === 'PATCH') {
      if (!ordered(entity, body?.sequence)) return;
      const settings = JSON.parse(body.settings);
      if (typeof settings?.config?.streaming_mode === 'boolean') entity.streaming = settings.config.streaming_mode;
      entity.changes.push({ kind: 'settings', body: settings });
      return this.json(res, 200, { code: 0, msg: 'ok', data: {} });
    }
    if (method === 'PUT' && /^\/open-apis\/cardkit\/v1\/cards\/[^/]+$/.test(path)) {
      if (!ordered(entity, body?.sequence)) return;
      entity.card = JSON.parse(body.card.data);
      if (typeof entity.card?.config?.streaming_mode === 'boolean') entity.streaming = entity.card.config.streaming_mode;
      entity.changes.push({ kind: 'update', body: entity.card });
      return this.json(res, 200, { code: 0, msg: 'ok', data: {} });
    }
    this.json(res, 404, { code: 404, msg: `fake: no cardkit route ${method} ${path}` });
  }

  private recordSend(res: ServerResponse, kind: 'create' | 'reply', target: string, body: any, inThread: boolean | undefined): void {
    // Same uuid = same message, as on the real platform (idempotent retries).
    const dup = body?.uuid ? this.messages.find((x) => x.uuid === body.uuid) : undefined;
    if (dup) return this.json(res, 200, { code: 0, msg: 'ok', data: { message_id: dup.messageId } });
    const messageId = `om_bot_${++this.msgSeq}`;
    let content: any = body?.content;
    try {
      content = JSON.parse(body.content);
    } catch {
      /* keep raw */
    }
    this.messages.push({ kind, messageId, target, msgType: body?.msg_type, content, replyInThread: inThread, uuid: body?.uuid });
    this.json(res, 200, { code: 0, msg: 'ok', data: { message_id: messageId, chat_id: 'oc_x' } });
  }
}

/** Polls until `check` passes or the timeout ends (events are answered in the background). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

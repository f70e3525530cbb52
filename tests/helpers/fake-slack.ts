import { createHmac } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One recorded Web API call (token from the Authorization header, params decoded). */
export interface FakeCall {
  method: string;
  params: Record<string, any>;
  authorization?: string;
  status: number;
  at: number;
  /** Taken by `holdCalls` and never answered. */
  held?: boolean;
}

/** One POST to a response_url. */
export interface FakeResponse {
  id: string;
  body: Record<string, any>;
  at: number;
}

export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export const FAKE_BOT_USER = 'UBOT0001';
export const FAKE_BOT_ID = 'BBOT0001';

/**
 * A local stand-in for Slack's Web API: auth.test, chat.*, reactions.*, views.open,
 * conversations.open, file downloads (bearer token required) and response_url endpoints.
 * Every call is recorded; `failNext` queues canned failures (429, ok:false, 500) per method.
 */
export class FakeSlack {
  readonly calls: FakeCall[] = [];
  readonly responses: FakeResponse[] = [];
  readonly downloads: { name: string; authorization?: string }[] = [];
  private readonly failures = new Map<string, CannedResponse[]>();
  private readonly responseFailures: (CannedResponse & { hold?: boolean })[] = [];
  private readonly files = new Map<string, Uint8Array>();
  private holdWhen: ((method: string, params: Record<string, any>) => boolean) | null = null;
  private holdResponseWhen: ((id: string, body: Record<string, any>) => boolean) | null = null;
  /** response_url posts that were held (taken, never answered). */
  readonly heldResponses: FakeResponse[] = [];
  private readonly server: http.Server;
  private seq = 0;
  private port = 0;

  constructor(private readonly expectedToken = 'xoxb-test-token') {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private socketServer: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();

  /**
   * Answers `apps.connections.open` with a WebSocket on this server that greets with Slack's
   * `hello`, enough for Bolt's Socket Mode client to count as connected.
   */
  enableSocketMode(): void {
    if (this.socketServer) return;
    const wss = new WebSocketServer({ noServer: true });
    this.socketServer = wss;
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        ws.on('close', () => this.sockets.delete(ws));
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0001' }, debug_info: { host: 'fake' } }));
      });
    });
  }

  /** Socket Mode connections that are open now. */
  get socketConnections(): number {
    return this.sockets.size;
  }

  /** Cuts every Socket Mode connection, as a network outage would. */
  dropSocketConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async stop(): Promise<void> {
    this.dropSocketConnections();
    this.socketServer?.close();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** For SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }
  responseUrl(id = `r${++this.seq}`): string {
    return `${this.origin}/response/${id}`;
  }
  addFile(name: string, data: Uint8Array | string): string {
    this.files.set(name, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return `${this.origin}/files/${encodeURIComponent(name)}`;
  }

  /**
   * Calls matching `when` are recorded and then never answered (until stop): a platform that
   * took the request and hung, or a caller killed while waiting for the answer.
   */
  holdCalls(when: (method: string, params: Record<string, any>) => boolean): void {
    this.holdWhen = when;
  }

  /**
   * The next POSTs to any response_url get these answers in turn (an expired URL is a 404); with
   * `hold` the POST is recorded and never answered, as a response_url that hangs.
   */
  failNextResponse(response: CannedResponse & { hold?: boolean }): void {
    this.responseFailures.push(response);
  }

  /** response_url posts matching `when` are kept in `heldResponses` and never answered. */
  holdResponses(when: ((id: string, body: Record<string, any>) => boolean) | null): void {
    this.holdResponseWhen = when;
  }

  failNext(method: string, response: CannedResponse): void {
    const q = this.failures.get(method) ?? [];
    q.push(response);
    this.failures.set(method, q);
  }

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }
  responsesTo(id: string): FakeResponse[] {
    return this.responses.filter((r) => r.id === id);
  }

  /** Resolves once `check` returns a truthy value (polling), or rejects after `timeoutMs`. */
  async waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
    const started = Date.now();
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() - started > timeoutMs) throw new Error('FakeSlack.waitFor timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/files/')) {
      const name = decodeURIComponent(url.pathname.slice('/files/'.length));
      this.downloads.push({ name, authorization: req.headers.authorization });
      const data = this.files.get(name);
      if (req.headers.authorization !== `Bearer ${this.expectedToken}`) return send(res, 403, 'forbidden', 'text/plain');
      if (!data) return send(res, 404, 'not found', 'text/plain');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from(data));
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      const id = url.pathname.slice('/response/'.length);
      const body = JSON.parse(raw || '{}') as Record<string, any>;
      const canned = this.responseFailures.shift();
      if (canned?.hold) return;
      if (canned) return send(res, canned.status ?? 500, JSON.stringify(canned.body ?? 'failed'), 'text/plain');
      if (this.holdResponseWhen?.(id, body)) {
        this.heldResponses.push({ id, body, at: Date.now() });
        return;
      }
      this.responses.push({ id, body, at: Date.now() });
      return send(res, 200, 'ok', 'text/plain');
    }
    if (!url.pathname.startsWith('/api/')) return send(res, 404, 'not found', 'text/plain');
    const method = url.pathname.slice('/api/'.length);
    const params = parseParams(raw, String(req.headers['content-type'] ?? ''));
    const canned = this.failures.get(method)?.shift();
    const status = canned?.status ?? 200;
    const held = Boolean(this.holdWhen?.(method, params));
    this.calls.push({ method, params, authorization: req.headers.authorization, status, at: Date.now(), ...(held ? { held } : {}) });
    if (held) return;
    if (canned) {
      res.writeHead(status, { 'content-type': 'application/json', ...(canned.headers ?? {}) });
      res.end(JSON.stringify(canned.body ?? { ok: false, error: 'fake_failure' }));
      return;
    }
    // Socket Mode is opened with the app-level token (xapp-…), everything else with the bot token.
    const appLevel = Boolean(this.socketServer) && method === 'apps.connections.open' && /^Bearer xapp-/.test(String(req.headers.authorization ?? ''));
    if (!appLevel && req.headers.authorization !== `Bearer ${this.expectedToken}`) {
      return send(res, 200, JSON.stringify({ ok: false, error: 'invalid_auth' }));
    }
    send(res, 200, JSON.stringify(this.answer(method, params)));
  }

  private nextTs(): string {
    return `17000000${String(++this.seq).padStart(2, '0')}.${String(this.seq).padStart(6, '0')}`;
  }

  private answer(method: string, p: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return this.socketServer ? { ok: true, url: `ws://127.0.0.1:${this.port}/socket` } : { ok: false, error: 'unknown_method' };
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'compliance', team_id: 'T0001', user_id: FAKE_BOT_USER, bot_id: FAKE_BOT_ID };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return { ok: true, channel: p.channel, ts, message: { ts, text: p.text, thread_ts: p.thread_ts } };
      }
      case 'chat.update':
        return { ok: true, channel: p.channel, ts: p.ts, text: p.text };
      case 'chat.delete':
        return { ok: true, channel: p.channel, ts: p.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      // Streaming messages: only in a thread, and outside DMs only for a named recipient.
      case 'chat.startStream': {
        if (!p.thread_ts) return { ok: false, error: 'invalid_arguments' };
        if (!String(p.channel).startsWith('D') && (!p.recipient_user_id || !p.recipient_team_id)) return { ok: false, error: 'invalid_arguments' };
        const ts = this.nextTs();
        return { ok: true, channel: p.channel, ts };
      }
      case 'assistant.threads.setStatus':
        return p.channel_id && p.thread_ts ? { ok: true } : { ok: false, error: 'invalid_arguments' };
      case 'chat.appendStream':
        return { ok: true, channel: p.channel, ts: p.ts };
      case 'chat.stopStream':
        return { ok: true, channel: p.channel, ts: p.ts, message: { ts: p.ts } };
      case 'reactions.add':
      case 'reactions.remove':
        return { ok: true };
      case 'views.open':
        return { ok: true, view: { id: `V${++this.seq}` } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(p.users ?? '').split(',')[0]}` } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The WebClient posts form-encoded params with objects (blocks, view) as JSON strings. */
function parseParams(raw: string, contentType: string): Record<string, any> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw);
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

// ---------- signed requests to the bot ----------

export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  secret: string;
  timestamp?: number;
  /** Replaces the computed signature (bad-signature tests); `null` omits the header. */
  signature?: string | null;
  headers?: Record<string, string>;
}

export interface SendResult {
  status: number;
  body: string;
  ms: number;
}

export async function sendSigned(url: string, body: string, contentType: string, opts: SendOptions): Promise<SendResult> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    ...(opts.headers ?? {}),
  };
  const sig = opts.signature === undefined ? slackSignature(opts.secret, ts, body) : opts.signature;
  if (sig !== null) headers['x-slack-signature'] = sig;
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text, ms: performance.now() - started };
}

export function commandBody(p: {
  command: string;
  text?: string;
  user_id?: string;
  channel_id?: string;
  response_url: string;
  trigger_id?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    team_domain: 'fake',
    channel_id: p.channel_id ?? 'C0001',
    channel_name: 'sales',
    user_id: p.user_id ?? 'U0001',
    user_name: 'alice',
    command: p.command,
    text: p.text ?? '',
    api_app_id: 'A0001',
    response_url: p.response_url,
    trigger_id: p.trigger_id ?? `${Date.now()}.${Math.floor(Math.random() * 1e9)}.abc`,
  }).toString();
}

export function eventBody(event: Record<string, unknown>, eventId: string): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0001', user_id: FAKE_BOT_USER, is_bot: true }],
    event,
  });
}

export function interactionBody(payload: Record<string, unknown>): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

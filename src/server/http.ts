import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** What `/healthz` reports: `ok: false` answers 503. */
export type HealthSource = () => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface HttpServerOptions {
  health?: HealthSource;
  /** `GET /metrics` in Prometheus text format. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Called when a mounted route has answered (platform webhooks: the time to ack). */
  onRouteAnswered?: (route: string, seconds: number) => void;
  limits?: Partial<ConnectionLimits>;
}

export interface ConnectionLimits {
  /** Open sockets at most; past it the oldest socket with no request in progress is closed. */
  maxConnections: number;
  /** A client must have sent its request headers within this long of connecting. */
  headersTimeoutMs: number;
  /** The whole request (headers and body) within this long. */
  requestTimeoutMs: number;
  /** An idle keep-alive socket is closed after this long. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/**
 * The one HTTP server of the bot process: `/healthz` plus whatever the adapters mount
 * (`/slack/events`, `/feishu/events`). Adapters bring their own SDK request handlers.
 */
export class HttpServer {
  private readonly routes = new Map<string, RequestHandler>();
  private readonly prefixes: { prefix: string; handler: RequestHandler }[] = [];
  private readonly server: http.Server;

  private readonly options: HttpServerOptions;

  /** Open sockets, oldest first (a Map keeps insertion order), each with its requests in progress. */
  private readonly sockets = new Map<Socket, { busy: number }>();

  /** Requests read but not yet answered: platform acks waiting for the event loop. */
  private unanswered = 0;
  /** Work that yielded to unanswered requests, oldest first. */
  private readonly yielded: { resume: () => void; deadline: number }[] = [];
  private resumeScheduled = false;
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(options: HttpServerOptions | HealthSource = {}) {
    this.options = typeof options === 'function' ? { health: options } : options;
    const limits = { ...DEFAULT_CONNECTION_LIMITS, ...this.options.limits };
    this.server = http.createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // Node checks the two timeouts above on this interval: a tenth of the shorter one.
        connectionsCheckingInterval: Math.max(50, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10),
      },
      (req, res) => {
        const state = this.sockets.get(req.socket);
        if (state) {
          state.busy++;
          res.once('close', () => state.busy--);
        }
        this.unanswered++;
        let answered = false;
        const onAnswered = () => {
          if (answered) return;
          answered = true;
          this.unanswered--;
          if (this.unanswered === 0) this.scheduleResume();
        };
        res.once('finish', onAnswered);
        res.once('close', onAnswered);
        void this.dispatch(req, res);
      },
    );
    this.server.on('connection', (socket: Socket) => this.admit(socket, limits.maxConnections));
  }

  /**
   * Node's own maxConnections refuses the newest socket, so a flood of idle connections would
   * lock out /healthz and real platform requests until the timeouts fire. Here the newcomer is
   * kept and the oldest socket with no request in progress makes room; only when every socket is
   * busy is the newcomer refused.
   */
  private admit(socket: Socket, max: number): void {
    if (this.sockets.size >= max) {
      const idle = [...this.sockets].find(([, s]) => s.busy === 0)?.[0];
      if (idle) {
        idle.destroy();
        this.sockets.delete(idle);
      } else {
        socket.destroy();
        return;
      }
    }
    this.sockets.set(socket, { busy: 0 });
    socket.once('close', () => this.sockets.delete(socket));
  }

  /**
   * Resolves when no request is waiting for its response, one caller per turn of the event loop:
   * work that runs after a platform ack (answers, database writes, replies) calls this first, so
   * a burst of requests is acknowledged before any of that work takes the thread. Node has no
   * task priorities, hence this small scheduler. A caller that has waited `maxWaitMs` is resumed
   * anyway, so a steady stream of requests (or one slow response) delays work but never starves it.
   */
  yieldToRequests(maxWaitMs = 500): Promise<void> {
    return new Promise((resume) => {
      this.yielded.push({ resume, deadline: performance.now() + maxWaitMs });
      this.scheduleResume();
    });
  }

  private scheduleResume(): void {
    if (this.resumeScheduled || this.yielded.length === 0) return;
    this.resumeScheduled = true;
    // setImmediate runs after the poll phase: requests that arrived meanwhile are read (and acked) first.
    setImmediate(() => {
      this.resumeScheduled = false;
      clearTimeout(this.resumeTimer);
      this.resumeTimer = undefined;
      const oldest = this.yielded[0];
      if (!oldest) return;
      const left = oldest.deadline - performance.now();
      if (this.unanswered === 0 || left <= 0) {
        this.yielded.shift();
        oldest.resume();
        this.scheduleResume();
      } else {
        this.resumeTimer = setTimeout(() => this.scheduleResume(), left);
        this.resumeTimer.unref();
      }
    });
  }

  /** Open sockets now (for tests and diagnostics). */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Exact path match (query string ignored). */
  mount(path: string, handler: RequestHandler): void {
    this.routes.set(path, handler);
  }

  /** Everything at or below `prefix` (`/admin`, `/admin/…`) goes to one handler, e.g. a web app with its own router. */
  mountPrefix(prefix: string, handler: RequestHandler): void {
    this.prefixes.push({ prefix: prefix.replace(/\/$/, ''), handler });
  }

  get nodeServer(): http.Server {
    return this.server;
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const report = this.options.health ? await this.options.health() : { ok: true };
        res.writeHead(report.ok === false ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(report));
        return;
      }
      if (path === '/metrics' && this.options.metrics && (req.method === 'GET' || req.method === 'HEAD')) {
        const { contentType, body } = await this.options.metrics();
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(body);
        return;
      }
      const handler =
        this.routes.get(path) ?? this.prefixes.find((p) => path === p.prefix || path.startsWith(`${p.prefix}/`))?.handler;
      if (!handler) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found' }));
        return;
      }
      const onAnswered = this.options.onRouteAnswered;
      if (onAnswered) {
        const started = process.hrtime.bigint();
        res.once('finish', () => onAnswered(path, Number(process.hrtime.bigint() - started) / 1e9));
      }
      await handler(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    }
  }
}

/**
 * The whole request body, or `null` once it passes `limit` bytes (the rest is left unread, so the
 * caller should answer 413 with `Connection: close`).
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  // Plain stream events rather than `for await`: the async iterator costs several promises per
  // chunk, and this runs before every platform ack.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buf.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      // Closed before the end: the client went away mid-body.
      cleanup();
      if (!req.complete) reject(new Error('request closed before its body was complete'));
    };
    function cleanup() {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

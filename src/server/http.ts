import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The one HTTP server of the bot process: `/healthz` plus whatever the adapters mount
 * (`/slack/events`, `/feishu/events`). Adapters bring their own SDK request handlers.
 */
export class HttpServer {
  private readonly routes = new Map<string, RequestHandler>();
  private readonly prefixes: { prefix: string; handler: RequestHandler }[] = [];
  private readonly server: http.Server;

  constructor(private readonly health: () => Record<string, unknown> = () => ({ ok: true })) {
    this.server = http.createServer((req, res) => {
      void this.dispatch(req, res);
    });
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
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.health()));
        return;
      }
      const handler =
        this.routes.get(path) ?? this.prefixes.find((p) => path === p.prefix || path.startsWith(`${p.prefix}/`))?.handler;
      if (!handler) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found' }));
        return;
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
export async function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limit) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/server/http.js';

/**
 * Issue 15, load: work after a platform ack yields to requests still waiting for their response,
 * so a burst is acknowledged before answers take the bot's thread (HttpServer.yieldToRequests).
 */

/** A route that answers only when told to: a request in progress for as long as the test wants. */
function heldRoute(server: HttpServer): { release: () => void; arrived: Promise<void> } {
  let release = () => undefined as void;
  let arrived!: () => void;
  const arrivedP = new Promise<void>((r) => (arrived = r));
  server.mount('/held', (_req, res) => {
    arrived();
    release = () => {
      res.writeHead(200);
      res.end('released');
    };
  });
  return { release: () => release(), arrived: arrivedP };
}

function get(port: number, route: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: route, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** A server with one request in progress (GET /held) until `held.release()`. */
async function withHeldRequest(server: HttpServer) {
  const held = heldRoute(server);
  const port = await server.listen(0, '127.0.0.1');
  const response = get(port, '/held');
  await held.arrived;
  return { held, response };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('HttpServer.yieldToRequests', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    server?.nodeServer.closeAllConnections(); // a held request left open by a failed assertion
    await server?.close();
    server = undefined;
  });

  it('holds work while a request waits for its response, and resumes it once that request is answered', async () => {
    server = new HttpServer();
    const { held, response } = await withHeldRequest(server);
    const order: string[] = [];
    const work = server.yieldToRequests(10_000).then(() => order.push('work'));
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(order).toEqual([]);
    held.release();
    expect(await response).toBe(200);
    order.push('answered');
    await work;
    expect(order).toEqual(['answered', 'work']);
  });

  it('with no request in progress the work resumes on the next turn of the event loop, not within the current one', async () => {
    server = new HttpServer();
    await server.listen(0, '127.0.0.1');
    const order: string[] = [];
    const work = server.yieldToRequests().then(() => order.push('work'));
    await Promise.resolve();
    order.push('same turn');
    await work;
    expect(order).toEqual(['same turn', 'work']);
  });

  it('a request that is never answered delays the work by at most its wait, never for ever', async () => {
    server = new HttpServer();
    const held = heldRoute(server);
    const port = await server.listen(0, '127.0.0.1');
    const response = get(port, '/held').catch(() => 0);
    await held.arrived;
    const started = performance.now();
    await server.yieldToRequests(150);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    held.release();
    await response;
  });

  it('waiting work resumes oldest first, each piece after the previous one has run', async () => {
    server = new HttpServer();
    const { held, response } = await withHeldRequest(server);
    const order: string[] = [];
    const pieces = [1, 2, 3].map((i) =>
      server!.yieldToRequests(10_000).then(() => {
        order.push(`start ${i}`);
        order.push(`end ${i}`);
      }),
    );
    await nextTurn();
    held.release();
    await response;
    await Promise.all(pieces);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});

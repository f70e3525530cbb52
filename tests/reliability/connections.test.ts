import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/server/http.js';

/**
 * Issue 15, connections: 1,100 idle half-open sockets (no authentication needed to open them)
 * must not lock out /healthz, and the server must close them on its own.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openIdle(port: number, n: number, partialHeader: boolean): Promise<net.Socket[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => {
            if (partialHeader) s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); // never finished
            resolve(s);
          });
          s.on('error', () => undefined);
          s.resume(); // read whatever the server sends (its 408), so its close is seen here
          s.once('error', reject);
        }),
    ),
  );
}

async function healthz(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  await res.text();
  return res.status;
}

describe('HTTP server under idle-connection floods', () => {
  let server: HttpServer | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
  });

  it('1,100 idle sockets past a cap of 1,000: /healthz still answers at once, the server never holds more than the cap', async () => {
    server = new HttpServer({ health: () => ({ ok: true }), limits: { maxConnections: 1000, headersTimeoutMs: 60_000 } });
    const port = await server.listen(0, '127.0.0.1');
    sockets.push(...(await openIdle(port, 550, false)), ...(await openIdle(port, 550, true)));
    await sleep(100);
    expect(server.connectionCount).toBeLessThanOrEqual(1000);
    expect(await healthz(port)).toBe(200);
  });

  it('half-open sockets are closed by the server after the headers timeout', async () => {
    server = new HttpServer({ health: () => ({ ok: true }), limits: { headersTimeoutMs: 400, requestTimeoutMs: 400 } });
    const port = await server.listen(0, '127.0.0.1');
    const idle = await openIdle(port, 50, true);
    const silent = await openIdle(port, 50, false);
    sockets.push(...idle, ...silent);
    const closed = [...idle, ...silent].map((s) => new Promise<void>((r) => s.once('close', () => r())));
    const started = Date.now();
    await Promise.race([Promise.all(closed), sleep(5000)]);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.connectionCount).toBe(0);
    expect(await healthz(port)).toBe(200);
  });

  it('a request in progress is never the one closed to make room (negative: busy sockets are kept)', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    server = new HttpServer({ limits: { maxConnections: 10, headersTimeoutMs: 60_000 } });
    server.mount('/slow', async (_req, res) => {
      await held;
      res.end('done');
    });
    const port = await server.listen(0, '127.0.0.1');
    const slow = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.text());
    await sleep(100);
    sockets.push(...(await openIdle(port, 20, false)));
    await sleep(100);
    release();
    expect(await slow).toBe('done');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * The real bot (`src/main.ts`, nothing stubbed) as a child process, for tests that kill it with
 * SIGKILL or run several of it: the same entry point `npm run dev` starts.
 */

export const REPO = path.resolve('.');

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 100 ms until it returns a truthy value; throws naming `what` after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the bot with exactly `env` (plus PATH and HOME) on PORT `port`. */
export function spawnService(env: Record<string, string>, port: number): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts')], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, port, output, exited };
}

/** Resolves when /healthz lists every named part (the platforms have started); fails if the process exits first. */
export async function serviceReady(s: ServiceProcess, parts: string[], timeoutMs = 180_000): Promise<void> {
  await until(
    async () => {
      if (s.child.exitCode !== null) throw new Error(`service exited:\n${s.output.join('').slice(-3000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${s.port}/healthz`);
        const body = (await res.json()) as { parts?: Record<string, unknown> };
        return parts.every((p) => Boolean(body.parts?.[p]));
      } catch {
        return false;
      }
    },
    timeoutMs,
    'the service to start',
  );
}

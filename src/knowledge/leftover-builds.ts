import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * A build killed mid-way leaves its temporary `.index-<pid>-<hex>` folder, and one killed between
 * the two renames of the swap an `index.old-<hex>`; both can be hundreds of megabytes. They are
 * removed before the next build and at start: a temporary folder when its process is gone (or it
 * is over an hour old, the pid having been reused), an old index when it is over a minute old
 * (a live swap holds it for milliseconds; another replica on the same folder may be mid-swap).
 */
const STALE_TMP_MS = 3600_000;
const STALE_OLD_MS = 60_000;

/**
 * `atStart`: nothing of this process is building yet, so a folder named with our own pid is a
 * leftover too (containers restart with the same pid).
 */
export function cleanLeftoverBuilds(indexDir: string, atStart: boolean, now = Date.now()): string[] {
  const parent = path.dirname(indexDir);
  const base = path.basename(indexDir);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const full = path.join(parent, name);
    const tmp = /^\.index-(\d+)-[0-9a-f]+$/.exec(name);
    const isOld = name.startsWith(`${base}.old-`);
    if (!tmp && !isOld) continue;
    let ageMs: number;
    try {
      ageMs = now - statSync(full).mtimeMs;
    } catch {
      continue;
    }
    const stale = tmp ? !processAlive(Number(tmp[1]), atStart) || ageMs > STALE_TMP_MS : ageMs > STALE_OLD_MS;
    if (!stale) continue;
    rmSync(full, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number, atStart: boolean): boolean {
  if (pid === process.pid) return !atStart;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

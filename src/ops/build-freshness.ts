import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * When running the compiled code (dist/), a source file edited after the last build means the
 * process is about to run old code. Returns a one-line warning then, null otherwise (also when
 * running from src/ through tsx, or in an image that ships no src/). Costs a few milliseconds.
 */
export function staleBuildWarning(entryUrl: string): string | null {
  const entry = fileURLToPath(entryUrl);
  const distDir = path.dirname(entry).split(path.sep).includes('dist') ? distRoot(entry) : null;
  if (!distDir) return null;
  const srcDir = path.join(path.dirname(distDir), 'src');
  if (!existsSync(srcDir)) return null;
  const built = statSync(entry).mtimeMs;
  const newer = newestFile(srcDir);
  if (!newer || newer.mtimeMs <= built) return null;
  return `warning: ${path.relative(process.cwd(), newer.file)} changed after the last build — run "npm run build" (or "npm run dev" to run the sources)`;
}

function distRoot(file: string): string | null {
  let dir = path.dirname(file);
  while (path.basename(dir) !== 'dist') {
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return dir;
}

function newestFile(dir: string): { file: string; mtimeMs: number } | null {
  let best: { file: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestFile(full) : entry.name.endsWith('.ts') ? { file: full, mtimeMs: statSync(full).mtimeMs } : null;
    if (candidate && (!best || candidate.mtimeMs > best.mtimeMs)) best = candidate;
  }
  return best;
}

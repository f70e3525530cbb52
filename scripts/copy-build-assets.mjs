// tsc compiles only TypeScript: the plain JavaScript the bot loads at run time (the worker boot
// file, the dashboard's browser script) is copied next to the compiled modules, same paths.
// Usage: node scripts/copy-build-assets.mjs [outDir]   (default dist)
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
const source = path.join(root, 'src');
const isAsset = (name) => /\.(mjs|cjs|js)$/.test(name);
let copied = 0;
for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !isAsset(entry.name)) continue;
  const from = path.join(entry.parentPath, entry.name);
  cpSync(from, path.join(outDir, path.relative(source, from)));
  copied++;
}
process.stdout.write(`copied ${copied} run-time asset(s) to ${path.relative(root, outDir) || '.'}\n`);

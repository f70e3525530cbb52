/**
 * `npm run structure`: the architecture, checked. Fails on
 *  - an import loop between files (and between folders of the same layer); a loop closed only by
 *    `import type` is erased by the compiler, so it is reported as a warning, not a failure,
 *  - an import from a lower layer to a higher one (see LAYERS),
 *  - a chat-platform SDK imported outside its adapter folder,
 *  - a file under src/ over MAX_LINES lines.
 *
 * Hand-written rather than dependency-cruiser or madge: both parse TypeScript through the
 * `typescript` package's JavaScript API, which TypeScript 7 (the native compiler this project
 * uses) no longer ships. Our imports are plain ESM `import`/`export … from`/`import()` with
 * relative `.js` specifiers, which a small scanner reads reliably.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAX_LINES = 400;

/**
 * Lowest first. A module may import from its own layer or any layer below, never above.
 * Keys are folders under src/ (or a file at src/ top level); the most specific key wins.
 */
export const LAYERS: readonly { name: string; modules: readonly string[]; why: string }[] = [
  { name: 'foundation', modules: ['text', 'log', 'errors', 'storage', 'data-files', 'server', 'runtime'], why: 'utilities with no knowledge of the bot' },
  { name: 'handbook', modules: ['retrieval', 'answer'], why: 'search and answers over the handbook; no chat concepts' },
  { name: 'core', modules: ['core'], why: 'the reply model, ports and router that every feature plugs into' },
  { name: 'features', modules: ['knowledge', 'documents', 'precheck', 'credit', 'schedule', 'analytics'], why: 'domain features registered with the core' },
  { name: 'platform-kit', modules: ['platforms/shared'], why: 'what every chat adapter does alike' },
  { name: 'platforms', modules: ['platforms/slack', 'platforms/feishu', 'platforms/console'], why: 'adapters: translate in, render out' },
  { name: 'app', modules: ['config', 'app.ts', 'cli', 'main.ts', 'admin', 'index-build.ts', 'index-worker.ts', 'answer-pool.ts', 'answer-worker.ts', 'ops', 'service.ts'], why: 'configuration, composition, and running it (service, metrics)' },
];

/** Chat SDKs belong to their adapter and nowhere else. */
const PLATFORM_PACKAGES: Record<string, string> = {
  '@slack/bolt': 'platforms/slack',
  '@slack/web-api': 'platforms/slack',
  '@larksuiteoapi/node-sdk': 'platforms/feishu',
};

/**
 * Problems that other open work removes; reported as warnings until then. Each names who fixes it.
 * Remove an entry when its problem is gone (the script says so).
 */
export const KNOWN_PROBLEMS: readonly { message: string; owner: string }[] = [];

/** Reported, but not a failure: known problems, and loops closed only by erased type imports. */
export function isKnown(p: Problem): boolean {
  return p.kind === 'type-cycle' || KNOWN_PROBLEMS.some((k) => p.message.startsWith(k.message));
}

export interface Problem {
  kind: 'cycle' | 'type-cycle' | 'folder-cycle' | 'upward' | 'platform-sdk' | 'size' | 'unlayered';
  message: string;
}

interface SourceFile {
  /** Path relative to src/, with forward slashes. */
  rel: string;
  lines: number;
  relativeImports: string[];
  /** The subset of relativeImports made only by `import type` / `export type` (erased at run time). */
  typeOnlyImports: Set<string>;
  packageImports: string[];
}

const IMPORT_RE = /(?:^|[\s;{}])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Comments removed (string contents kept: specifiers live in strings). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return listFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function readSources(srcDir: string): SourceFile[] {
  return listFiles(srcDir).map((full) => {
    const text = readFileSync(full, 'utf8');
    const rel = path.relative(srcDir, full).split(path.sep).join('/');
    const relativeImports: string[] = [];
    const runtime = new Set<string>();
    const packageImports: string[] = [];
    for (const m of stripComments(text).matchAll(IMPORT_RE)) {
      const spec = m[2] ?? m[3]!;
      if (spec.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)).replace(/\.js$/, '.ts');
        relativeImports.push(target);
        if (!m[1]) runtime.add(target);
      } else {
        packageImports.push(spec);
      }
    }
    const typeOnlyImports = new Set(relativeImports.filter((t) => !runtime.has(t)));
    return { rel, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), relativeImports, typeOnlyImports, packageImports };
  });
}

/** The module (LAYERS key) a file belongs to: the longest key that is the file or a folder above it. */
export function moduleOf(rel: string): string | undefined {
  let best: string | undefined;
  for (const layer of LAYERS) {
    for (const key of layer.modules) {
      if ((rel === key || rel.startsWith(`${key}/`)) && (!best || key.length > best.length)) best = key;
    }
  }
  return best;
}

function layerIndex(module: string): number {
  return LAYERS.findIndex((l) => l.modules.includes(module));
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(nodes: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

export function checkStructure(srcDir: string): Problem[] {
  const files = readSources(srcDir);
  const problems: Problem[] = [];
  const fileEdges = new Map<string, Set<string>>();
  const runtimeEdges = new Map<string, Set<string>>();
  const folderEdges = new Map<string, Set<string>>();

  for (const f of files) {
    if (f.lines > MAX_LINES) problems.push({ kind: 'size', message: `src/${f.rel} has ${f.lines} lines (at most ${MAX_LINES})` });
    const from = moduleOf(f.rel);
    if (!from) {
      problems.push({ kind: 'unlayered', message: `src/${f.rel} is in no layer: add its folder to LAYERS in scripts/check-structure.ts` });
      continue;
    }
    for (const pkg of f.packageImports) {
      const owner = Object.entries(PLATFORM_PACKAGES).find(([name]) => pkg === name || pkg.startsWith(`${name}/`))?.[1];
      if (owner && from !== owner) problems.push({ kind: 'platform-sdk', message: `src/${f.rel} imports ${pkg}, which only ${owner} may use` });
    }
    fileEdges.set(f.rel, new Set(f.relativeImports));
    runtimeEdges.set(f.rel, new Set(f.relativeImports.filter((t) => !f.typeOnlyImports.has(t))));
    for (const target of f.relativeImports) {
      const to = moduleOf(target);
      if (!to || to === from) continue;
      if (layerIndex(to) > layerIndex(from)) {
        problems.push({
          kind: 'upward',
          message: `src/${f.rel} (${LAYERS[layerIndex(from)]!.name}) imports src/${target} (${LAYERS[layerIndex(to)]!.name}, a higher layer)`,
        });
      }
      if (!folderEdges.has(from)) folderEdges.set(from, new Set());
      folderEdges.get(from)!.add(to);
    }
  }

  const runtimeLoops = cycles([...runtimeEdges.keys()], runtimeEdges).map((loop) => loop.join(','));
  for (const loop of cycles([...fileEdges.keys()], fileEdges)) {
    const files = loop.map((f) => `src/${f}`).join(', ');
    // A loop that survives without its type-only edges is a real one; the rest only exist for the type checker.
    const real = runtimeLoops.some((r) => r.split(',').some((f) => loop.includes(f)));
    problems.push(real ? { kind: 'cycle', message: `import loop between ${files}` } : { kind: 'type-cycle', message: `type-only import loop between ${files}` });
  }
  for (const loop of cycles([...folderEdges.keys()], folderEdges)) {
    problems.push({ kind: 'folder-cycle', message: `folders import each other: ${loop.join(' ↔ ')}` });
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const problems = checkStructure(path.resolve('src'));
  const known = problems.filter(isKnown);
  const fresh = problems.filter((p) => !isKnown(p));
  for (const p of known) {
    const owner = KNOWN_PROBLEMS.find((k) => p.message.startsWith(k.message))?.owner ?? 'erased at run time; better removed';
    process.stderr.write(`warning (${owner}): ${p.kind}: ${p.message}\n`);
  }
  for (const k of KNOWN_PROBLEMS) {
    if (!problems.some((p) => p.message.startsWith(k.message))) process.stderr.write(`fixed, remove from KNOWN_PROBLEMS: ${k.message}\n`);
  }
  for (const p of fresh) process.stderr.write(`${p.kind}: ${p.message}\n`);
  if (fresh.length) {
    process.stderr.write(`\n${fresh.length} structure problem(s); the layers are described in docs/architecture.md.\n`);
    process.exit(1);
  }
  process.stdout.write(`structure ok: no import loops, no upward imports, platform SDKs only in their adapters, no file over ${MAX_LINES} lines\n`);
}

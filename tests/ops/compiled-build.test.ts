import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What `npm start`, the Dockerfile and the systemd unit run is the compiled tree, not the sources
 * the rest of the suite imports. This builds it the way `npm run build` does, into a folder of its
 * own beside dist/ (so node_modules and the knowledge folder resolve as they do from dist/), and
 * runs the parts that load files at run time from it.
 */
const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(repo, `.build-test-${process.pid}`);
const dataDir = mkdtempSync(path.join(tmpdir(), 'compiled-'));

beforeAll(async () => {
  await run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: repo });
  await run(process.execPath, ['scripts/copy-build-assets.mjs', outDir], { cwd: repo });
}, 120_000);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the compiled build', () => {
  it('carries every plain JavaScript file the sources load at run time', () => {
    const assets = readdirSync(path.join(repo, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(mjs|cjs|js)$/.test(f));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(existsSync(path.join(outDir, asset)), asset).toBe(true);
  });

  it('builds the index on a worker thread from compiled code (cli index)', async () => {
    const { stdout } = await run(process.execPath, [path.join(outDir, 'cli/main.js'), 'index'], {
      cwd: repo,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    expect(stdout).toMatch(/Indexed \d+ documents into \d+ chunks/);
  }, 120_000);

  it('rebuilds the lexical index on a worker thread from compiled code (/kb reload)', async () => {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(path.join(outDir, 'knowledge/index-worker.js')).href)});
      const build = await m.buildLexicalIndexInWorker(${JSON.stringify(path.join(repo, 'knowledge'))});
      console.log(JSON.stringify({ chunks: build.chunks.length, thread: build.threadId }));`;
    // A script file, not `node -e`: worker threads inherit the parent's flags (--input-type among them).
    const scriptFile = path.join(outDir, 'reload-check.mjs');
    writeFileSync(scriptFile, script);
    const { stdout } = await run(process.execPath, [scriptFile], { cwd: repo });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.chunks).toBeGreaterThan(50);
    expect(result.thread).toBeGreaterThan(0);
  }, 120_000);
});

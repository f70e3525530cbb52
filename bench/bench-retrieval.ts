import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractText } from '../src/knowledge/loaders.js';

export { percentile } from './percentile.js';

export const ENGINES = ['ours', 'flexsearch', 'minisearch'] as const;
export type Engine = (typeof ENGINES)[number];

export interface EngineRun {
  engine: Engine;
  phase: 'build' | 'restart';
  chunks: number;
  openMs: number;
  firstQueryMs: number;
  memoryMb: number;
  peakMb: number;
  p50: number;
  p95: number;
  recallAt5: number;
}

/** One engine at one scale: build, restart from its stored index, and memory without the chunk texts. */
export interface EngineResult {
  engine: Engine;
  scale: number;
  chunks: number;
  buildMs: number;
  /** Load of the stored index plus the first answer, in a fresh process. */
  restartMs: number;
  p50: number;
  p95: number;
  /** Resident memory of the loaded index in a fresh process, minus that of the parsed chunks. */
  indexMb: number;
  /** Peak resident memory of the build process. */
  peakMb: number;
  recallAt5: number;
  /** Ours only: a forced `/kb reload` while questions keep coming (see bench-reload.ts). */
  reload?: { reloadMs: number; answers: number; answerP50: number; answerMax: number; maxStallMs: number };
}

/**
 * Deterministic perturbation for synthetic corpora: copy i rotates each paragraph's sentences
 * by i, so copies are distinct documents with the handbook's vocabulary.
 */
function perturb(text: string, copy: number): string {
  if (copy === 0) return text;
  return text
    .split('\n')
    .map((line) => {
      const sentences = line.match(/[^。！？；]+[。！？；]?/gu) ?? [line];
      const k = copy % Math.max(1, sentences.length);
      return [...sentences.slice(k), ...sentences.slice(0, k)].join('');
    })
    .join('\n');
}

/** A knowledge folder holding `scale` perturbed copies of the handbook (as text files) and the real glossary and cleaning rules. */
export async function writeCorpus(knowledgeDir: string, scale: number, into: string): Promise<void> {
  const handbook = path.join(into, 'handbook');
  mkdirSync(handbook, { recursive: true });
  for (const f of ['cleaning.yaml', 'glossary.yaml']) copyFileSync(path.join(knowledgeDir, f), path.join(into, f));
  const dir = path.join(knowledgeDir, 'handbook');
  for (const name of readdirSync(dir).sort()) {
    const raw = await extractText(name, readFileSync(path.join(dir, name)));
    const base = path.parse(name).name;
    for (let copy = 0; copy < scale; copy++) writeFileSync(path.join(handbook, copy ? `${base}~${copy}.txt` : `${base}.txt`), perturb(raw, copy));
  }
}

function runChild(args: string[], script = 'bench/bench-engine.ts'): Promise<Record<string, number | string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`bench-engine ${args.join(' ')} exited ${code}`));
      else resolve(JSON.parse(line.slice(7)));
    });
  });
}

/** Every engine at one scale, each phase in its own process; ours builds first and its chunks are the peers' corpus. */
export async function benchScale(knowledgeDir: string, scale: number, engines: readonly Engine[] = ENGINES): Promise<EngineResult[]> {
  const work = mkdtempSync(path.join(tmpdir(), `bench-${scale}x-`));
  try {
    const corpus = path.join(work, 'knowledge');
    const data = path.join(work, 'data');
    await writeCorpus(knowledgeDir, scale, corpus);
    const common = ['--knowledge', corpus, '--data', data];
    const results: EngineResult[] = [];
    // Ours always builds: its stored chunks are what every engine indexes.
    const order: Engine[] = ['ours', ...engines.filter((e) => e !== 'ours')];
    let chunksMb = 0;
    for (const engine of order) {
      const build = (await runChild(['--engine', engine, '--phase', 'build', ...common])) as unknown as EngineRun;
      if (engine === 'ours') chunksMb = Number((await runChild(['--phase', 'chunks', ...common])).chunksMb);
      if (!engines.includes(engine)) continue;
      const restart = (await runChild(['--engine', engine, '--phase', 'restart', ...common])) as unknown as EngineRun;
      results.push({
        engine,
        scale,
        chunks: build.chunks,
        buildMs: build.openMs,
        restartMs: restart.openMs + restart.firstQueryMs,
        p50: restart.p50,
        p95: restart.p95,
        indexMb: Math.max(0, restart.memoryMb - chunksMb),
        peakMb: build.peakMb,
        recallAt5: restart.recallAt5,
        ...(engine === 'ours' ? { reload: (await runChild(common, 'bench/bench-reload.ts')) as unknown as EngineResult['reload'] } : {}),
      });
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

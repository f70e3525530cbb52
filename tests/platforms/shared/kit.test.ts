import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { InFlight } from '../../../src/platforms/shared/in-flight.js';
import { withProgress, type ProgressNote } from '../../../src/platforms/shared/progress.js';
import { skippedFilesText } from '../../../src/platforms/shared/texts.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('withProgress: the shared "working on it" policy', () => {
  it('with no delay, shows the note before the work starts and keeps its id', async () => {
    const order: string[] = [];
    const note: ProgressNote = {};
    const result = await withProgress({ delayMs: 0 }, note, async () => (order.push('note'), 'n1'), async () => (order.push('work'), 42));
    expect(result).toBe(42);
    expect(order).toEqual(['note', 'work']);
    expect(note.id).toBe('n1');
  });

  it('with a delay, a quick answer gets no note and a slow one does', async () => {
    let shown = 0;
    const show = async () => `n${++shown}`;
    const quick: ProgressNote = {};
    await withProgress({ delayMs: 1000 }, quick, show, async () => 'fast');
    expect(quick.id).toBeUndefined();
    const slow: ProgressNote = {};
    const held = gate();
    const running = withProgress({ delayMs: 1 }, slow, show, async () => (await held.opened, 'slow'));
    while (!slow.id) await new Promise((resolve) => setTimeout(resolve, 2));
    held.open();
    expect(await running).toBe('slow');
    expect(slow.id).toBe('n1');
  });

  it('without a note to show (a redelivery), only runs the work', async () => {
    const note: ProgressNote = {};
    expect(await withProgress({ delayMs: 0 }, note, undefined, async () => 'x')).toBe('x');
    expect(note.id).toBeUndefined();
  });
});

describe('InFlight: stop() waits for answers already acknowledged', () => {
  it('idle() resolves only after every tracked task, including one that fails', async () => {
    const inFlight = new InFlight(pino({ level: 'silent' }));
    const a = gate();
    const b = gate();
    inFlight.track(a.opened);
    const failing = inFlight.run(async () => {
      await b.opened;
      throw new Error('boom');
    });
    let idle = false;
    const waiting = inFlight.idle().then(() => (idle = true));
    a.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    expect(inFlight.size).toBe(1);
    b.open();
    await expect(failing).rejects.toThrow('boom');
    await waiting;
    expect(inFlight.size).toBe(0);
  });

  it('drain() gives up on a task that never settles', async () => {
    const inFlight = new InFlight(pino({ level: 'silent' }));
    inFlight.track(new Promise(() => undefined));
    await inFlight.drain(5);
    expect(inFlight.size).toBe(1);
  });
});

describe('shared texts', () => {
  it('names each skipped file with its reason and the limit in MB, in both languages', () => {
    const text = skippedFilesText([{ name: 'big.pdf', reason: 'too_large' }, { name: 'x.docx', reason: 'failed' }], 10 * 1024 * 1024);
    expect(text).toContain('big.pdf: 文件太大（上限 10 MB）· too large (limit 10 MB)');
    expect(text).toContain('x.docx: 无法下载 · could not be downloaded');
  });
});

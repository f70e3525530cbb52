import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../../src/platforms/console/console.js';
import { createTestCore, ScriptedAnswerer } from '../../helpers/core.js';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function consoleHarness(interactive: boolean) {
  const answerer = new ScriptedAnswerer();
  const { core } = await createTestCore(undefined, answerer);
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d) => (shown += d));
  const done = runConsole({ core, input, output, interactive, pasteGapMs: 40 });
  return { answerer, input, done, shown: () => shown };
}

describe('the console', () => {
  it('treats a multi-line paste on a terminal as one message', async () => {
    const h = await consoleHarness(true);
    h.input.write('可以给客户回扣吗？\n第二行：客户说是惯例\n第三行\n');
    await settle(200);
    h.input.write('那违反了会怎样？\n');
    await settle(200);
    h.input.end();
    await h.done;
    expect(h.answerer.calls.map((c) => c.question)).toEqual(['可以给客户回扣吗？\n第二行：客户说是惯例\n第三行', '那违反了会怎样？']);
  });

  it('still answers piped input line by line', async () => {
    const h = await consoleHarness(false);
    h.input.end('可以给客户回扣吗？\n周末去哪里爬山？\n');
    await h.done;
    expect(h.answerer.calls.map((c) => c.question)).toEqual(['可以给客户回扣吗？', '周末去哪里爬山？']);
    expect(h.shown()).toContain('回扣');
  });
});

describe('forms in the console', () => {
  it('lists each field with its label, unit or choices and says how to submit it as JSON', async () => {
    const { renderText } = await import('../../../src/platforms/console/render.js');
    const text = renderText({
      blocks: [{ type: 'text', text: '请填写 · Fill in' }],
      fallbackText: 'form',
      form: {
        id: 'visit.log',
        title: '拜访记录 Visit log',
        submitLabel: 'Save',
        fields: [
          { name: 'customer', label: '客户 / customer', kind: 'text', required: true, placeholder: '宁波顺达' },
          { name: 'gifts', label: '是否送礼 / gifts given', kind: 'boolean' },
          { name: 'channel', label: '方式 / channel', kind: 'select', options: [{ value: 'onsite', label: '上门' }, { value: 'video', label: '视频' }] },
        ],
      },
    });
    expect(text).toMatch(/customer\* — 客户 \/ customer {2}例 e\.g\. 宁波顺达/);
    expect(text).toMatch(/gifts — 是否送礼 \/ gifts given {2}\[true \| false\]/);
    expect(text).toContain('[onsite=上门 | video=视频]');
    expect(text).toContain('/visit {"customer": …');
    expect(text).not.toMatch(/gifts\*/);
  });
});

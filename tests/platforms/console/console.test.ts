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

describe('a contract piped into the console', () => {
  const contract = ['采购合同', '', '甲方：漯河沙澧食品机械有限公司', '乙方：合肥蓝途信息技术有限公司', '第一条 乙方向甲方出售封口机 4 台，总价 36,000 元。'];

  /** The console with a /precheck command that keeps the text it was given. */
  async function pipe(text: string) {
    const answerer = new ScriptedAnswerer();
    const { core } = await createTestCore(undefined, answerer);
    const received: string[] = [];
    core.registerCommand({
      name: 'precheck',
      summary: 'pre-check',
      usage: '/precheck <contract>',
      handle: async (args) => {
        received.push(args);
        return { blocks: [{ type: 'text', text: `checked ${args.split('\n').length} lines` }], fallbackText: 'checked' };
      },
    });
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d) => (shown += d));
    const done = runConsole({ core, input, output, interactive: false });
    input.end(text);
    await done;
    return { received, asked: answerer.calls.map((c) => c.question), shown };
  }

  it('is one /precheck: the lines after the command up to the next command are its text', async () => {
    const r = await pipe(`/precheck\n${contract.join('\n')}\n/ask 可以给客户回扣吗？\n`);
    expect(r.received).toEqual([contract.join('\n')]);
    expect(r.asked).toEqual(['可以给客户回扣吗？']);
    expect(r.shown).toContain(`checked ${contract.length} lines`);
  });

  it('runs to the end of input when no command follows, and text on the command line is its first line', async () => {
    const r = await pipe(`/precheck ${contract.join('\n')}\n`);
    expect(r.received).toEqual([contract.join('\n')]);
  });

  it('lines piped without a document command are still one message each', async () => {
    const r = await pipe('甲方：漯河沙澧食品机械有限公司\n可以给客户回扣吗？\n');
    expect(r.received).toEqual([]);
    expect(r.asked).toEqual(['甲方：漯河沙澧食品机械有限公司', '可以给客户回扣吗？']);
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

import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/core/types.js';
import {
  citationLine,
  decodeActionId,
  encodeActionId,
  formErrorsToBlocks,
  OPEN_FORM_ACTION,
  readViewValues,
  renderFormModal,
  renderReply,
  SLACK_LIMITS,
  splitText,
  toMrkdwn,
} from '../../../src/platforms/slack/render.js';

const allSectionTexts = (blocks: any[]) => blocks.filter((b) => b.type === 'section' && b.text).map((b) => b.text.text as string);

describe('Slack Block Kit rendering', () => {
  it('splits a long answer into sections of at most 3,000 characters at sentence boundaries', () => {
    const sentence = '销售人员不得收受客户贿赂或回扣，发现后一律按公司规定处理。';
    const text = sentence.repeat(400); // ~11,600 chars, no newlines
    const [msg, ...rest] = renderReply({ blocks: [{ type: 'text', text }], fallbackText: 'x' });
    expect(rest).toHaveLength(0);
    const texts = allSectionTexts(msg!.blocks);
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const t of texts) {
      expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(t.endsWith('。')).toBe(true);
    }
    expect(texts.join('')).toBe(text);
  });

  it('prefers line breaks, and hard-cuts only text without any boundary', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(30)}`).join('\n');
    const pieces = splitText(lines, 3000);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(3000);
      expect(p.startsWith('line ')).toBe(true);
    }
    expect(pieces.join('\n')).toBe(lines);
    const blob = 'a'.repeat(7000);
    const cut = splitText(blob, 3000);
    expect(cut.map((c) => c.length)).toEqual([3000, 3000, 1000]);
  });

  it('never splits an escaped entity', () => {
    const s = `${'a'.repeat(2998)}&amp;bbb`;
    const pieces = splitText(s, 3000);
    expect(pieces[0]).toBe('a'.repeat(2998));
    expect(pieces[1]!.startsWith('&amp;')).toBe(true);
  });

  it('splits replies over 50 blocks into several messages, buttons on the last, text fallback on each', () => {
    const blocks: Reply['blocks'] = Array.from({ length: 120 }, (_, i) => ({ type: 'text' as const, text: `Paragraph ${i}` }));
    const messages = renderReply({
      blocks,
      actions: [{ id: 'feedback', label: '👍', value: 'q:up' }],
      fallbackText: 'Long answer',
    });
    expect(messages).toHaveLength(3);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
      expect(m.text).toContain('Long answer');
    }
    expect(messages.flatMap((m) => m.blocks).filter((b) => b.type === 'section')).toHaveLength(120);
    expect(messages[2]!.blocks.at(-1)!.type).toBe('actions');
    expect(messages[0]!.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('puts the actions block in a new message when the last one is full', () => {
    const blocks: Reply['blocks'] = Array.from({ length: 50 }, (_, i) => ({ type: 'divider' as const }));
    const messages = renderReply({ blocks, actions: [{ id: 'share', label: 'Share', value: 's1' }], fallbackText: 'f' });
    expect(messages.map((m) => m.blocks.length)).toEqual([50, 1]);
  });

  it('renders headings, fields, citations, context and buttons within limits', () => {
    const reply: Reply = {
      blocks: [
        { type: 'heading', text: '标题'.repeat(100) },
        { type: 'text', text: '**注意**：不得收受回扣 & 礼品 <500 元\n- 第一条\n- 第二条' },
        { type: 'fields', fields: Array.from({ length: 13 }, (_, i) => ({ label: `F${i}`, value: `v${i}` })) },
        {
          type: 'citations',
          items: [
            { n: 1, docId: 'd1', title: '销售管理制度', section: '第九章 › 4', quote: '不得收受客户贿赂、回扣' },
            { n: 2, docId: 'd2', title: '财务制度', section: '第三章', quote: '报销须附发票' },
          ],
        },
        { type: 'context', text: '（大模型暂不可用）' },
        { type: 'divider' },
      ],
      actions: [
        { id: 'feedback', label: '👍 有帮助', value: 'q1:up' },
        { id: 'feedback', label: '👎 没帮助', value: 'q1:down' },
        { id: 'credit.reject', label: 'Reject', value: 'r1', style: 'danger', requiresReason: true },
      ],
      fallbackText: '不得收受回扣',
    };
    const [msg] = renderReply(reply);
    const blocks = msg!.blocks as any[];
    expect(blocks[0].type).toBe('header');
    expect(blocks[0].text.text.length).toBeLessThanOrEqual(150);
    const answer = blocks[1].text.text as string;
    expect(answer).toContain('*注意*');
    expect(answer).not.toContain('**');
    expect(answer).toContain('&amp;');
    expect(answer).toContain('&lt;500');
    expect(answer).toContain('• 第一条');
    const fieldSections = blocks.filter((b) => b.fields);
    expect(fieldSections.map((b) => b.fields.length)).toEqual([10, 3]);
    const cites = allSectionTexts(blocks).find((t) => t.startsWith('[1]'))!;
    expect(cites.split('\n')).toEqual(['[1] 销售管理制度 › 第九章 › 4 — "不得收受客户贿赂、回扣"', '[2] 财务制度 › 第三章 — "报销须附发票"']);
    expect(blocks.some((b) => b.type === 'context')).toBe(true);
    const buttons = blocks.find((b) => b.type === 'actions').elements;
    expect(buttons.map((b: any) => b.action_id)).toEqual(['feedback:0', 'feedback:1', 'credit.reject:2:r']);
    expect(buttons.map((b: any) => b.value)).toEqual(['q1:up', 'q1:down', 'r1']);
    expect(buttons[2].style).toBe('danger');
    expect(msg!.text).toBe('不得收受回扣');
  });

  it('omits actions on request and adds an open-form button', () => {
    const [msg] = renderReply(
      { blocks: [{ type: 'text', text: 'x' }], actions: [{ id: 'share', label: 'Share', value: 's' }], fallbackText: 'x' },
      { omitActions: ['share'], openFormButton: { key: 'k1', label: 'Apply' } },
    );
    const ids = (msg!.blocks.find((b) => b.type === 'actions') as any).elements.map((e: any) => e.action_id);
    expect(ids).toEqual([OPEN_FORM_ACTION]);
  });

  it('always produces at least one block and a text fallback', () => {
    const [msg] = renderReply({ blocks: [], fallbackText: 'Only text' });
    expect(msg!.text).toBe('Only text');
    expect(allSectionTexts(msg!.blocks)).toEqual(['Only text']);
  });

  it('action ids round-trip', () => {
    expect(decodeActionId(encodeActionId('credit.approve', 3))).toEqual({ id: 'credit.approve', index: 3, requiresReason: false });
    expect(decodeActionId(encodeActionId('a:b', 0, true))).toEqual({ id: 'a:b', index: 0, requiresReason: true });
    expect(decodeActionId('no-index')).toBeNull();
  });

  it('bold next to CJK text gets a word boundary Slack can see', () => {
    const out = toMrkdwn('不得**收受**回扣');
    expect(out).toMatch(/不得\u200B\*收受\*\u200B回扣/);
    expect(toMrkdwn('see **this** now')).toBe('see *this* now');
    expect(toMrkdwn('[手册](https://example.com/h)')).toBe('<https://example.com/h|手册>');
  });

  it('citation lines follow "[n] title › section — quote"', () => {
    expect(citationLine({ n: 4, title: 'T', section: 'S', quote: 'Q  q' })).toBe('[4] T › S — "Q q"');
  });
});

describe('Slack modals', () => {
  const form = {
    id: 'credit.apply',
    title: '信用额度申请 Credit line application',
    submitLabel: '提交',
    fields: [
      { name: 'customer', label: '客户', kind: 'text' as const, required: true, initial: 'ACME' },
      { name: 'amount', label: '金额', kind: 'number' as const, required: true },
      { name: 'reason', label: '理由', kind: 'textarea' as const },
      { name: 'term', label: '账期', kind: 'select' as const, options: [{ value: '30', label: '30 天' }, { value: '60', label: '60 天' }], initial: '60' },
      { name: 'urgent', label: '加急', kind: 'boolean' as const },
    ],
  };

  it('renders one input per field with block_id = field name and Slack-sized title', () => {
    const view = renderFormModal(form, '{"f":"credit.apply"}') as any;
    expect(view.callback_id).toBe('ca_form');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.map((b: any) => [b.block_id, b.element.type, b.optional])).toEqual([
      ['customer', 'plain_text_input', false],
      ['amount', 'number_input', false],
      ['reason', 'plain_text_input', true],
      ['term', 'static_select', true],
      ['urgent', 'checkboxes', true],
    ]);
    expect(view.blocks[0].element.initial_value).toBe('ACME');
    expect(view.blocks[2].element.multiline).toBe(true);
    expect(view.blocks[3].element.initial_option.value).toBe('60');
  });

  it('reads submitted values of every element type', () => {
    const values = readViewValues({
      customer: { value: { type: 'plain_text_input', value: 'ACME' } },
      amount: { value: { type: 'number_input', value: '120000' } },
      reason: { value: { type: 'plain_text_input', value: null } },
      term: { value: { type: 'static_select', selected_option: { value: '30' } } },
      urgent: { value: { type: 'checkboxes', selected_options: [{ value: 'true' }] } },
    });
    expect(values).toEqual({ customer: 'ACME', amount: '120000', reason: '', term: '30', urgent: 'true' });
    expect(readViewValues(null)).toEqual({});
  });

  it('maps form errors onto existing blocks', () => {
    expect(
      formErrorsToBlocks(
        [
          { field: 'amount', message: 'too big' },
          { field: '_form', message: 'try again' },
          { field: 'amount', message: 'not a number' },
        ],
        ['customer', 'amount'],
      ),
    ).toEqual({ amount: 'too big; not a number', customer: 'try again' });
  });
});

import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/core/types.js';
import { resolveDomain } from '../../../src/platforms/feishu/api.js';
import { mentionsBot, messageText, parseMessageEvent, postToText, resolveMentions } from '../../../src/platforms/feishu/inbound.js';
import { CARD_BYTE_LIMIT, cardRequestBytes, citationLine, renderForm, renderReply, splitText } from '../../../src/platforms/feishu/render.js';
import { FAKE_BOT_OPEN_ID, textMessageEvent } from '../../helpers/fake-feishu.js';

const answer: Reply = {
  blocks: [
    { type: 'heading', text: '回扣政策' },
    { type: 'context', text: '（大模型暂不可用，以下为手册原文摘录）' },
    { type: 'text', text: '销售人员**不得**收受回扣 [1]。\n- 第一条\n- 第二条' },
    { type: 'fields', fields: [{ label: '风险', value: '高' }] },
    { type: 'divider' },
    { type: 'citations', items: [{ n: 1, docId: 'd', title: '销售手册', section: '第九章 › 4', quote: '不得收受回扣' }] },
  ],
  actions: [
    { id: 'feedback', label: '👍 有帮助', value: 'q1:up' },
    { id: 'feedback', label: '👎 没帮助', value: 'q1:down', style: 'danger' },
  ],
  fallbackText: '销售人员不得收受回扣',
};

describe('renderReply', () => {
  it('maps blocks to a card 2.0: header, markdown, notation citations, hr and callback buttons', () => {
    const [card, ...rest] = renderReply(answer);
    expect(rest).toHaveLength(0);
    expect(card!.schema).toBe('2.0');
    expect(card!.config.update_multi).toBe(true);
    expect(card!.header?.title.content).toBe('回扣政策');
    const els = card!.body.elements as any[];
    expect(els.map((e) => e.tag)).toEqual(['markdown', 'markdown', 'markdown', 'hr', 'markdown', 'column_set']);
    expect(els[0].text_size).toBe('notation');
    expect(els[1].content).toContain('**不得**');
    expect(els[2].content).toBe('**风险**：高');
    expect(els[4].content).toContain('**[1]** 销售手册 › 第九章 › 4 — “不得收受回扣”');
    const buttons = els[5].columns.map((c: any) => c.elements[0]);
    expect(buttons.map((b: any) => b.behaviors[0].value)).toEqual([
      { action: 'feedback', value: 'q1:up' },
      { action: 'feedback', value: 'q1:down' },
    ]);
    expect(buttons[1].type).toBe('danger');
  });

  it('escapes markup so handbook or user text cannot @everyone', () => {
    const [card] = renderReply({ blocks: [{ type: 'text', text: '<at id=all></at> & <font color="red">x</font>' }], fallbackText: 'x' });
    const md = (card!.body.elements[0] as any).content as string;
    expect(md).not.toContain('<at');
    expect(md).toContain('&lt;at id=all&gt;');
  });

  it('puts requiresReason buttons into a form with a required reason input', () => {
    const [card] = renderReply({
      blocks: [{ type: 'text', text: '待审批' }],
      actions: [
        { id: 'credit.approve', label: '批准', value: 'a1', style: 'primary' },
        { id: 'credit.reject', label: '驳回', value: 'a1', style: 'danger', requiresReason: true },
      ],
      fallbackText: '待审批',
    });
    const form = (card!.body.elements as any[]).find((e) => e.tag === 'form');
    expect(form.elements[0]).toMatchObject({ tag: 'input', name: 'reason', required: true });
    expect(form.elements[1]).toMatchObject({ tag: 'button', form_action_type: 'submit' });
    expect(form.elements[1].behaviors[0].value).toEqual({ action: 'credit.reject', value: 'a1', needsReason: true });
  });

  it('splits long replies into cards under 30 KB and numbers them', () => {
    const long = '合规'.repeat(20_000); // one 40 000-character line, no line breaks at all
    const cards = renderReply({ blocks: [{ type: 'heading', text: '长' }, { type: 'text', text: long }], actions: answer.actions, fallbackText: 'x' });
    expect(cards.length).toBeGreaterThanOrEqual(5);
    for (const c of cards) expect(cardRequestBytes(c)).toBeLessThanOrEqual(CARD_BYTE_LIMIT);
    expect(cards.map((c) => c.header?.title.content)).toEqual(cards.map((_, i) => `长 （${i + 1}/${cards.length}）`));
    const text = cards.flatMap((c) => c.body.elements).filter((e: any) => e.tag === 'markdown').map((e: any) => e.content).join('');
    expect(text).toBe(long);
    expect(JSON.stringify(cards.at(-1))).toContain('q1:up');
  });

  it('splitText keeps lines whole when it can', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `第${i}行：${'内容'.repeat(20)}`);
    const chunks = splitText(lines.join('\n'), 4000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('\n')).toBe(lines.join('\n'));
    for (const c of chunks) expect(c.split('\n').every((l) => lines.includes(l))).toBe(true);
  });

  it('appends a form card when the reply carries a form', () => {
    const cards = renderReply({
      blocks: [{ type: 'text', text: '请填写' }],
      fallbackText: '请填写',
      form: { id: 'credit.apply', title: '授信申请', submitLabel: '提交', fields: [{ name: 'a', label: 'A', kind: 'text' }] },
    });
    expect(cards).toHaveLength(2);
    expect(cards[1]!.header?.title.content).toBe('授信申请');
  });

  it('citationLine formats [n] title › section — quote', () => {
    expect(citationLine({ n: 2, docId: 'x', title: 'T', section: 'S', quote: 'Q' })).toBe('**[2]** T › S — “Q”');
  });
});

describe('renderForm', () => {
  it('renders every field kind inside one form with a submit carrying the form id and labels', () => {
    const card = renderForm({
      id: 'credit.apply',
      title: '授信申请',
      submitLabel: '提交申请',
      fields: [
        { name: 'customer', label: '客户', kind: 'text', required: true, initial: '华东' },
        { name: 'note', label: '说明', kind: 'textarea' },
        { name: 'amount', label: '金额', kind: 'number', required: true },
        { name: 'term', label: '账期', kind: 'select', options: [{ value: '30', label: '30 天' }], initial: '30' },
        { name: 'vip', label: '重点客户', kind: 'boolean' },
      ],
    });
    const form = card.body.elements[0] as any;
    expect(form.tag).toBe('form');
    const inputs = form.elements.filter((e: any) => e.name && e.tag !== 'button');
    expect(inputs.map((e: any) => [e.tag, e.name])).toEqual([
      ['input', 'customer'],
      ['input', 'note'],
      ['input', 'amount'],
      ['select_static', 'term'],
      ['select_static', 'vip'],
    ]);
    expect(inputs[0]).toMatchObject({ required: true, default_value: '华东' });
    expect(inputs[1].input_type).toBe('multiline_text');
    expect(inputs[3].initial_option).toBe('30');
    const submit = form.elements.at(-1);
    expect(submit.form_action_type).toBe('submit');
    expect(submit.behaviors[0].value).toEqual({
      form: 'credit.apply',
      labels: { customer: '客户', note: '说明', amount: '金额', term: '账期', vip: '重点客户' },
    });
  });
});

describe('incoming message parsing', () => {
  it('strips the bot mention, names other people, and does not confuse @_user_1 with @_user_10', () => {
    const mentions = [
      { key: '@_user_1', id: { open_id: FAKE_BOT_OPEN_ID }, name: 'Bot' },
      { key: '@_user_10', id: { open_id: 'ou_x' }, name: '小王' },
    ];
    expect(resolveMentions('@_user_1  请问 @_user_10 能收回扣吗', mentions, FAKE_BOT_OPEN_ID)).toBe('请问 @小王 能收回扣吗');
    expect(mentionsBot(mentions, FAKE_BOT_OPEN_ID)).toBe(true);
    expect(mentionsBot([mentions[1]!], FAKE_BOT_OPEN_ID)).toBe(false);
    // Bot id unknown: a mention flagged as a bot counts, a person does not.
    expect(mentionsBot([{ key: '@_user_1', mentioned_type: 'user' }], undefined)).toBe(false);
    expect(mentionsBot([{ key: '@_user_1', mentioned_type: 'bot' }], undefined)).toBe(true);
  });

  it('reads post messages in both shapes', () => {
    const para = [[{ tag: 'text', text: '合同' }, { tag: 'a', text: '链接', href: 'https://x' }], [{ tag: 'code_block', text: 'x=1' }]];
    expect(postToText({ title: '标题', content: para }, [], undefined)).toBe('标题\n合同链接\nx=1');
    expect(postToText({ zh_cn: { title: '', content: para } }, [], undefined)).toBe('合同链接\nx=1');
  });

  it('derives the conversation: p2p chat, group thread root, or the message itself', () => {
    const p2p = parseMessageEvent(textMessageEvent({ text: 'hi', chatType: 'p2p', chatId: 'oc_a' }))!;
    expect(p2p.conversationId).toBe('oc_a');
    const g = parseMessageEvent(textMessageEvent({ text: 'hi', chatType: 'group', messageId: 'om_1' }))!;
    expect(g.conversationId).toBe('om_1');
    const reply = parseMessageEvent(textMessageEvent({ text: 'hi', chatType: 'group', messageId: 'om_2', rootId: 'om_1' }))!;
    expect(reply.conversationId).toBe('om_1');
    expect(messageText(reply, undefined)).toBe('hi');
  });

  it('returns null for malformed events and bot senders', () => {
    expect(parseMessageEvent(null)).toBeNull();
    expect(parseMessageEvent({ message: {} })).toBeNull();
    const fromBot = textMessageEvent({ text: 'x' });
    (fromBot.sender as any).sender_type = 'app';
    expect(parseMessageEvent(fromBot)).toBeNull();
  });

  it('resolves FEISHU_DOMAIN', () => {
    expect(resolveDomain('feishu')).toBe(lark.Domain.Feishu);
    expect(resolveDomain('Lark')).toBe(lark.Domain.Lark);
    expect(resolveDomain('http://127.0.0.1:9/')).toBe('http://127.0.0.1:9');
  });
});

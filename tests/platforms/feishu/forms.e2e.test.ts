import { afterEach, describe, expect, it } from 'vitest';
import { textReply } from '../../../src/core/replies.js';
import { eventEnvelope, postWebhook, textMessageEvent } from '../../helpers/fake-feishu.js';
import { ENCRYPT_KEY, VERIFY_TOKEN, cardText, buttonValues, type Harness, setup } from '../../helpers/feishu-adapter-harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('Feishu form cards', () => {
  it('renders a form card, keeps it with a toast naming bad fields, and replaces it on success', async () => {
    h = await setup();
    const submissions: Record<string, string>[] = [];
    h.ctx.core.registerCommand({
      name: 'apply',
      summary: 'test form',
      usage: '/apply',
      handle: async () => ({
        blocks: [],
        fallbackText: '申请',
        form: {
          id: 'test.apply',
          title: '授信申请',
          submitLabel: '提交',
          fields: [
            { name: 'customer', label: '客户名称', kind: 'text', required: true },
            { name: 'amount', label: '金额', kind: 'number', required: true },
            { name: 'term', label: '账期', kind: 'select', options: [{ value: '30', label: '30 天' }, { value: '60', label: '60 天' }] },
          ],
        },
      }),
    });
    h.ctx.core.registerForm({
      id: 'test.apply',
      handle: async (sub) => {
        submissions.push(sub.values);
        const errors = [];
        if (!sub.values.customer) errors.push({ field: 'customer', message: '必填' });
        if (!/^\d+$/.test(sub.values.amount ?? '')) errors.push({ field: 'amount', message: '需为数字' });
        if (errors.length) return { ok: false, errors };
        return { ok: true, reply: textReply(`已收到 ${sub.values.customer} 的申请`) };
      },
    });
    await h.send(textMessageEvent({ text: '/apply' }));
    const formCard = h.replies().at(-1)!.content;
    const text = cardText(formCard);
    expect(text).toContain('"tag":"form"');
    expect(text).toContain('"tag":"select_static"');
    const submit = buttonValues(formCard).find((v) => v.form === 'test.apply');
    expect(submit).toBeTruthy();

    const callback = (form_value: Record<string, string>) =>
      postWebhook(
        h.url,
        eventEnvelope('card.action.trigger', { operator: { open_id: 'ou_user_1' }, action: { tag: 'button', value: submit, form_value }, context: { open_chat_id: 'oc_p2p_1', open_message_id: 'om_form' } }, { token: VERIFY_TOKEN }),
        { encryptKey: ENCRYPT_KEY },
      );
    const bad = await callback({ customer: '', amount: 'abc' });
    expect(bad.json.toast.type).toBe('error');
    expect(bad.json.toast.content).toContain('客户名称');
    expect(bad.json.toast.content).toContain('金额');
    expect(bad.json.card).toBeUndefined();
    const good = await callback({ customer: '华东贸易', amount: '500000', term: '30' });
    expect(good.json.toast.type).toBe('success');
    expect(cardText(good.json.card.data)).toContain('已收到 华东贸易 的申请');
    expect(submissions.at(-1)).toEqual({ customer: '华东贸易', amount: '500000', term: '30' });
  });
});

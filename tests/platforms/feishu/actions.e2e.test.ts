import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textReply } from '../../../src/core/replies.js';
import type { Reply } from '../../../src/core/types.js';
import { eventEnvelope, postWebhook, textMessageEvent } from '../../helpers/fake-feishu.js';
import { ENCRYPT_KEY, VERIFY_TOKEN, cardText, buttonValues, type Harness, setup } from '../../helpers/feishu-adapter-harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('Feishu webhook mode against a fake open API', () => {
  beforeEach(async () => {
    h = await setup();
  });

  it('stores 👍 feedback from a card button and answers with a toast (callback on /feishu/card too)', async () => {
    await h.send(textMessageEvent({ text: '可以给客户回扣吗？' }));
    const card = h.replies()[0]!.content;
    const up = buttonValues(card).find((v) => v.action === 'feedback' && v.value.endsWith(':up'));
    const action = {
      operator: { open_id: 'ou_user_1' },
      token: 'c-token',
      action: { tag: 'button', value: up },
      context: { open_message_id: h.replies()[0]!.messageId, open_chat_id: 'oc_p2p_1' },
    };
    const env = eventEnvelope('card.action.trigger', action, { token: VERIFY_TOKEN });
    const res = await postWebhook(h.url.replace('/events', '/card'), env, { encryptKey: ENCRYPT_KEY });
    expect(res.status).toBe(200);
    expect(res.json.toast.type).toBe('success');
    expect(res.json.toast.content).toContain('👍');
    expect((await h.ctx.analytics.stats()).feedback).toEqual({ up: 1, down: 0 });
    // A forged callback changes nothing.
    const down = buttonValues(card).find((v) => v.action === 'feedback' && v.value.endsWith(':down'));
    const forged = await postWebhook(h.url, eventEnvelope('card.action.trigger', { ...action, action: { tag: 'button', value: down } }, { token: VERIFY_TOKEN }), {
      encryptKey: ENCRYPT_KEY,
      forgeSignature: true,
    });
    expect(forged.status).toBe(401);
    expect((await h.ctx.analytics.stats()).feedback).toEqual({ up: 1, down: 0 });
  });
});

describe('Feishu progress card, forms and reasons', () => {
  it('collects a reason for requiresReason buttons before calling the action', async () => {
    h = await setup();
    const got: { value: string; reason?: string; userId: string }[] = [];
    h.ctx.core.registerAction({
      id: 'test.reject',
      handle: async (a) => {
        got.push({ value: a.value, reason: a.reason, userId: a.userId });
        return { toast: '已驳回', toastKind: 'success', postInChannel: textReply('申请已被驳回') };
      },
    });
    h.ctx.core.registerCommand({
      name: 'review',
      summary: 'test',
      usage: '/review',
      handle: async (): Promise<Reply> => ({
        blocks: [{ type: 'text', text: '审批' }],
        actions: [
          { id: 'test.approve', label: '批准', value: 'app-1', style: 'primary' },
          { id: 'test.reject', label: '驳回', value: 'app-1', style: 'danger', requiresReason: true },
        ],
        fallbackText: '审批',
      }),
    });
    await h.send(textMessageEvent({ text: '/review' }));
    const card = h.replies()[0]!.content;
    const reject = buttonValues(card).find((v) => v.action === 'test.reject');
    expect(reject.needsReason).toBe(true);
    const press = (form_value: Record<string, string>, eventId: string) =>
      postWebhook(
        h.url,
        eventEnvelope('card.action.trigger', { operator: { open_id: 'ou_mgr' }, action: { tag: 'button', value: reject, form_value }, context: { open_chat_id: 'oc_p2p_1', open_message_id: h.replies()[0]!.messageId } }, { token: VERIFY_TOKEN, eventId }),
        { encryptKey: ENCRYPT_KEY },
      );
    const empty = await press({ reason: '  ' }, 'e1');
    expect(empty.json.toast.type).toBe('error');
    expect(got).toHaveLength(0);
    const ok = await press({ reason: '额度过高' }, 'e2');
    expect(ok.json.toast.content).toBe('已驳回');
    expect(got).toEqual([{ value: 'app-1', reason: '额度过高', userId: 'ou_mgr' }]);
    await h.adapter.idle();
    expect(cardText(h.replies().at(-1)!.content)).toContain('申请已被驳回');
    // The same callback event redelivered does nothing.
    await press({ reason: '额度过高' }, 'e2');
    expect(got).toHaveLength(1);
  });
});

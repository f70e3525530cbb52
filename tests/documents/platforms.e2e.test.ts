import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody, JSON_TYPE } from '../helpers/fake-slack.js';
import { textMessageEvent } from '../helpers/fake-feishu.js';
import { buttonValues, cardText, startFeishuApp, type FeishuAppHarness } from '../helpers/feishu-app-harness.js';
import { startSlackApp, type SlackAppHarness } from '../helpers/slack-app-harness.js';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';

/**
 * The same knowledge-base upload on both platforms, through the real adapters: an admin sends a
 * file in a DM, gets the preview with buttons, presses Confirm, and the document is indexed.
 * The adapters only pass the file through (the download path /precheck uses).
 */

const buttons = (blocks: any[]): { action_id: string; value: string; text: string }[] =>
  blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).map((e: any) => ({ action_id: e.action_id, value: e.value, text: e.text?.text ?? '' }));

describe('Slack: an admin’s file in a DM → preview → Confirm', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp({ ADMIN_IDS: 'slack:UADMIN' });
  });
  afterAll(async () => h?.close());

  it('previews with Confirm / Pre-check / Cancel and indexes the document on Confirm', async () => {
    const fileUrl = h.fake.addFile('差旅报销制度.md', TRAVEL_POLICY_MD);
    const file = { id: 'F1', name: '差旅报销制度.md', size: Buffer.byteLength(TRAVEL_POLICY_MD), url_private_download: fileUrl };
    await h.send(eventBody({ type: 'message', subtype: 'file_share', channel: 'D0009', channel_type: 'im', user: 'UADMIN', ts: '1700002000.000100', text: '', files: [file] }, 'EvKb1'), JSON_TYPE);
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update')[0], 15_000);
    const blocks = update.params.blocks as any[];
    expect(JSON.stringify(blocks)).toContain('住宿标准');
    const [confirm, precheck, cancel] = buttons(blocks);
    expect([confirm?.text, precheck?.text, cancel?.text].join('|')).toMatch(/Confirm.*Pre-check.*Cancel/);

    const res = await h.press({ user: 'UADMIN', channel: 'D0009', actionId: confirm!.action_id, value: confirm!.value, messageTs: String(update.params.ts ?? '1700002000.000200') });
    expect(res.status).toBe(200);
    await h.fake.waitFor(() => h.app.knowledge.status.documents.some((d) => d.title === '差旅报销制度'), 15_000);
    // The preview message is replaced by the outcome.
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => c.params.channel === 'D0009' && JSON.stringify(c.params.blocks).includes('已加入 Added')), 15_000);
    const doc = (await h.app.documents.store.find('差旅报销制度.md'))!;
    expect(doc.source).toBe('upload');
    expect((await h.app.documents.store.audit(1))[0]).toMatchObject({ actor: 'slack:UADMIN', action: 'add' });
  });

  it('a rep’s file in a DM is still pre-checked, not offered to the knowledge base', async () => {
    const text = '采购合同\n合同总金额为人民币壹万元整（¥12,000）。';
    const fileUrl = h.fake.addFile('contract.txt', text);
    await h.send(eventBody({ type: 'message', subtype: 'file_share', channel: 'D0010', channel_type: 'im', user: 'UREP', ts: '1700002100.000100', text: '', files: [{ id: 'F2', name: 'contract.txt', size: Buffer.byteLength(text), url_private_download: fileUrl }] }, 'EvKb2'), JSON_TYPE);
    const update = await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => c.params.channel === 'D0010'), 15_000);
    const shown = JSON.stringify(update.params.blocks);
    expect(shown, shown).toMatch(/amount|金额/);
    expect(shown).not.toContain('Preview');
    expect(shown).not.toContain('Confirm');
  });
});

describe('Feishu: an admin’s file message → preview card → Confirm', () => {
  let h: FeishuAppHarness;
  beforeAll(async () => {
    h = await startFeishuApp();
  });
  afterAll(async () => h?.close());

  it('previews in a card and indexes the document when Confirm is pressed', async () => {
    const ev = textMessageEvent({ text: '', messageType: 'file', content: { file_key: 'file_kb_1', file_name: '差旅报销制度.md' }, chatType: 'p2p', chatId: 'oc_dm_admin', userId: 'ou_admin' });
    h.fake.addResource(ev.message.message_id, 'file_kb_1', Buffer.from(TRAVEL_POLICY_MD), 'text/markdown');
    await h.send(ev);
    const card = h.replies().at(-1)!.content;
    expect(cardText(card)).toContain('住宿标准');
    const values = buttonValues(card);
    const confirm = values.find((v) => v.action === 'kb.confirm');
    expect(values.map((v) => v.action)).toEqual(['kb.confirm', 'kb.precheck', 'kb.cancel']);

    const res = await h.cardAction({ operator: 'ou_admin', value: confirm, chatId: 'oc_dm_admin' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).toMatch(/已加入 Added/);
    const answer = await h.app.core.handleMessage({ platform: 'feishu', userId: 'ou_rep', channelId: 'oc_x', conversationId: 'oc_x', text: '一线城市出差住宿每晚最多报销多少？' });
    expect(JSON.stringify(answer)).toContain('住宿标准');
  });
});

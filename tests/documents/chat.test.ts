import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { IncomingFile, Origin, Reply } from '../../src/core/types.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kb-chat-'));
let app: App;
let seq = 0;
const admin: Origin = { platform: 'feishu', userId: 'ou_admin', channelId: 'oc_p2p', conversationId: 'oc_p2p' };
const rep: Origin = { platform: 'slack', userId: 'U_REP', channelId: 'D1', conversationId: 'D1' };
const file = (name: string, text: string): IncomingFile => {
  const data = new TextEncoder().encode(text);
  return { name, size: data.byteLength, data };
};
const textOf = (r: Reply | null | undefined) =>
  (r?.blocks ?? [])
    .map((b) =>
      'text' in b ? b.text : b.type === 'citations' ? b.items.map((c) => `[${c.n}] ${c.title} › ${c.section}`).join('\n') : b.type === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : '',
    )
    .join('\n');
const ask = (text: string) => app.core.handleMessage({ ...rep, conversationId: `q${++seq}`, text });
const press = (who: Origin, actionId: string, value: string) => app.core.handleAction({ ...who, actionId, value, eventIds: [`act-${++seq}`] });
const button = (r: Reply | null, id: string) => r?.actions?.find((a) => a.id === id)?.value ?? '';

beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: path.join(tmp, 'data'), ADMIN_IDS: 'feishu:ou_admin,slack:U_ADMIN', LOG_LEVEL: 'silent' }, null);
  app = await createApp(config, log, { dbFile: path.join(tmp, 'data', 'assistant.db') });
});
afterAll(async () => {
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('knowledge-base documents from chat', () => {
  it('previews an admin’s bare file with Confirm, Pre-check instead and Cancel, then answers from it after Confirm', async () => {
    expect((await ask('一线城市出差住宿每晚最多报销多少？'))!.blocks.some((b) => b.type === 'citations')).toBe(false);

    const preview = await app.core.handleMessage({ ...admin, text: '', files: [file('差旅报销制度.md', TRAVEL_POLICY_MD)] });
    expect(textOf(preview)).toContain('住宿标准');
    expect(textOf(preview)).toMatch(/片段 Chunks: 3/);
    expect(preview!.actions!.map((a) => a.id)).toEqual(['kb.confirm', 'kb.precheck', 'kb.cancel']);
    await expect(app.documents.store.list()).resolves.toEqual([]);

    const done = await press(admin, 'kb.confirm', button(preview, 'kb.confirm'));
    expect(textOf(done!.replaceOriginal!)).toMatch(/已加入 Added《差旅报销制度》/);
    // Built in a worker thread; this thread only loaded the finished index.
    expect(app.knowledge.status.rebuilt).toBe(false);
    expect(app.knowledge.status.documents.map((d) => d.title)).toContain('差旅报销制度');

    const answer = await ask('一线城市出差住宿每晚最多报销多少？');
    expect(textOf(answer)).toContain('六百元');
    expect(textOf(answer)).toContain('差旅报销制度 › 住宿标准');
    // Other wording, same document, another section.
    expect(textOf(await ask('坐飞机头等舱需要谁批准？'))).toContain('差旅报销制度 › 交通工具');
  });

  it('does not add the same preview twice, and cancels cleanly', async () => {
    const preview = await app.core.handleMessage({ ...admin, text: '/kb add', files: [file('gifts.md', '# 礼品规定\n## 限额\n赠送客户的礼品每人每年不得超过两百元。')] });
    expect(preview!.actions!.map((a) => a.id)).toEqual(['kb.confirm', 'kb.cancel']);
    const id = button(preview, 'kb.confirm');
    expect((await press(rep, 'kb.confirm', id))!.toastKind).toBe('error'); // not an admin
    await press(admin, 'kb.confirm', id);
    expect((await press(admin, 'kb.confirm', id))!.toast).toMatch(/already handled/);
    const other = await app.core.handleMessage({ ...admin, text: '/kb add', files: [file('draft.md', '# 草稿\n## 一\n尚未生效的草稿内容。')] });
    expect(textOf((await press(admin, 'kb.cancel', button(other, 'kb.confirm')))!.replaceOriginal!)).toMatch(/Cancelled/);
    expect((await app.documents.store.list()).map((d) => d.fileName).sort()).toEqual(['gifts.md', '差旅报销制度.md']);
  });

  it('replaces a document by a newer upload of the same file, keeping the old version', async () => {
    const v2 = TRAVEL_POLICY_MD.replace('六百元', '八百元');
    const preview = await app.core.handleMessage({ ...admin, text: '/kb add', files: [file('差旅报销制度.md', v2)] });
    expect(textOf(preview)).toMatch(/Replaces kb-[0-9a-f]{8} v1 → v2/);
    await press(admin, 'kb.confirm', button(preview, 'kb.confirm'));
    const doc = (await app.documents.store.find('差旅报销制度.md'))!;
    expect(doc.version).toBe(2);
    expect((await app.documents.store.versions(doc.docId)).map((v) => v.version)).toEqual([1, 2]);
    const answer = textOf(await ask('一线城市出差住宿每晚最多报销多少？'));
    expect(answer).toContain('八百元');
    expect(answer).not.toContain('六百元');
    const audit = await app.documents.store.audit();
    expect(audit[0]).toMatchObject({ action: 'replace', actor: 'feishu:ou_admin', docId: doc.docId, version: 2 });
    expect(audit[0]!.fileHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists every document with its id and source, and removes an added one from answers', async () => {
    const list = textOf(await app.core.handleMessage({ ...rep, text: '/kb list' }));
    expect(list).toMatch(/`销售部管理规章制度修订版` .*handbook/);
    expect(list).toMatch(/`kb-[0-9a-f]{8}` 差旅报销制度（上传 upload v2/);

    const doc = (await app.documents.store.find('差旅报销制度'))!;
    expect(textOf(await app.core.handleMessage({ ...rep, text: `/kb remove ${doc.docId}` }))).toMatch(/Only admins/);
    expect(textOf(await app.core.handleMessage({ ...admin, text: '/kb remove 销售部管理规章制度修订版' }))).toMatch(/ships with the bot/);
    expect(textOf(await app.core.handleMessage({ ...admin, text: '/kb history cases' }))).toMatch(/ships with the bot: its history is in git/);
    expect(textOf(await app.core.handleMessage({ ...admin, text: '/kb history no-such-doc' }))).toMatch(/No added document "no-such-doc"/);
    expect(textOf(await app.core.handleMessage({ ...admin, text: '/kb history' }))).toMatch(/Usage: \/kb history/);
    expect(textOf(await app.core.handleMessage({ ...admin, text: `/kb remove ${doc.docId}` }))).toMatch(/已删除 Removed《差旅报销制度》/);
    expect((await ask('一线城市出差住宿每晚最多报销多少？'))!.blocks.some((b) => b.type === 'citations')).toBe(false);
    expect(app.knowledge.status.documents.map((d) => d.docId)).not.toContain(doc.docId);
    const history = textOf(await app.core.handleMessage({ ...admin, text: `/kb history ${doc.docId}` }));
    expect(history).toMatch(/removed/);
    expect(history.match(/^- v\d/gm)).toHaveLength(2);
  });

  it('still pre-checks a bare file from anyone who is not an admin, and offers it to admins', async () => {
    const contract = '采购合同\n甲方：某某公司\n乙方：某某贸易公司\n合同总金额为人民币壹万元整（¥12,000）。';
    const r = await app.core.handleMessage({ ...rep, text: '', files: [file('contract.txt', contract)] });
    expect(textOf(r)).toMatch(/amount|金额/);
    const preview = await app.core.handleMessage({ ...admin, text: '', files: [file('contract.txt', contract)] });
    const checked = await press(admin, 'kb.precheck', button(preview, 'kb.precheck'));
    expect(textOf(checked!.replaceOriginal!)).toMatch(/amount|金额/);
  });
});

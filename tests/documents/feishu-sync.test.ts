import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Origin, Reply } from '../../src/core/types.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { blocksToMarkdown } from '../../src/platforms/feishu/docs.js';
import { blocksFrom } from '../helpers/fake-feishu-docs.js';
import { FAKE_APP_ID, FAKE_APP_SECRET, FakeFeishu } from '../helpers/fake-feishu.js';

/**
 * Feishu Docs/Wiki sync through the real SDK against the fake open API: wiki space (nested nodes,
 * paged), a drive folder (with a subfolder), a single document token.
 */
const tmp = mkdtempSync(path.join(tmpdir(), 'kb-feishu-'));
const fake = new FakeFeishu();
let app: App;
let seq = 0;
const admin: Origin = { platform: 'feishu', userId: 'ou_admin', channelId: 'oc_p2p', conversationId: 'oc_p2p' };
const textOf = (r: Reply | null) =>
  (r?.blocks ?? []).map((b) => ('text' in b ? b.text : b.type === 'citations' ? b.items.map((c) => `[${c.n}] ${c.title} › ${c.section}`).join('\n') : '')).join('\n');
const ask = (text: string) => app.core.handleMessage({ ...admin, conversationId: `c${++seq}`, text });
const sync = () => app.core.handleMessage({ ...admin, text: '/kb sync' });

beforeAll(async () => {
  await fake.start();
  fake.docs.putDocument('doxWikiGifts', '礼品与招待制度', [
    { h: 1, text: '礼品' },
    { h: 2, text: '赠送限额' },
    { p: '向客户赠送礼品，每人每年累计不得超过五百元。' },
    { h: 2, text: '审批' },
    { p: '超过限额的礼品须经销售总监书面批准。' },
    { h: 1, text: '招待' },
    { bullet: '宴请客户人均不得超过三百元。' },
  ]);
  fake.docs.putDocument('doxWikiChild', '展会费用规定', [{ h: 1, text: '展位' }, { p: '参加行业展会的展位费须提前三十天报预算。' }]);
  fake.docs.putDocument('doxFolderSamples', '样品管理办法', [{ h: 2, text: '样品领用' }, { p: '样品领用须登记客户名称和用途，三个月内归还或核销。' }]);
  fake.docs.putDocument('doxNested', '佣金结算细则', [{ h: 1, text: '结算周期' }, { p: '销售佣金按季度结算，回款到账后发放。' }]);
  fake.docs.putDocument('doxSingle', '差旅补贴标准', [{ h: 1, text: '伙食补贴' }, { p: '出差伙食补贴每天一百元，按出差天数计算。' }]);
  fake.docs.addWikiNode('spc1', { node: 'wikn1', obj: 'doxWikiGifts', title: '礼品与招待制度' });
  fake.docs.addWikiNode('spc1', { node: 'wikn2', obj: 'shtcnSheet', type: 'sheet', title: '某表格' });
  fake.docs.addWikiNode('spc1', { node: 'wikn3', obj: 'doxWikiChild', title: '展会费用规定', parent: 'wikn1' });
  fake.docs.addFolderEntry('fldA', { token: 'doxFolderSamples', name: '样品管理办法' });
  fake.docs.addFolderEntry('fldA', { token: 'fldB', name: '子目录', type: 'folder' });
  fake.docs.addFolderEntry('fldB', { token: 'doxNested', name: '佣金结算细则' });
  fake.docs.addFolderEntry('fldA', { token: 'boxcnFile', name: 'scan.pdf', type: 'file' });
  const config = loadConfig(
    {
      DATA_DIR: path.join(tmp, 'data'),
      ADMIN_IDS: 'feishu:ou_admin',
      LOG_LEVEL: 'silent',
      FEISHU_APP_ID: FAKE_APP_ID,
      FEISHU_APP_SECRET: FAKE_APP_SECRET,
      FEISHU_DOMAIN: fake.baseUrl,
      FEISHU_SYNC_WIKI_SPACES: 'spc1',
      FEISHU_SYNC_FOLDERS: 'fldA',
      FEISHU_SYNC_DOCUMENTS: 'doxSingle',
    },
    null,
  );
  app = await createApp(config, log, { dbFile: path.join(tmp, 'data', 'assistant.db') });
});
afterAll(async () => {
  await app.close();
  await fake.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Feishu Docs / Wiki sync', () => {
  it('turns heading blocks into markdown headings and keeps text, lists and nothing else', () => {
    const md = blocksToMarkdown(blocksFrom('T', [{ h: 1, text: 'A' }, { p: 'one' }, { h: 3, text: 'B' }, { bullet: 'two' }]));
    expect(md).toBe('# A\none\n\n### B\n- two\n');
  });

  it('syncs wiki spaces, folders and single documents; answers cite the documents’ own headings', async () => {
    expect(textOf(await sync())).toMatch(/\+5 新增 added, 0 更新 updated, 0 删除 removed/);
    const stored = await app.documents.store.list();
    expect(stored.map((d) => d.docId).sort()).toEqual(['feishu-doxFolderSamples', 'feishu-doxNested', 'feishu-doxSingle', 'feishu-doxWikiChild', 'feishu-doxWikiGifts']);
    expect(fake.callsTo(/GET \/open-apis\/docx\/v1\/documents\/doxWikiGifts\/blocks/).length).toBeGreaterThan(1); // paged

    const gifts = textOf(await ask('给客户送礼一年最多能送多少钱？'));
    expect(gifts).toContain('五百元');
    expect(gifts).toContain('礼品与招待制度 › 礼品 › 赠送限额');
    expect(textOf(await ask('佣金多久结算一次？'))).toContain('佣金结算细则 › 结算周期');
    expect(textOf(await ask('出差伙食补贴一天多少？'))).toContain('差旅补贴标准 › 伙食补贴');
  });

  it('fetches only changed documents, stores a new version, and removes documents deleted at the source', async () => {
    const before = fake.callsTo(/\/blocks$/).length;
    expect(textOf(await sync())).toMatch(/\+0 新增 added, 0 更新 updated, 0 删除 removed, 5 未变 unchanged/);
    expect(fake.callsTo(/\/blocks$/).length).toBe(before);

    fake.docs.putDocument('doxSingle', '差旅补贴标准', [{ h: 1, text: '伙食补贴' }, { p: '出差伙食补贴每天一百五十元，按出差天数计算。' }]);
    fake.docs.deleteDocument('doxWikiChild');
    expect(textOf(await sync())).toMatch(/\+0 新增 added, 1 更新 updated, 1 删除 removed/);
    expect((await app.documents.store.versions('feishu-doxSingle')).map((v) => v.version)).toEqual([1, 2]);
    expect(textOf(await ask('出差伙食补贴一天多少？'))).toContain('一百五十元');
    expect(app.knowledge.status.documents.map((d) => d.docId)).not.toContain('feishu-doxWikiChild');
    const audit = await app.documents.store.audit(3);
    expect(audit.map((a) => [a.action, a.actor])).toEqual(expect.arrayContaining([['remove', 'feishu-sync'], ['replace', 'feishu-sync']]));
  });

  it('changes nothing when the source cannot be listed', async () => {
    fake.failNext(/GET \/open-apis\/wiki\/v2\/spaces\/spc1\/nodes/, 1, 400, { code: 131006, msg: 'permission denied' });
    expect(textOf(await sync())).toMatch(/sync failed; nothing was changed/);
    expect((await app.documents.store.list()).length).toBe(4);
  });

  it('is for admins only', async () => {
    expect(textOf(await app.core.handleMessage({ ...admin, userId: 'ou_rep', text: '/kb sync' }))).toMatch(/Only admins/);
  });
});

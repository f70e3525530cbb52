import { describe, expect, it } from 'vitest';
import type { CommandContext, PostTarget, Reply } from '../../src/core/types.js';
import { openTestDb } from '../helpers/storage.js';
import { createDigestCommand, createRemindCommand, parseAddArgs } from '../../src/schedule/commands.js';
import { DigestService } from '../../src/schedule/digest.js';
import { ScheduleRegistry } from '../../src/schedule/registry.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { ScheduleStore } from '../../src/schedule/store.js';
import type { CaseStudy, Clock, Schedule, TimerPort } from '../../src/schedule/types.js';

class ManualTime implements Clock, TimerPort {
  constructor(public t: number) {}
  now() {
    return new Date(this.t);
  }
  set() {
    return 0;
  }
  clear() {}
}

const ctx = (userId: string, channelId = 'C1', platform: 'slack' | 'feishu' = 'slack'): CommandContext => ({
  origin: { platform, userId, channelId, conversationId: channelId },
});

const text = (r: Reply) => r.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');

function mkCase(i: number, tags: string[]): CaseStudy {
  return {
    id: `c${i}`,
    title: `案例${i}`,
    tags,
    riskArea: '测试',
    date: '2024-01-01',
    source: 'external',
    summary: `摘要${i}`,
    handbookRef: { document: '某公司直销管理制度的规定', section: '五、直销风险管理' },
    handbookTopic: 't',
    sections: { what: 'a', rule: 'b', consequences: 'c', lesson: `教训${i}` },
    file: `c${i}.md`,
  };
}

const yamlSchedules: Schedule[] = [
  {
    id: 'weekly-handbook',
    cron: '0 9 * * 1',
    timezone: 'Asia/Shanghai',
    target: { platform: 'slack', channel: 'C1' },
    content: { kind: 'message', message: '拜访客户请携带合规手册' },
    source: 'yaml',
  },
  {
    id: 'credit-digest',
    cron: '0 16 * * 3',
    timezone: 'Asia/Shanghai',
    title: '信用案例',
    target: { platform: 'slack', channel: 'C1' },
    content: { kind: 'digest', digest: { count: 2, tags: ['credit'] } },
    source: 'yaml',
  },
  {
    id: 'other-channel',
    cron: '0 9 * * 1',
    timezone: 'Asia/Shanghai',
    target: { platform: 'feishu', channel: 'oc_9' },
    content: { kind: 'message', message: 'x' },
    source: 'yaml',
  },
];

async function setup(config = { CHANNEL_ADMIN_IDS: ['slack:UADMIN'], ADMIN_IDS: ['slack:UBOSS'] }) {
  const time = new ManualTime(Date.parse('2024-03-11T02:00:00Z')); // Monday 10:00 Shanghai
  const db = await openTestDb(':memory:');
  const store = new ScheduleStore(db);
  const registry = new ScheduleRegistry(yamlSchedules, store, time);
  const cases = [mkCase(1, ['credit']), mkCase(2, ['bribery']), mkCase(3, ['credit']), mkCase(4, ['credit'])];
  const digests = new DigestService({ store, cases: () => cases, clock: time });
  const posted: { target: PostTarget; reply: Reply }[] = [];
  const post = async (target: PostTarget, reply: Reply) => {
    posted.push({ target, reply });
    return `m${posted.length}`;
  };
  const remind = createRemindCommand({ registry, config, clock: time });
  const digest = createDigestCommand({ registry, digests, post, config });
  return { time, db, store, registry, digests, remind, digest, posted, post };
}

describe('/remind', () => {
  it('only channel admins may add; CHANNEL_ADMIN_IDS wins over ADMIN_IDS when set', async () => {
    const { remind, registry } = await setup();
    const refused = await remind.handle('add "0 9 * * 1" 请携带合规手册', ctx('USOMEONE'));
    expect(text(refused)).toMatch(/频道管理员/);
    const boss = await remind.handle('add "0 9 * * 1" 请携带合规手册', ctx('UBOSS'));
    expect(text(boss)).toMatch(/频道管理员/);
    const ok = await remind.handle('add "0 9 * * 1" 请携带合规手册', ctx('UADMIN'));
    expect(text(ok)).toMatch(/已添加提醒 `chat-1`/);
    expect(ok.visibility).toBe('in_channel');
    expect(registry.list({ channelId: 'C1' }).filter((s) => s.source === 'chat')).toHaveLength(1);
    // Same user id on another platform is not an admin.
    const wrongPlatform = await remind.handle('add "0 9 * * 1" x', ctx('UADMIN', 'oc_9', 'feishu'));
    expect(text(wrongPlatform)).toMatch(/频道管理员/);
  });

  it('falls back to ADMIN_IDS when CHANNEL_ADMIN_IDS is empty', async () => {
    const { remind } = await setup({ CHANNEL_ADMIN_IDS: [], ADMIN_IDS: ['slack:UBOSS'] });
    expect(text(await remind.handle('add "0 9 * * 1" x', ctx('UBOSS')))).toMatch(/已添加/);
    expect(text(await remind.handle('add "0 9 * * 1" x', ctx('UADMIN')))).toMatch(/频道管理员/);
  });

  it('validates cron from chat with a clear error', async () => {
    const { remind, registry } = await setup();
    const bad = await remind.handle('add "0 9 * *" 少了一段', ctx('UADMIN'));
    expect(text(bad)).toMatch(/无法添加提醒.*invalid cron '0 9 \* \*'/s);
    const spam = await remind.handle('add "*/5 * * * *" 每五分钟', ctx('UADMIN'));
    expect(text(spam)).toMatch(/at least an hour apart/);
    const noText = await remind.handle('add "0 9 * * 1"', ctx('UADMIN'));
    expect(text(noText)).toMatch(/提醒内容/);
    const badTz = await remind.handle('add "0 9 * * 1" --tz Mars/Base 内容', ctx('UADMIN'));
    expect(text(badTz)).toMatch(/unknown time zone/);
    expect(registry.list().filter((s) => s.source === 'chat')).toHaveLength(0);
  });

  it('parses curly and Chinese quotes, bare five-field crons and an optional zone', () => {
    expect(parseAddArgs('“0 9 * * 1” 带手册')).toEqual({ cron: '0 9 * * 1', text: '带手册' });
    expect(parseAddArgs('「0 9 * * 1」 带手册')).toEqual({ cron: '0 9 * * 1', text: '带手册' });
    expect(parseAddArgs('0 9 * * 1 带 手册')).toEqual({ cron: '0 9 * * 1', text: '带 手册' });
    expect(parseAddArgs('"30 8 * * 1-5" --tz America/New_York standup')).toEqual({
      cron: '30 8 * * 1-5',
      timezone: 'America/New_York',
      text: 'standup',
    });
  });

  it('lists this channel’s YAML (read-only) and chat reminders only', async () => {
    const { remind } = await setup();
    await remind.handle('add "0 17 * * 5" 周五下班前更新CRM', ctx('UADMIN'));
    const list = text(await remind.handle('list', ctx('UANYONE')));
    expect(list).toContain('weekly-handbook');
    expect(list).toContain('credit-digest');
    expect(list).toContain('chat-1');
    expect(list).toContain('只读');
    expect(list).not.toContain('other-channel');
    // Next fire shown in the schedule's zone: Friday 17:00.
    expect(list).toMatch(/17:00/);
  });

  it('remove: YAML ids are refused, chat ids removed by admins in their own channel', async () => {
    const { remind, registry } = await setup();
    await remind.handle('add "0 9 * * 1" x', ctx('UADMIN'));
    expect(text(await remind.handle('remove weekly-handbook', ctx('UADMIN')))).toMatch(/read-only/);
    expect(text(await remind.handle('remove chat-1', ctx('UNOBODY')))).toMatch(/频道管理员/);
    expect(text(await remind.handle('remove chat-1', ctx('UADMIN', 'C2')))).toMatch(/另一个频道/);
    expect(text(await remind.handle('remove chat-99', ctx('UADMIN')))).toMatch(/no reminder/);
    expect(text(await remind.handle('remove chat-1', ctx('UADMIN')))).toMatch(/已删除/);
    expect(registry.get('chat-1')).toBeUndefined();
    expect(registry.get('weekly-handbook')).toBeDefined();
  });

  it('registry API: add/list/remove persist in the database across instances (another replica sees them on refresh)', async () => {
    const { registry, store, time } = await setup();
    const s = await registry.add({ target: { platform: 'feishu', channelId: 'oc_1' }, cron: '0 9 * * 1', text: '周一提醒', createdBy: 'feishu:ou_1' });
    const again = new ScheduleRegistry(yamlSchedules, store, time);
    expect(again.list({ channelId: 'oc_1' })).toEqual([]);
    await again.refresh();
    expect(again.list({ channelId: 'oc_1' }).map((x) => [x.id, x.source, x.createdBy])).toEqual([[s.id, 'chat', 'feishu:ou_1']]);
    await again.remove(s.id);
    expect(registry.list({ channelId: 'oc_1' })).toHaveLength(1);
    await registry.refresh();
    expect(registry.list({ channelId: 'oc_1' })).toEqual([]);
    await expect(again.remove('credit-digest')).rejects.toThrow(/read-only/);
  });

  it('a reminder added from chat goes live at once and does not fire its past', async () => {
    const { registry, store, digests, post, posted, time, remind } = await setup();
    const scheduler = new Scheduler({ registry, store, digests, post, clock: time, timer: time });
    await scheduler.start();
    // Monday 10:00: add one for 09:00 today (already past) and one for 11:00.
    await remind.handle('add "0 9 * * 1" 过去的', ctx('UADMIN', 'C5'));
    await remind.handle('add "0 11 * * 1" 十一点', ctx('UADMIN', 'C5'));
    time.t = Date.parse('2024-03-11T03:00:30Z');
    await scheduler.tick();
    scheduler.stop();
    expect(posted.map((p) => [p.target.channelId, p.reply.fallbackText])).toEqual([['C5', '合规提醒：十一点']]);
  });
});

describe('/digest', () => {
  it('now posts the next digest here using the channel’s digest settings and advances the rotation', async () => {
    const { digest, posted } = await setup();
    // A post everyone sees: a rep may only preview.
    expect(text(await digest.handle('now', ctx('U1')))).toMatch(/只有频道管理员/);
    expect(posted).toHaveLength(0);
    const r1 = await digest.handle('now', ctx('UADMIN'));
    expect(text(r1)).toMatch(/2 个案例/);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.target).toEqual({ platform: 'slack', channelId: 'C1' });
    expect(posted[0]!.reply.blocks[0]).toEqual({ type: 'heading', text: '信用案例' });
    await digest.handle('now', ctx('UADMIN'));
    const shown = posted.map((p) => p.reply.fallbackText).join(' ');
    // Tag filter credit: cases 1, 3, 4 only; two digests of two show all three before a repeat.
    expect(shown).not.toContain('案例2');
    for (const t of ['案例1', '案例3', '案例4']) expect(shown).toContain(t);
  });

  it('preview is ephemeral and does not advance the rotation; channels without a digest schedule get the default', async () => {
    const { digest, posted } = await setup();
    const p1 = await digest.handle('preview', ctx('U1'));
    const p2 = await digest.handle('preview', ctx('U1'));
    expect(p1.visibility).toBe('ephemeral');
    expect(text(p1)).toBe(text(p2));
    expect(posted).toHaveLength(0);
    const elsewhere = await digest.handle('preview', ctx('U1', 'C-NEW'));
    expect(text(elsewhere)).toContain('案例1');
    expect(text(elsewhere)).toContain('案例3');
    expect(text(elsewhere)).toContain('案例2');
    expect(text(await digest.handle('', ctx('U1')))).toMatch(/\/digest now/);
  });
});

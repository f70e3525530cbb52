import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CommandContext, Reply } from '../../src/core/types.js';
import { createRemindCommand } from '../../src/schedule/commands.js';
import { ScheduleRegistry } from '../../src/schedule/registry.js';
import { channelIdProblem, parseReminders } from '../../src/schedule/reminders.js';
import { ScheduleStore } from '../../src/schedule/store.js';
import { DataFileError } from '../../src/data-files/data-file.js';
import { openTestDb } from '../helpers/storage.js';

const entry = (id: string, extra = '') => `  - id: ${id}
    cron: "0 9 * * 1"${extra}
    target: { platform: slack, channel: C0123456789 }
    content: { message: 请携带合规手册 }
`;
const ctx: CommandContext = { origin: { platform: 'slack', userId: 'U1', channelId: 'C0123456789', conversationId: 'c' } };
const text = (r: Reply) => r.blocks.map((b) => ('text' in b ? b.text : '')).join('\n');

describe('reminders switched off in the YAML file', () => {
  it('are parsed as disabled, never handed to the scheduler, and listed with a warning', async () => {
    const schedules = parseReminders(`reminders:\n${entry('on')}${entry('off', '\n    enabled: false')}${entry('explicit-on', '\n    enabled: true')}`);
    expect(schedules.map((s) => [s.id, Boolean(s.disabled)])).toEqual([['on', false], ['off', true], ['explicit-on', false]]);
    const registry = new ScheduleRegistry(schedules, new ScheduleStore(await openTestDb()));
    expect(registry.all().map((s) => s.id)).toEqual(['on', 'explicit-on']);
    expect(registry.disabled().map((s) => s.id)).toEqual(['off']);
    const list = text(await createRemindCommand({ registry, config: { CHANNEL_ADMIN_IDS: [], ADMIN_IDS: [] } }).handle('list', ctx));
    expect(list).toContain('`on`');
    expect(list).toMatch(/尚未启用.*`off`/);
  });

  it('says nothing about disabled reminders when there are none', async () => {
    const registry = new ScheduleRegistry(parseReminders(`reminders:\n${entry('on')}`), new ScheduleStore(await openTestDb()));
    const list = text(await createRemindCommand({ registry, config: { CHANNEL_ADMIN_IDS: [], ADMIN_IDS: [] } }).handle('list', ctx));
    expect(list).not.toMatch(/尚未启用|disabled/);
  });

  it('rejects an enabled value that is not true or false, naming the line', () => {
    const err = (() => {
      try {
        parseReminders(`reminders:\n${entry('maybe', '\n    enabled: sometimes')}`);
      } catch (e) {
        return e as DataFileError;
      }
    })();
    expect(err).toBeInstanceOf(DataFileError);
    expect(err!.message + JSON.stringify(err!.problems)).toMatch(/enabled must be true or false/);
  });

  it('ship disabled wherever the channel is not a real id', () => {
    const shipped = parseReminders(readFileSync('knowledge/reminders.yaml', 'utf8'));
    expect(shipped.length).toBeGreaterThan(0);
    for (const s of shipped) if (channelIdProblem(s.target)) expect(s.disabled, s.id).toBe(true);
  });
});

describe('channel id shapes', () => {
  it('accepts real-looking Slack and Feishu ids', () => {
    expect(channelIdProblem({ platform: 'slack', channel: 'C0123456789' })).toBeNull();
    expect(channelIdProblem({ platform: 'slack', channel: 'G01ABCDEF2' })).toBeNull();
    expect(channelIdProblem({ platform: 'feishu', channel: 'oc_5ad11d72b830411d72b836c20' })).toBeNull();
  });

  it('flags names, placeholders and ids of the other platform', () => {
    expect(channelIdProblem({ platform: 'slack', channel: '#sales' })).toMatch(/not a Slack channel id/);
    expect(channelIdProblem({ platform: 'slack', channel: 'C0SALES00PLACEHOLDER' })).toMatch(/not a Slack/);
    expect(channelIdProblem({ platform: 'slack', channel: 'oc_5ad11d72b830411d72b836c20' })).toMatch(/not a Slack/);
    expect(channelIdProblem({ platform: 'feishu', channel: 'oc_sales_group_placeholder' })).toMatch(/not a Feishu chat id/);
    expect(channelIdProblem({ platform: 'feishu', channel: 'C0123456789' })).toMatch(/not a Feishu/);
  });
});

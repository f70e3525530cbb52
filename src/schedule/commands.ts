import type { CommandContext, CommandDefinition, Origin, Reply, ReplyBlock } from '../core/types.js';
import { hasId } from '../core/ids.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { nextFire } from './cron.js';
import { DEFAULT_DIGEST, type DigestService } from './digest.js';
import { ReminderError, type ScheduleRegistry } from './registry.js';
import type { PostFn } from './scheduler.js';
import type { Clock, DigestSpec, Schedule, ScheduleTarget } from './types.js';
import { systemClock } from './types.js';
import { errorSummary } from '../log/errors.js';

/** `/remind` and `/digest`: chat access to schedules. YAML schedules are listed but never edited here. */

/** Who may add and remove reminders (the app config satisfies it): channel admins, else admins. */
export interface ReminderAdmins {
  CHANNEL_ADMIN_IDS: readonly string[];
  ADMIN_IDS: readonly string[];
}

export interface RemindCommandDeps {
  registry: ScheduleRegistry;
  config: ReminderAdmins;
  clock?: Clock;
  logger?: Logger;
}

export interface DigestCommandDeps {
  registry: ScheduleRegistry;
  digests: DigestService;
  post: PostFn;
  logger?: Logger;
  /** Who may post a digest now (the same people who manage reminders). */
  config: RemindCommandDeps['config'];
}

const REMIND_USAGE = [
  '/remind list — 本频道的定时提醒',
  '/remind add "<cron>" [--tz 时区] <提醒内容> — 在本频道添加提醒（频道管理员）',
  '/remind remove <id> — 删除聊天中添加的提醒（频道管理员）',
  '例：/remind add "0 9 * * 1" 拜访客户请随身携带合规手册',
].join('\n');

const ephemeral = (text: string, heading?: string): Reply => ({
  blocks: [...(heading ? [{ type: 'heading' as const, text: heading }] : []), { type: 'text', text }],
  fallbackText: text,
  visibility: 'ephemeral',
});

/** Shipped reminders wait for a real channel: say so wherever reminders are listed. */
function disabledNote(disabled: Schedule[]): string {
  if (!disabled.length) return '';
  const ids = disabled.map((s) => `\`${s.id}\``).join('、');
  return (
    `⚠️ knowledge/reminders.yaml 里有 ${disabled.length} 条提醒尚未启用（enabled: false）：${ids}。` +
    `请合规团队填入真实频道 id 并改为 enabled: true。` +
    ` ${disabled.length} reminder(s) in knowledge/reminders.yaml are disabled until a real channel is set.`
  );
}

const channelAdmins = (config: RemindCommandDeps['config']) =>
  config.CHANNEL_ADMIN_IDS.length > 0 ? config.CHANNEL_ADMIN_IDS : config.ADMIN_IDS;

export function isChannelAdmin(config: RemindCommandDeps['config'], origin: Origin): boolean {
  return hasId(channelAdmins(config), origin.platform, origin.userId);
}

function formatInZone(d: Date | null, timezone: string): string {
  if (!d) return '—';
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}

function describeContent(s: Schedule): string {
  const c = s.content;
  if (c.kind === 'message') return c.message.length > 60 ? `${c.message.slice(0, 59)}…` : c.message;
  if (c.kind === 'topic') return `手册条款：${c.topic}`;
  return `案例分享 ${c.digest.count} 个${c.digest.tags ? `（标签：${c.digest.tags.join('、')}）` : ''}`;
}

/** `"<cron>" [--tz Zone] text`, accepting straight, curly and Chinese quotes, or five bare fields. */
export function parseAddArgs(rest: string): { cron: string; timezone?: string; text: string } | { error: string } {
  const s = rest.trim();
  let cron: string;
  let after: string;
  const quoted = /^(["'`“”‘’「『])(.+?)(["'`“”‘’」』])\s*([\s\S]*)$/.exec(s);
  if (quoted) {
    cron = quoted[2]!.trim();
    after = quoted[4]!;
  } else {
    const parts = s.split(/\s+/);
    if (parts.length < 6) return { error: `用法：/remind add "<cron>" <提醒内容>\n例：/remind add "0 9 * * 1" 拜访客户请随身携带合规手册` };
    cron = parts.slice(0, 5).join(' ');
    after = s.split(/\s+/).slice(5).join(' ');
  }
  let timezone: string | undefined;
  const tz = /^--tz[ =](\S+)\s*([\s\S]*)$/.exec(after.trim());
  if (tz) {
    timezone = tz[1];
    after = tz[2]!;
  }
  const text = after.trim();
  if (!text) return { error: '请在 cron 表达式后写上提醒内容。例：/remind add "0 9 * * 1" 拜访客户请随身携带合规手册' };
  return { cron, ...(timezone ? { timezone } : {}), text };
}

export function createRemindCommand(deps: RemindCommandDeps): CommandDefinition {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger ?? silentLogger;
  return {
    name: 'remind',
    summary: '定时合规提醒：查看、添加、删除本频道的提醒',
    usage: REMIND_USAGE,
    async handle(args: string, ctx: CommandContext): Promise<Reply> {
      const origin = ctx.origin;
      const [sub = '', ...restParts] = args.trim().split(/\s+/);
      const rest = args.trim().slice(sub.length);
      const here = { channelId: origin.channelId, platform: origin.platform };

      switch (sub.toLowerCase()) {
        case 'list':
        case 'ls': {
          await deps.registry.refresh();
          const schedules = deps.registry.list(here);
          const off = disabledNote(deps.registry.disabled());
          if (schedules.length === 0) return ephemeral(['本频道还没有定时提醒。', off].filter(Boolean).join('\n\n'), '本频道的定时提醒');
          const now = clock.now();
          const lines = schedules.map((s) => {
            const src = s.source === 'yaml' ? '配置文件，只读' : '聊天添加';
            return `- \`${s.id}\` \`${s.cron}\`（${s.timezone}）下次：${formatInZone(nextFire(s.cron, s.timezone, now), s.timezone)} · ${describeContent(s)} · ${src}`;
          });
          return ephemeral([lines.join('\n'), off].filter(Boolean).join('\n\n'), '本频道的定时提醒');
        }
        case 'add': {
          if (!isChannelAdmin(deps.config, origin)) return ephemeral('只有频道管理员可以添加提醒。');
          const parsed = parseAddArgs(rest);
          if ('error' in parsed) return ephemeral(parsed.error);
          try {
            const s = await deps.registry.add({
              target: { platform: origin.platform, channelId: origin.channelId },
              cron: parsed.cron,
              text: parsed.text,
              createdBy: `${origin.platform}:${origin.userId}`,
              ...(parsed.timezone ? { timezone: parsed.timezone } : {}),
            });
            log.info({ scheduleId: s.id, channelId: origin.channelId }, 'schedule: chat reminder added');
            const next = formatInZone(nextFire(s.cron, s.timezone, clock.now()), s.timezone);
            return {
              blocks: [{ type: 'text', text: `已添加提醒 \`${s.id}\`：\`${s.cron}\`（${s.timezone}），下次提醒：${next}` }],
              fallbackText: `已添加提醒 ${s.id}`,
              visibility: 'in_channel',
            };
          } catch (err) {
            if (err instanceof ReminderError) return ephemeral(`无法添加提醒：${err.message}`);
            throw err;
          }
        }
        case 'remove':
        case 'rm':
        case 'delete': {
          if (!isChannelAdmin(deps.config, origin)) return ephemeral('只有频道管理员可以删除提醒。');
          const id = restParts[0];
          if (!id) return ephemeral('用法：/remind remove <id>（id 见 /remind list）');
          await deps.registry.refresh();
          const existing = deps.registry.get(id);
          if (existing && existing.source === 'chat' && (existing.target.channel !== origin.channelId || existing.target.platform !== origin.platform)) {
            return ephemeral(`提醒 \`${id}\` 属于另一个频道，请在该频道中删除。`);
          }
          try {
            await deps.registry.remove(id);
            log.info({ scheduleId: id, channelId: origin.channelId }, 'schedule: chat reminder removed');
            return { blocks: [{ type: 'text', text: `已删除提醒 \`${id}\`。` }], fallbackText: `已删除提醒 ${id}`, visibility: 'in_channel' };
          } catch (err) {
            if (err instanceof ReminderError) return ephemeral(`无法删除：${err.message}`);
            throw err;
          }
        }
        default:
          return ephemeral(REMIND_USAGE, '/remind 用法');
      }
    },
  };
}

/** The digest settings that apply to a channel: its first YAML digest schedule, else the default. */
export function digestSettingsFor(registry: ScheduleRegistry, target: ScheduleTarget): { spec: DigestSpec; title?: string } {
  const s = registry
    .list({ channelId: target.channel, platform: target.platform })
    .find((x) => x.content.kind === 'digest');
  if (s && s.content.kind === 'digest') return { spec: s.content.digest, ...(s.title ? { title: s.title } : {}) };
  return { spec: DEFAULT_DIGEST };
}

const DIGEST_USAGE = '/digest now — 在本频道发布下一期案例分享\n/digest preview — 预览下一期（不发布、不计入轮换）';

export function createDigestCommand(deps: DigestCommandDeps): CommandDefinition {
  const log = deps.logger ?? silentLogger;
  return {
    name: 'digest',
    summary: '合规案例分享：立即在本频道发布下一期，或预览',
    usage: DIGEST_USAGE,
    async handle(args: string, ctx: CommandContext): Promise<Reply> {
      const target: ScheduleTarget = { platform: ctx.origin.platform, channel: ctx.origin.channelId };
      const { spec, title } = digestSettingsFor(deps.registry, target);
      const sub = args.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
      if (sub === 'now') {
        // A post everyone in the channel sees: only the people who manage reminders may send one.
        if (!isChannelAdmin(deps.config, ctx.origin)) {
          return ephemeral('只有频道管理员可以立即发布案例分享；可用 /digest preview 预览。Only channel admins (CHANNEL_ADMIN_IDS, else ADMIN_IDS) can post a digest now; try /digest preview.');
        }
        try {
          const { pick } = await deps.digests.postNext(target, spec, title, deps.post);
          return ephemeral(`已在本频道发布案例分享（${pick.cases.length} 个案例）。`);
        } catch (err) {
          log.warn({ channelId: target.channel, err: errorSummary(err) }, 'schedule: /digest now failed');
          return ephemeral('案例分享发布失败，请稍后再试。');
        }
      }
      if (sub === 'preview') {
        const pick = await deps.digests.pick(target, spec);
        const reply = await deps.digests.render(title, pick);
        const note: ReplyBlock = { type: 'context', text: '预览：仅你可见，不计入本频道的案例轮换。' };
        return { ...reply, blocks: [...reply.blocks, note], visibility: 'ephemeral' };
      }
      return ephemeral(DIGEST_USAGE, '/digest 用法');
    },
  };
}

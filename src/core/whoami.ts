import type { CommandDefinition } from './types.js';

/**
 * `/whoami`: the asker's id and the conversation's id on this platform, in the exact form the
 * configuration wants (`slack:U…`, `feishu:ou_…`). Admins need these for ADMIN_IDS, approver
 * roles and reminder channels, and Feishu open_ids differ per app, so no other tool shows the
 * right one. The reply is private: ids are not secret, but nobody asked for them in the channel.
 */
export const whoamiCommand: CommandDefinition = {
  name: 'whoami',
  summary: '显示你和当前会话的 id（用于配置）· Your id and this conversation’s id, for the configuration',
  usage: '/whoami',
  async handle(_args, { origin }) {
    const user = `${origin.platform}:${origin.userId}`;
    const chat = `${origin.platform}:${origin.channelId}`;
    const text = [
      `**你的 id / your id**：\`${origin.userId}\` → 配置中写作 / in the configuration: \`${user}\``,
      `**当前会话 / this conversation**：\`${origin.channelId}\` → \`${chat}\``,
      `用于 ADMIN_IDS、CHANNEL_ADMIN_IDS、CREDIT_ROLE_*（人）和 CREDIT_APPROVAL_CHANNEL、knowledge/reminders.yaml（会话）。` +
        ` For ADMIN_IDS, CHANNEL_ADMIN_IDS, CREDIT_ROLE_* (people) and CREDIT_APPROVAL_CHANNEL, knowledge/reminders.yaml (conversations).`,
    ].join('\n');
    return { blocks: [{ type: 'text', text }], fallbackText: `${user} · ${chat}`, visibility: 'ephemeral', private: true };
  },
};

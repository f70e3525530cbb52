import type { Platform, PostTarget } from '../core/types.js';
import type { Role } from './policy.js';

/** Who approves credit and where the cards go, read from the settings. */

/** Role → configured ids (`slack:U1`, `feishu:ou_2` or a bare id). */
export type CreditRoles = Record<Role, readonly string[]>;

export const PLATFORMS: readonly Platform[] = ['slack', 'feishu', 'console'];

/** The role lists credit reads from the environment (the app config satisfies it). */
export interface CreditRoleSettings {
  CREDIT_ROLE_SALES_MANAGER: readonly string[];
  CREDIT_ROLE_FINANCE: readonly string[];
  CREDIT_ROLE_FINANCE_DIRECTOR: readonly string[];
  CREDIT_ROLE_GENERAL_MANAGER: readonly string[];
}

export function creditRolesFromConfig(config: CreditRoleSettings): CreditRoles {
  return {
    sales_manager: config.CREDIT_ROLE_SALES_MANAGER,
    finance: config.CREDIT_ROLE_FINANCE,
    finance_director: config.CREDIT_ROLE_FINANCE_DIRECTOR,
    general_manager: config.CREDIT_ROLE_GENERAL_MANAGER,
  };
}

/**
 * `CREDIT_APPROVAL_CHANNEL`: comma-separated `platform:channelId` entries (one per platform);
 * a bare id is taken as a Slack channel when it looks like one, else as a Feishu chat.
 */
export function parseApprovalChannels(raw: string | undefined): PostTarget[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry): PostTarget => {
      const colon = entry.indexOf(':');
      const prefix = colon > 0 ? entry.slice(0, colon) : '';
      if ((PLATFORMS as readonly string[]).includes(prefix)) {
        return { platform: prefix as Platform, channelId: entry.slice(colon + 1) };
      }
      return { platform: entry.startsWith('oc_') ? 'feishu' : 'slack', channelId: entry };
    });
}

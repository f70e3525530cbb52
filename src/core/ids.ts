/**
 * `platform:id` membership test used by every role and admin list (a bare id matches on any
 * platform). Lists come from the environment (ADMIN_IDS, CREDIT_ROLE_*, CHANNEL_ADMIN_IDS).
 */
export function hasId(list: readonly string[], platform: string, userId: string): boolean {
  return list.includes(`${platform}:${userId}`) || list.includes(userId);
}

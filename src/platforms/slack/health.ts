import type { PartStatus } from '../../server/health.js';

/**
 * Is Slack's Web API reachable with our bot token? One `auth.test` call (no scope needed). Kept
 * outside the adapter on purpose: it must answer even when the adapter's own client is stuck.
 */
export function slackProbe(config: { SLACK_BOT_TOKEN?: string; SLACK_API_URL?: string; SLACK_APP_TOKEN?: string }) {
  const base = (config.SLACK_API_URL ?? 'https://slack.com/api/').replace(/\/*$/, '/');
  const mode = config.SLACK_APP_TOKEN ? 'socket' : 'http';
  return async (): Promise<PartStatus> => {
    const res = await fetch(`${base}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.SLACK_BOT_TOKEN ?? ''}`, 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(4_000),
    });
    if (!res.ok) return { ok: false, mode, detail: `auth.test answered HTTP ${res.status}` };
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
    return body.ok ? { ok: true, mode } : { ok: false, mode, detail: `auth.test: ${body.error ?? 'not ok'}` };
  };
}

import type { PartStatus } from '../../server/health.js';

const DOMAINS: Record<string, string> = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' };

/**
 * Can we still get a tenant access token from the Open Platform? That one call proves the network
 * path and the app's credentials. Kept apart from the SDK, whose cached token would hide an outage
 * for up to two hours.
 */
export function feishuProbe(config: { FEISHU_APP_ID?: string; FEISHU_APP_SECRET?: string; FEISHU_DOMAIN: string; FEISHU_MODE: string }) {
  const domain = config.FEISHU_DOMAIN.trim();
  const base = (DOMAINS[domain.toLowerCase()] ?? domain).replace(/\/+$/, '');
  return async (): Promise<PartStatus> => {
    const res = await fetch(`${base}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ app_id: config.FEISHU_APP_ID, app_secret: config.FEISHU_APP_SECRET }),
      signal: AbortSignal.timeout(4_000),
    });
    if (!res.ok) return { ok: false, mode: config.FEISHU_MODE, detail: `tenant_access_token answered HTTP ${res.status}` };
    const body = (await res.json().catch(() => ({}))) as { code?: number; msg?: string };
    return body.code === 0
      ? { ok: true, mode: config.FEISHU_MODE }
      : { ok: false, mode: config.FEISHU_MODE, detail: `tenant_access_token: code ${body.code ?? '?'} ${body.msg ?? ''}`.trim() };
  };
}

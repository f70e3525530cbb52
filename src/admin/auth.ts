import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who may see the dashboard: whoever presents ADMIN_TOKEN, as `Authorization: Bearer …` or once
 * through the login form, which sets a session cookie. The cookie holds an expiry and an HMAC of
 * it keyed by the token, so it needs no session table, works on every replica, and every session
 * ends when the token is changed.
 */

export const SESSION_COOKIE = 'admin_session';
export const SESSION_MS = 8 * 3600_000;

const digest = (s: string) => createHash('sha256').update(s).digest();

export function tokenMatches(given: string | undefined | null, token: string | undefined): boolean {
  if (!token || !given) return false;
  return timingSafeEqual(digest(given), digest(token));
}

function sessionMac(token: string, expires: number): string {
  return createHmac('sha256', `admin-session\u0000${token}`).update(String(expires)).digest('base64url');
}

export function issueSession(token: string, now = Date.now()): string {
  const expires = now + SESSION_MS;
  return `${expires}.${sessionMac(token, expires)}`;
}

export function sessionValid(value: string | undefined, token: string | undefined, now = Date.now()): boolean {
  if (!value || !token) return false;
  const [expiresText, mac] = value.split('.');
  const expires = Number(expiresText);
  if (!Number.isSafeInteger(expires) || expires < now || !mac) return false;
  return timingSafeEqual(digest(mac), digest(sessionMac(token, expires)));
}

export function bearerToken(header: string | undefined | null): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

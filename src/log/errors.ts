/**
 * The one shape every module logs an error in: `{ err: errorSummary(err) }`. Class, message,
 * and the platform's error code when there is one; never a stack or a response body, which can
 * carry what a user wrote, and never a token, which Web API messages sometimes echo.
 */
export interface ErrorSummary {
  name: string;
  message: string;
  /** A machine-readable code: Node's `ECONNRESET`, Slack's `slack_webapi_platform_error`, a Feishu API code. */
  code?: string | number;
  /** The platform's own error string (Slack's `data.error`, e.g. `channel_not_found`). */
  apiError?: string;
}

const MAX_MESSAGE_CHARS = 300;

/** Slack bot/app/user tokens, bearer credentials and Feishu tenant/app access tokens. */
const SECRET_PATTERNS: RegExp[] = [
  /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b[tu]-[A-Za-z0-9_-]{20,}/g,
];

/** Replaces anything that looks like a credential; used on error messages and free-form SDK log lines. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[redacted-token]');
  return out;
}

export function errorSummary(err: unknown): ErrorSummary {
  const base: ErrorSummary =
    err instanceof Error
      ? { name: err.name, message: redactSecrets(err.message).slice(0, MAX_MESSAGE_CHARS) }
      : { name: 'Unknown', message: redactSecrets(String(err)).slice(0, MAX_MESSAGE_CHARS) };
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; data?: { error?: unknown } };
    if (typeof e.code === 'string' || typeof e.code === 'number') base.code = e.code;
    if (typeof e.data?.error === 'string') base.apiError = e.data.error;
  }
  return base;
}

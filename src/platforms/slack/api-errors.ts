import { webApi } from '@slack/bolt';

/** The Web API families the adapter calls; anything else on the client is left untouched. */
const FAMILIES = new Set(['chat', 'conversations', 'views', 'auth', 'assistant', 'files', 'users', 'apps']);

/**
 * The same WebClient, but every failed Web API call (after the client's own retries) is reported
 * to `onError` with its method name, for `compliance_platform_api_errors_total`. The client binds
 * its methods when it is built, so wrapping the method families is the one place that sees every
 * call without touching each call site.
 */
export function countApiErrors(client: webApi.WebClient, onError?: (method: string) => void): webApi.WebClient {
  if (!onError) return client;
  const wrap = (target: object, prefix: string): object =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (typeof prop !== 'string') return value;
        const name = `${prefix}.${prop}`;
        if (typeof value === 'function') {
          return (...args: unknown[]) => {
            const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
            if (result instanceof Promise) {
              result.catch(() => onError(name));
            }
            return result;
          };
        }
        return value && typeof value === 'object' ? wrap(value, name) : value;
      },
    });
  return new Proxy(client, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      return typeof prop === 'string' && FAMILIES.has(prop) && value && typeof value === 'object' ? wrap(value, prop) : value;
    },
  });
}

/**
 * True when a failed Web API call may still have been carried out: the request went out and no
 * answer came back in time (a timeout, or the connection cut mid-answer). Slack has no idempotency
 * key for chat.postMessage, so repeating such a call can post the same message twice; the
 * client's retries stop there and the caller's own policy (apology, outbox, schedule run) decides.
 * A refused connection or an answered error (429, 5xx) is still retried.
 */
export function mayHaveLanded(err: unknown): boolean {
  const e = err as { code?: unknown; original?: { name?: unknown; message?: unknown; cause?: { code?: unknown } } };
  if (e?.code !== webApi.ErrorCode.RequestError || !e.original) return false;
  const { name, message, cause } = e.original;
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  return cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET' || message === 'terminated';
}

import type { webApi } from '@slack/bolt';

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

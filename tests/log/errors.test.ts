import { describe, expect, it } from 'vitest';
import { errorSummary, redactSecrets } from '../../src/log/errors.js';

describe('errorSummary: one error shape for every log line', () => {
  it('keeps class, message, code and the platform error, and drops the stack', () => {
    const err = Object.assign(new Error('An API error occurred: channel_not_found'), { code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } });
    expect(errorSummary(err)).toEqual({
      name: 'Error',
      message: 'An API error occurred: channel_not_found',
      code: 'slack_webapi_platform_error',
      apiError: 'channel_not_found',
    });
    expect(errorSummary(Object.assign(new Error('rate limited'), { code: 99991400 })).code).toBe(99991400);
  });

  it('redacts Slack tokens, bearer credentials and Feishu access tokens in messages', () => {
    const s = errorSummary(new Error('failed with xoxb-123-456-abcDEF and Authorization: Bearer abc.def.ghi, tenant t-g1044ghJ7Q4KXPV3ZAJ5VSRWMMTBF2ABCDE'));
    expect(s.message).not.toMatch(/xoxb-|abc\.def|t-g1044/);
    expect(s.message.match(/\[redacted-token\]/g)).toHaveLength(3);
  });

  it('leaves ordinary words with hyphens alone and summarises non-errors', () => {
    expect(redactSecrets('a t-shirt and x-ray, in-flight')).toBe('a t-shirt and x-ray, in-flight');
    expect(errorSummary('plain string')).toEqual({ name: 'Unknown', message: 'plain string' });
    expect(errorSummary(new Error('x'.repeat(1000))).message).toHaveLength(300);
  });
});

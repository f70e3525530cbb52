import { readFileSync } from 'node:fs';
import { isValidSlackRequest, verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { slackSignature } from '../../helpers/fake-slack.js';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/platform-vectors.json', import.meta.url), 'utf8'));
const v = vectors.slack_request_signature as {
  signing_secret: string;
  x_slack_request_timestamp: string;
  body: string;
  x_slack_signature: string;
};

function options(overrides: { body?: string; signature?: string; nowMs?: number } = {}) {
  return {
    signingSecret: v.signing_secret,
    body: overrides.body ?? v.body,
    headers: {
      'x-slack-signature': overrides.signature ?? v.x_slack_signature,
      'x-slack-request-timestamp': Number(v.x_slack_request_timestamp),
    },
    nowMilliseconds: overrides.nowMs ?? Number(v.x_slack_request_timestamp) * 1000,
  };
}

describe("Slack's published request-signing vector (Bolt's verifier)", () => {
  it('verifies with the clock pinned to the request time', () => {
    expect(isValidSlackRequest(options())).toBe(true);
    expect(() => verifySlackRequest(options())).not.toThrow();
  });

  it('our test signer produces the same signature', () => {
    expect(slackSignature(v.signing_secret, v.x_slack_request_timestamp, v.body)).toBe(v.x_slack_signature);
  });

  it('is rejected once the 5-minute window has passed, or with today’s clock', () => {
    const ts = Number(v.x_slack_request_timestamp) * 1000;
    expect(isValidSlackRequest(options({ nowMs: ts + 4 * 60_000 }))).toBe(true);
    expect(isValidSlackRequest(options({ nowMs: ts + 6 * 60_000 }))).toBe(false);
    expect(isValidSlackRequest({ ...options(), nowMilliseconds: undefined })).toBe(false);
  });

  it('is rejected when the body or signature is tampered with', () => {
    expect(isValidSlackRequest(options({ body: v.body.replace('roadrunner', 'coyote') }))).toBe(false);
    expect(isValidSlackRequest(options({ signature: v.x_slack_signature.replace(/.$/, '0') }))).toBe(false);
    expect(isValidSlackRequest(options({ signature: 'v1=' + v.x_slack_signature.slice(3) }))).toBe(false);
  });
});

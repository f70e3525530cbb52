import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger as log } from '../../../src/log/logger.js';
import { createSlackAdapter, stripMention } from '../../../src/platforms/slack/adapter.js';
import { downloadSlackFiles, isTrustedFileUrl } from '../../../src/platforms/slack/files.js';
import { createTestCore } from '../../helpers/core.js';
import { FakeSlack } from '../../helpers/fake-slack.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('Slack adapter configuration', () => {
  it('needs a bot token and a signing secret or app token', async () => {
    const { core } = await createTestCore();
    const base = { SLACK_API_URL: undefined, PORT: 0 };
    expect(() => createSlackAdapter({ config: { ...base, SLACK_BOT_TOKEN: undefined, SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: undefined }, core, log })).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => createSlackAdapter({ config: { ...base, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: undefined }, core, log })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(createSlackAdapter({ config: { ...base, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: undefined }, core, log }).mode).toBe('http');
    expect(createSlackAdapter({ config: { ...base, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1' }, core, log }).mode).toBe('socket');
  });

  it('Socket Mode asks SLACK_API_URL for a WebSocket URL with the app token, and start fails cleanly when refused', async () => {
    const fake = await new FakeSlack('xoxb-test-token').start();
    cleanups.push(() => fake.stop());
    const { core } = await createTestCore();
    const adapter = createSlackAdapter({
      config: { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: fake.apiUrl, PORT: 0 },
      core,
      log,
      retry: { retries: 0, minTimeoutMs: 10, maxTimeoutMs: 10 },
    });
    cleanups.push(() => adapter.stop());
    await expect(adapter.start()).rejects.toThrow();
    const open = fake.calls.find((c) => c.method === 'apps.connections.open');
    expect(open?.authorization).toBe('Bearer xapp-1-test');
    expect(fake.calls.find((c) => c.method === 'auth.test')?.authorization).toBe('Bearer xoxb-test-token');
  });

  it('a bad bot token fails start with a message that names the problem, not the token', async () => {
    const fake = await new FakeSlack('xoxb-the-right-one').start();
    cleanups.push(() => fake.stop());
    const { core } = await createTestCore();
    const adapter = createSlackAdapter({
      config: { SLACK_BOT_TOKEN: 'xoxb-wrong-token', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: undefined, SLACK_API_URL: fake.apiUrl, PORT: 0 },
      core,
      log,
    });
    const err = await adapter.start().then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/auth\.test failed.*invalid_auth/);
    expect(err?.message).not.toContain('xoxb-wrong-token');
  });
});

describe('Slack helpers', () => {
  it('strips only the bot mention and keeps line breaks', () => {
    expect(stripMention('<@UBOT> 可以收回扣吗？', 'UBOT')).toBe('可以收回扣吗？');
    expect(stripMention('问 <@UBOT|compliance> 第一行\n第二行 <@UOTHER>', 'UBOT')).toBe('问 第一行\n第二行 <@UOTHER>');
  });

  it('sends the bot token only to Slack file hosts or the configured API host', () => {
    expect(isTrustedFileUrl('https://files.slack.com/files-pri/T1-F1/download/a.pdf')).toBe(true);
    expect(isTrustedFileUrl('http://files.slack.com/x')).toBe(false);
    expect(isTrustedFileUrl('https://files.slack.com.evil.io/x')).toBe(false);
    expect(isTrustedFileUrl('https://evil.io/x?files.slack.com')).toBe(false);
    expect(isTrustedFileUrl('http://127.0.0.1:9999/files/a', 'http://127.0.0.1:9999/api/')).toBe(true);
    expect(isTrustedFileUrl('http://127.0.0.1:9998/files/a', 'http://127.0.0.1:9999/api/')).toBe(false);
    expect(isTrustedFileUrl('not a url')).toBe(false);
  });

  it('enforces the size limit while downloading, whatever size the file claims', async () => {
    const fake = await new FakeSlack('xoxb-t').start();
    cleanups.push(() => fake.stop());
    const big = fake.addFile('big.txt', 'x'.repeat(5000));
    const small = fake.addFile('small.txt', 'ok');
    const res = await downloadSlackFiles(
      [
        { name: 'big.txt', size: 10, url_private_download: big },
        { name: 'small.txt', size: 2, url_private_download: small },
        { name: 'missing.txt', size: 2, url_private_download: `${fake.origin}/files/missing.txt` },
      ],
      { token: 'xoxb-t', apiUrl: fake.apiUrl, maxBytes: 1000 },
    );
    expect(res.files.map((f) => [f.name, f.size])).toEqual([['small.txt', 2]]);
    expect(res.skipped).toEqual([
      { name: 'big.txt', reason: 'too_large' },
      { name: 'missing.txt', reason: 'failed' },
    ]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../src/data-files/data-file.js';
import type { Origin } from '../../src/core/types.js';
import { loadSmallTalk } from '../../src/core/small-talk.js';
import { openTestDb } from '../helpers/storage.js';
import { createTestCore, ScriptedAnswerer } from '../helpers/core.js';

const shipped = loadSmallTalk(path.resolve('knowledge/small-talk.yaml'));
const origin: Origin = { platform: 'feishu', userId: 'ou_1', channelId: 'oc_1', conversationId: 'oc_1' };
const textOf = (r: { blocks: { type: string; text?: string }[] } | null) => (r?.blocks ?? []).map((b) => b.text ?? '').join('\n');
const tmp = mkdtempSync(path.join(tmpdir(), 'small-talk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('small talk', () => {
  it('recognises thanks, acknowledgements and greetings however they are dressed', () => {
    expect(shipped.replyTo('多谢多谢！！', 'zh-Hans')).toMatch(/不客气/);
    expect(shipped.replyTo('好的，謝謝啦~', 'zh-Hant')).toMatch(/不客氣/);
    expect(shipped.replyTo('Thank you 🙏', 'en')).toMatch(/welcome/);
    expect(shipped.replyTo('嗯嗯 收到', 'zh-Hans')).toMatch(/还有问题随时问我/);
    expect(shipped.replyTo('👍', 'zh-Hans')).toMatch(/还有问题随时问我/);
    expect(shipped.replyTo('Got it.', 'en')).toMatch(/^OK/);
    expect(shipped.replyTo('您好，在吗？', 'zh-Hans')).toMatch(/合规助手/);
  });

  it('leaves anything with a question in it to the search', () => {
    expect(shipped.replyTo('谢谢，那定金最多能收多少？', 'zh-Hans')).toBeNull();
    expect(shipped.replyTo('ok so can I accept a gift card from a dealer', 'en')).toBeNull();
    expect(shipped.replyTo('好的客户资料能发给合作方吗', 'zh-Hans')).toBeNull();
    expect(shipped.replyTo('收到回扣怎么办', 'zh-Hans')).toBeNull();
    expect(shipped.replyTo('hello kitty 周边能当礼品送客户吗', 'zh-Hans')).toBeNull();
  });

  it('is a validated data file: a kind without a reply names the file and line', () => {
    const file = path.join(tmp, 'small-talk.yaml');
    writeFileSync(file, 'kinds:\n  - id: thanks\n    phrases: [谢谢]\n');
    expect(() => loadSmallTalk(file)).toThrow(DataFileError);
    expect(() => loadSmallTalk(file)).toThrow(/small-talk\.yaml:2/);
  });

  it('does not send the last answer again when the asker says thanks or sends only punctuation', async () => {
    const answerer = new ScriptedAnswerer();
    const { core } = await createTestCore(await openTestDb(':memory:'), answerer);
    await core.handleMessage({ ...origin, text: '可以给客户回扣吗？' });
    expect(answerer.calls).toHaveLength(1);
    expect(textOf(await core.handleMessage({ ...origin, text: '好的 谢谢！' }))).toMatch(/不客气/);
    expect(textOf(await core.handleMessage({ ...origin, text: '？？？？？' }))).toMatch(/请直接提问[\s\S]*Ask me a question/);
    expect(answerer.calls).toHaveLength(1);
    await core.handleMessage({ ...origin, text: '谢谢，那要是客户主动开口要呢？' });
    expect(answerer.calls).toHaveLength(2);
  });
});

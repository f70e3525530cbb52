import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textMessageEvent } from '../../helpers/fake-feishu.js';
import { cardText, type Harness, setup } from '../../helpers/feishu-adapter-harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('Feishu text commands', () => {
  beforeEach(async () => {
    h = await setup();
  });

  it('passes text commands to the core (/help lists the commands)', async () => {
    await h.send(textMessageEvent({ text: '/help' }));
    const text = cardText(h.replies()[0]!.content);
    expect(text).toContain('/ask');
    expect(text).toContain('/help');
    expect(h.answerer.calls).toHaveLength(0);
  });
});

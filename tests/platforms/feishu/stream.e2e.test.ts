import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_ELEMENT_ID } from '../../../src/platforms/feishu/stream.js';
import { textMessageEvent, type FakeCardEntity } from '../../helpers/fake-feishu.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.js';
import { cardText, startFeishuApp, type FeishuAppHarness } from '../../helpers/feishu-app-harness.js';

/**
 * A model that writes its answer in four pieces, 400 ms apart (longer than the adapter's pacing,
 * so the pieces arrive as separate updates even on a busy machine), citing the first passage.
 */
const PIECES = ['销售人员', '不得收受客户', '的回扣或好处费', '[1]。'];
let llm: FakeOpenAI;
let h: FeishuAppHarness;
const LLM_ENV = () => ({ OPENAI_BASE_URL: llm.baseURL, OPENAI_API_KEY: 'sk-fake', LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '10000' });

beforeAll(async () => {
  llm = await startFakeOpenAI(() => ({ chunks: PIECES, chunkDelayMs: 400 }));
  h = await startFeishuApp({ env: LLM_ENV() });
});
afterAll(async () => {
  await h?.close();
  await llm?.close();
});

const newCards = (before: Set<string>, on = h) => [...on.fake.cards.values()].filter((c) => !before.has(c.cardId));
const ask = (chatId: string, messageId: string, on = h) =>
  on.send(textMessageEvent({ text: '可以给客户回扣吗？', chatType: 'p2p', chatId, messageId, userId: 'ou_stream_1' }));

function expectStreamedThenFinal(card: FakeCardEntity) {
  expect(card.contentUpdates.length).toBeGreaterThanOrEqual(1);
  expect(card.contentUpdates.every((u) => u.elementId === STREAM_ELEMENT_ID)).toBe(true);
  // Each update holds the whole text so far, growing. (The fake refuses a sequence that does not
  // grow, so every recorded change was in order.)
  const texts = card.contentUpdates.map((u) => u.content);
  for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
  // Streaming is switched off, then the checked answer with its sources replaces the text.
  const settings = card.changes.find((c) => c.kind === 'settings');
  expect(settings?.body).toEqual({ config: { streaming_mode: false } });
  expect(card.streaming).toBe(false);
  const final = card.changes.at(-1)!;
  expect(final.kind).toBe('update');
  expect(cardText(final.body)).toContain('[1]');
  expect(JSON.stringify(final.body)).toContain('feedback');
}

describe('Feishu: LLM answers stream into a CardKit card', () => {
  it('creates a streaming card, replies with it, pushes the text, then puts the final answer in it', async () => {
    const before = new Set(h.fake.cards.keys());
    await ask('oc_stream_1', 'om_stream_q1');
    const [card] = newCards(before);
    expect(card).toBeDefined();
    const reply = h.replies().find((r) => r.content?.type === 'card' && r.content?.data?.card_id === card!.cardId);
    expect(reply?.target).toBe('om_stream_q1');
    expectStreamedThenFinal(card!);
    // The streamed text, once complete, is what the model wrote.
    expect(card!.contentUpdates.at(-1)!.content.length).toBeGreaterThan(PIECES[0]!.length);
    // Nothing else was sent for this question: one card, updated in place.
    expect(h.replies().filter((r) => r.target === 'om_stream_q1')).toHaveLength(1);
  });

  it('streams into the progress card when the model is slow to start', async () => {
    // A progress card after 1 s, and a model that starts writing only after 2.5 s.
    const slow = await startFeishuApp({ env: LLM_ENV(), progressDelayMs: 1000 });
    try {
      llm.respondWith(() => ({ chunks: PIECES, chunkDelayMs: 400, delayMs: 2500 }));
      await ask('oc_stream_2', 'om_stream_q2', slow);
      const progress = slow.replies().filter((r) => r.target === 'om_stream_q2');
      expect(progress).toHaveLength(1);
      const [card] = newCards(new Set(), slow);
      expect(slow.fake.convertedFrom.get(card!.cardId)).toBe(progress[0]!.messageId);
      expectStreamedThenFinal(card!);
    } finally {
      llm.respondWith(() => ({ chunks: PIECES, chunkDelayMs: 400 }));
      await slow.close();
    }
  });

  it('patches one card in place when CardKit is refused', async () => {
    h.fake.failNext(/POST \/open-apis\/cardkit\/v1\/cards$/, 1, 400, { code: 99991672, msg: 'no permission' });
    await ask('oc_stream_3', 'om_stream_q3');
    const replies = h.replies().filter((r) => r.target === 'om_stream_q3');
    expect(replies).toHaveLength(1);
    const patches = h.fake.messages.filter((x) => x.kind === 'patch' && x.target === replies[0]!.messageId);
    expect(patches.length).toBeGreaterThanOrEqual(1);
    expect(cardText(replies[0]!.content).length).toBeLessThan(PIECES.join('').length);
    expect(cardText(patches.at(-1)!.content)).toContain('[1]');
  });
});

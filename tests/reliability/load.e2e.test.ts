import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerLane } from '../../src/platforms/shared/answer-lane.js';

import { commandBody, FORM, sendSigned } from '../helpers/fake-slack.js';
import { APP_SECRET, blocksText, startSlackApp, type SlackAppHarness } from '../helpers/slack-app-harness.js';

/**
 * Issue 15, load: acks never wait behind answers, and a burst beyond the answer queue gets a
 * polite "busy, try again in a minute" instead of silence or minutes of delay. Numbers (p50/p99
 * at 50/200/500) come from `npm run bench -- --ack`, not from here.
 */

describe('a burst beyond the answer queue (real app behind the real Slack adapter)', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp({ ANSWER_CONCURRENCY: '1', ANSWER_QUEUE_LIMIT: '2' });
  });
  afterAll(async () => h?.close());

  it('every request is acked 200; each gets exactly one reply: an answer, or "busy" once the queue is full', async () => {
    const ids: string[] = [];
    const sends = Array.from({ length: 12 }, () => {
      const responseUrl = h.fake.responseUrl();
      ids.push(responseUrl.split('/').pop()!);
      return sendSigned(h.url, commandBody({ command: '/ask', text: '签合同之前必须做哪些风险控制？', user_id: 'UBURST', response_url: responseUrl }), FORM, { secret: APP_SECRET });
    });
    const acks = await Promise.all(sends);
    expect(acks.every((a) => a.status === 200)).toBe(true);
    const replies = await h.fake.waitFor(() => (ids.every((id) => h.fake.responsesTo(id).length >= 1) ? ids.map((id) => h.fake.responsesTo(id)) : null), 20_000);
    await new Promise((r) => setTimeout(r, 200));
    for (const id of ids) expect(h.fake.responsesTo(id)).toHaveLength(1);
    const busy = replies.filter((r) => blocksText(r[0]!.body.blocks).includes('请一分钟后再试'));
    const answered = replies.filter((r) => blocksText(r[0]!.body.blocks).includes('[1]'));
    expect(busy.length).toBeGreaterThan(0);
    expect(answered.length).toBeGreaterThanOrEqual(3); // one running + two queued at least
    expect(busy.length + answered.length).toBe(12);
    expect(busy[0]![0]!.body.response_type).toBe('ephemeral');
  });
});

describe('AnswerLane', () => {
  it('runs at most `concurrency` at once, queues up to the limit, refuses beyond it', async () => {
    const lane = new AnswerLane({ concurrency: 2, queueLimit: 3 });
    let running = 0;
    let peak = 0;
    const outcomes: string[] = [];
    const job = (i: number) =>
      lane.run(
        async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
          outcomes.push(`ran ${i}`);
        },
        async () => void outcomes.push(`busy ${i}`),
      );
    await Promise.all(Array.from({ length: 8 }, (_, i) => job(i)));
    expect(peak).toBe(2);
    expect(outcomes.filter((o) => o.startsWith('ran'))).toHaveLength(5);
    expect(outcomes.filter((o) => o.startsWith('busy')).sort()).toEqual(['busy 5', 'busy 6', 'busy 7']);
    // Once drained, new work runs again (negative: "busy" is not sticky).
    await job(9);
    expect(outcomes.at(-1)).toBe('ran 9');
  });

  it('work starts only after the current macrotask (the ack) has finished', async () => {
    const lane = new AnswerLane({ concurrency: 4, queueLimit: 10 });
    const order: string[] = [];
    const done = lane.run(async () => void order.push('answer'), async () => undefined);
    order.push('ack');
    await Promise.resolve();
    order.push('after microtasks');
    await done;
    expect(order).toEqual(['ack', 'after microtasks', 'answer']);
  });
});



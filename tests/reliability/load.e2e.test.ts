import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerLane } from '../../src/platforms/shared/answer-lane.js';
import { FAULTY_WORKER_ENTRY, setWorkerFaults } from '../helpers/answer-worker-control.js';

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
    h = await startSlackApp({ ANSWER_CONCURRENCY: '1', ANSWER_QUEUE_LIMIT: '2', ANSWER_WORKERS: '0' });
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

/**
 * Sends one signed /ask, then (once it is acked) `more` at once, each with its own response_url;
 * `events` gets `ack` per acknowledgement and `answer` each time the bot's answerer finishes one.
 */
async function ackOrder(h: SlackAppHarness, more: number, slowAnswer?: () => void): Promise<string[]> {
  const events: string[] = [];
  const ask = h.app.answerer.ask.bind(h.app.answerer);
  h.app.answerer.ask = async (...args) => {
    slowAnswer?.();
    const result = await ask(...args);
    events.push('answer');
    return result;
  };
  const send = (i: number) =>
    sendSigned(h.url, commandBody({ command: '/ask', text: `签合同之前必须做哪些风险控制？(${i})`, user_id: `UORDER${i}`, response_url: h.fake.responseUrl() }), FORM, {
      secret: APP_SECRET,
    }).then((r) => {
      expect(r.status).toBe(200);
      events.push('ack');
    });
  await send(0);
  await Promise.all(Array.from({ length: more }, (_, i) => send(i + 1)));
  await h.fake.waitFor(() => (events.filter((e) => e === 'answer').length === more + 1 ? true : null), 60_000);
  return events;
}

describe('acks do not wait behind answers (real Slack adapter, CPU-heavy answers)', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ack-order-'));
  const faultFile = path.join(tmp, 'faults.json');
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('answers on a worker thread: requests sent while the first answer computes are all acked before it completes', async () => {
    setWorkerFaults(faultFile, {});
    const h = await startSlackApp({ ANSWER_WORKERS: '1', ANSWER_CONCURRENCY: '1' }, undefined, {
      answerWorker: { workerEntry: FAULTY_WORKER_ENTRY, workerData: { faultFile } },
    });
    try {
      await h.app.answerer.ask('热身 warm-up'); // the thread is up and has the index open
      setWorkerFaults(faultFile, { slowMs: 3000 }); // each answer now computes for 3 s on its thread
      const events = await ackOrder(h, 3);
      expect(events.slice(0, 4)).toEqual(['ack', 'ack', 'ack', 'ack']);
    } finally {
      await h.close();
    }
  });

  it('answers on the bot’s thread (ANSWER_WORKERS=0): the same burst is acked only after the first answer', async () => {
    const h = await startSlackApp({ ANSWER_WORKERS: '0', ANSWER_CONCURRENCY: '1' });
    try {
      const busy = () => {
        const end = Date.now() + 1500;
        while (Date.now() < end); // the same kind of CPU work, on the bot's own thread
      };
      const events = await ackOrder(h, 4, busy);
      expect(events.indexOf('answer')).toBeLessThan(events.lastIndexOf('ack'));
    } finally {
      await h.close();
    }
  });
});

describe('answers yield to requests still waiting for their ack (real Slack adapter, answers on the bot’s thread)', () => {
  it('while another request is in progress, a burst is acked in full before the first CPU-heavy answer runs', async () => {
    const h = await startSlackApp({ ANSWER_WORKERS: '0', ANSWER_CONCURRENCY: '4' });
    const held = holdOneRequest(h);
    try {
      const events: string[] = [];
      const ask = h.app.answerer.ask.bind(h.app.answerer);
      h.app.answerer.ask = async (...args) => {
        events.push('answer starts');
        const end = Date.now() + 400;
        while (Date.now() < end); // CPU work on the bot's own thread
        return ask(...args);
      };
      const inProgress = held.start();
      await held.arrived;
      const acks = Array.from({ length: 4 }, () =>
        sendSigned(h.url, commandBody({ command: '/ask', text: '可以给客户回扣吗？', user_id: 'UORDER', response_url: h.fake.responseUrl() }), FORM, { secret: APP_SECRET }).then((r) => {
          expect(r.status).toBe(200);
          events.push('ack');
        }),
      );
      await Promise.all(acks);
      expect(events).toEqual(['ack', 'ack', 'ack', 'ack']);
      held.release();
      await inProgress;
      await h.fake.waitFor(() => (events.filter((e) => e === 'answer starts').length === 4 ? true : null), 30_000);
    } finally {
      held.release();
      await h.close();
    }
  });

  it('with no other request in progress an acked command is answered without waiting (negative: nothing holds it)', async () => {
    const h = await startSlackApp({ ANSWER_WORKERS: '0' });
    try {
      const started = performance.now();
      const r = await h.command({ command: '/ask', text: '可以给客户回扣吗？' });
      expect(r.status).toBe(200);
      expect(r.responses).toHaveLength(1);
      // Well under the 500-ms most a yield can wait: the answer did not sit behind a request.
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await h.close();
    }
  });
});

/** A GET that the bot's server answers only on `release()`: a request in progress, as in a burst. */
function holdOneRequest(h: SlackAppHarness) {
  let release: () => void = () => undefined;
  let arrived!: () => void;
  const arrivedP = new Promise<void>((r) => (arrived = r));
  h.server.mount('/test/held', (_req, res) => {
    release = () => {
      if (!res.writableEnded) res.end('ok');
    };
    arrived();
  });
  return {
    arrived: arrivedP,
    release: () => release(),
    start: () => fetch(new URL('/test/held', h.url)).then((r) => r.text()),
  };
}

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

  it('each piece of work waits for yieldToAcks, on admission and again when handed a slot by a finished job', async () => {
    const gates: (() => void)[] = [];
    const lane = new AnswerLane({ concurrency: 1, queueLimit: 5, yieldToAcks: () => new Promise<void>((r) => gates.push(r)) });
    const order: string[] = [];
    const first = lane.run(async () => void order.push('first'), async () => undefined);
    const second = lane.run(async () => void order.push('second'), async () => undefined);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]); // both admitted, neither may start before its yield resolves
    gates.shift()!();
    gates.shift()!();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['first']); // the slot is handed over, but the second still yields first
    expect(gates).toHaveLength(1);
    gates.shift()!();
    await second;
    expect(order).toEqual(['first', 'second']);
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



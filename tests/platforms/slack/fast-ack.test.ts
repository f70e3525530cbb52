import { afterEach, describe, expect, it } from 'vitest';
import { earlyAckable } from '../../../src/platforms/slack/fast-ack.js';
import { commandBody, eventBody, FORM, interactionBody, JSON_TYPE, slackSignature } from '../../helpers/fake-slack.js';
import { closeAll, mention, setup } from '../../helpers/slack-adapter-harness.js';

/**
 * Issue 15, load: requests whose ack carries nothing are acknowledged once their signature holds,
 * before Bolt's middleware; everything else still goes through Bolt's receiver.
 */

const SECRET = 'fast-ack-secret';

function signedRequest(body: string, contentType: string, opts: { secret?: string; timestamp?: number; headers?: Record<string, string> } = {}) {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(opts.secret ?? SECRET, ts, body),
      ...opts.headers,
    },
    rawBody: Buffer.from(body),
  };
}

const viewSubmission = interactionBody({ type: 'view_submission', user: { id: 'U1' }, view: { id: 'V1', callback_id: 'form', state: { values: {} } } });

describe('earlyAckable', () => {
  it('takes slash commands, event callbacks, button clicks and shortcuts, with Bolt parsing the body', () => {
    const command = earlyAckable(signedRequest(commandBody({ command: '/ask', text: '能收红包吗', response_url: 'http://x/r' }), FORM), SECRET);
    expect(command?.kind).toBe('command');
    expect(command?.event.body).toMatchObject({ command: '/ask', text: '能收红包吗' });

    const event = earlyAckable(signedRequest(eventBody(mention('<@UBOT> hi', '1.1'), 'Ev1'), JSON_TYPE), SECRET);
    expect(event?.kind).toBe('event_callback');

    const click = earlyAckable(signedRequest(interactionBody({ type: 'block_actions', user: { id: 'U1' }, actions: [] }), FORM), SECRET);
    expect(click?.kind).toBe('block_actions');
    expect(click?.event.body).toMatchObject({ type: 'block_actions' });

    const shortcut = earlyAckable(signedRequest(interactionBody({ type: 'message_action', callback_id: 'precheck_message' }), FORM), SECRET);
    expect(shortcut?.kind).toBe('message_action');
  });

  it('carries Slack retry headers to Bolt, as its own receiver does', () => {
    const retried = earlyAckable(signedRequest(eventBody(mention('hi', '1.2'), 'Ev2'), JSON_TYPE, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } }), SECRET);
    expect(retried?.event.retryNum).toBe(2);
    expect(retried?.event.retryReason).toBe('http_timeout');
  });

  it('leaves to Bolt what its ack may carry or what it answers itself', () => {
    expect(earlyAckable(signedRequest(viewSubmission, FORM), SECRET)).toBeNull();
    expect(earlyAckable(signedRequest(interactionBody({ type: 'block_suggestion', value: 'ab' }), FORM), SECRET)).toBeNull();
    expect(earlyAckable(signedRequest(JSON.stringify({ type: 'url_verification', challenge: 'c' }), JSON_TYPE), SECRET)).toBeNull();
    expect(earlyAckable(signedRequest('ssl_check=1&command=%2Fask&team_id=T1', FORM), SECRET)).toBeNull();
    const workflowStep = eventBody({ type: 'function_executed', function_execution_id: 'Fx1' }, 'Ev3');
    expect(earlyAckable(signedRequest(workflowStep, JSON_TYPE), SECRET)).toBeNull();
  });

  it('never takes an unsigned, wrongly signed, stale or unparsable request (Bolt refuses those)', () => {
    const body = commandBody({ command: '/ask', text: 'x', response_url: 'http://x/r' });
    expect(earlyAckable(signedRequest(body, FORM, { secret: 'someone-else' }), SECRET)).toBeNull();
    expect(earlyAckable(signedRequest(body, FORM, { timestamp: Math.floor(Date.now() / 1000) - 600 }), SECRET)).toBeNull();
    const { headers, rawBody } = signedRequest(body, FORM);
    expect(earlyAckable({ headers: { ...headers, 'x-slack-signature': undefined }, rawBody }, SECRET)).toBeNull();
    expect(earlyAckable(signedRequest('payload=%7Bnot-json', FORM), SECRET)).toBeNull();
    expect(earlyAckable(signedRequest('[1,2]', JSON_TYPE), SECRET)).toBeNull();
  });
});

describe('Slack adapter acks before Bolt middleware', () => {
  afterEach(closeAll);

  /** A global Bolt middleware that holds every request until released: Bolt's work, made slow. */
  function holdBoltMiddleware(h: Awaited<ReturnType<typeof setup>>) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let reached = 0;
    h.adapter.app.use(async ({ next }) => {
      reached++;
      await released;
      await next();
    });
    return { release, reached: () => reached };
  }

  it('answers a slash command 200 while Bolt is still busy with it, and the command is then answered', async () => {
    const h = await setup();
    const hold = holdBoltMiddleware(h);
    const responseUrl = h.fake.responseUrl('held-1');
    const ack = await h.send(commandBody({ command: '/ask', text: '可以收客户的红包吗', response_url: responseUrl }), FORM);
    expect(ack.status).toBe(200);
    await h.fake.waitFor(() => hold.reached() > 0);
    expect(h.fake.responsesTo('held-1')).toHaveLength(0);
    hold.release();
    await h.fake.waitFor(() => h.fake.responsesTo('held-1')[0]);
  });

  it('still waits for the listener on a view submission, whose ack carries the form errors', async () => {
    const h = await setup();
    const hold = holdBoltMiddleware(h);
    let settled = false;
    const submitted = h.send(viewSubmission, FORM).then((r) => ((settled = true), r));
    await h.fake.waitFor(() => hold.reached() > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    hold.release();
    expect((await submitted).status).toBe(200);
  });
});

import type { IncomingHttpHeaders } from 'node:http';
import { HTTPModuleFunctions, isValidSlackRequest, type ReceiverEvent } from '@slack/bolt';

/**
 * Slack requests whose acknowledgement carries nothing: slash commands, Events API callbacks, button
 * clicks and shortcuts. Every listener of this bot acks those with an empty 200 before it does
 * anything else, so they can be acknowledged as soon as the signature holds, and handed to Bolt
 * (`App.processEvent`, the entry point Bolt's own receivers use) once the burst has been acked.
 * Bolt's receiver runs its whole middleware chain before a listener can call `ack()`; under a burst
 * that work, repeated for every request ahead in the queue, is what made the last acks late.
 *
 * Anything else goes through Bolt's receiver unchanged: view submissions (their ack may carry form
 * errors), option requests (their ack is the options), URL verification and SSL checks (answered by
 * Bolt), bodies that do not parse or are not signed (Bolt answers 401/400 as before).
 */
export interface EarlyAckable {
  /** What Bolt's receiver would have handed to `App.processEvent`, with an ack that does nothing. */
  event: ReceiverEvent;
  /** `command`, `event_callback`, `block_actions`, `message_action` or `shortcut`: for logs and metrics. */
  kind: string;
}

const INTERACTIVE_KINDS = new Set(['block_actions', 'message_action', 'shortcut']);

interface SignedRequest {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

/** The request as a Bolt event to process after an immediate empty ack, or null (Bolt's receiver decides). */
export function earlyAckable(req: SignedRequest, signingSecret: string, nowMs = Date.now()): EarlyAckable | null {
  const text = req.rawBody.toString();
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isFinite(timestamp)) return null;
  const signed = isValidSlackRequest({
    signingSecret,
    body: text,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
    nowMilliseconds: nowMs,
  });
  if (!signed) return null;
  let body: unknown;
  try {
    // Bolt's own body parser, so the listener sees exactly what Bolt's receiver would give it.
    body = HTTPModuleFunctions.parseHTTPRequestBody(req as Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0]);
  } catch {
    return null;
  }
  const kind = kindOf(body);
  if (!kind) return null;
  const event: ReceiverEvent = {
    body: body as Record<string, unknown>,
    ack: async () => {},
    retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req as never),
    retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req as never),
  };
  return { event, kind };
}

function kindOf(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (b.ssl_check !== undefined) return null;
  if (typeof b.command === 'string' && typeof b.team_id === 'string') return 'command';
  if (b.type === 'event_callback' && b.event && typeof b.event === 'object') {
    // A workflow step's function_executed event is acked by its listener, with content.
    return (b.event as { type?: unknown }).type === 'function_executed' ? null : 'event_callback';
  }
  if (typeof b.type === 'string' && INTERACTIVE_KINDS.has(b.type)) return b.type;
  return null;
}

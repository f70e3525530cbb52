import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal OpenAI-compatible chat server on 127.0.0.1 for end-to-end LLM tests: it records each
 * request body and answers POST /v1/chat/completions from a script (content, HTTP status, delay).
 */

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  [key: string]: unknown;
}

export interface ScriptedResponse {
  /** Assistant message text (default: empty string). */
  content?: string;
  /** HTTP status to send instead of 200 (body is an OpenAI-style error). */
  status?: number;
  /** Wait this long before answering (to trigger client timeouts). */
  delayMs?: number;
  /**
   * When the request asks for `stream: true`: the content in these pieces, one server-sent event
   * each, `chunkDelayMs` apart (default: the whole content as one piece).
   */
  chunks?: string[];
  chunkDelayMs?: number;
}

export type Responder = (body: ChatRequestBody, callIndex: number) => ScriptedResponse;

export interface FakeOpenAI {
  /** Base URL to put in OPENAI_BASE_URL, e.g. http://127.0.0.1:1234/v1 */
  baseURL: string;
  requests: ChatRequestBody[];
  /** Replaces the responder for subsequent calls. */
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(responder: Responder = () => ({ content: '' })): Promise<FakeOpenAI> {
  let respond = responder;
  const requests: ChatRequestBody[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
    const index = requests.length;
    requests.push(body);
    const out = respond(body, index);
    const send = () => {
      if (res.destroyed) return;
      if (out.status && out.status !== 200) {
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `scripted failure ${out.status}`, type: 'server_error' } }));
        return;
      }
      if (body.stream === true) {
        streamChunks(out.chunks ?? [out.content ?? ''], out.chunkDelayMs ?? 0);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-fake-${index}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: out.content ?? '' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    };
    // OpenAI's streaming format: one `data:` line per delta, then `data: [DONE]`.
    const streamChunks = (pieces: string[], gapMs: number) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (delta: Record<string, unknown>, finish: string | null) =>
        `data: ${JSON.stringify({
          id: `chatcmpl-fake-${index}`,
          object: 'chat.completion.chunk',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      res.write(event({ role: 'assistant', content: '' }, null));
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i < pieces.length) {
          res.write(event({ content: pieces[i++] }, null));
          const t = setTimeout(() => {
            timers.delete(t);
            next();
          }, gapMs);
          timers.add(t);
          return;
        }
        res.write(event({}, 'stop'));
        res.end('data: [DONE]\n\n');
      };
      next();
    };
    if (out.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, out.delayMs);
      timers.add(t);
    } else {
      send();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    respondWith(r) {
      respond = r;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The text of all messages of a request, for asserting what the prompt carried. */
export function promptText(body: ChatRequestBody): string {
  return body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
}

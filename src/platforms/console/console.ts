import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { BotCore } from '../../core/core.js';
import type { Reply } from '../../core/types.js';
import { renderText } from './render.js';

export interface ConsoleOptions {
  core: BotCore;
  input: Readable;
  output: Writable;
  /** Interactive prompt on a TTY; line-by-line replies otherwise (pipes, CI). */
  interactive: boolean;
  userId?: string;
  /**
   * Lines arriving closer together than this are one paste, hence one message (interactive only).
   * Nobody types Enter twice within 40 ms; a terminal delivers a pasted contract in one burst.
   */
  pasteGapMs?: number;
}

const DEFAULT_PASTE_GAP_MS = 40;

/**
 * Commands whose text is a document (a contract), not one line. Piped in, such a command takes every
 * line after it up to the next command line (`/…`) or the end of input, so a contract piped into
 * the console is pre-checked as one text, not as one message per line.
 */
const DOCUMENT_COMMAND = /^[/／](precheck)(\s|$)/iu;
const COMMAND_LINE = /^\s*[/／][A-Za-z]/u;

/**
 * The local console: the same router as Slack and Feishu, typed in a terminal or piped in.
 * On a terminal a multi-line paste is one message (a contract is not twenty questions); piped
 * input is answered line by line, except a document command's text (a piped `/precheck` contract). Resolves when input ends and the last reply is written.
 */
export async function runConsole(o: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: o.input, output: o.interactive ? o.output : undefined, terminal: o.interactive });
  const write = (s: string) => o.output.write(`${s}\n`);
  const origin = { platform: 'console' as const, userId: o.userId ?? 'console-user', channelId: 'console', conversationId: 'console' };
  const gapMs = o.pasteGapMs ?? DEFAULT_PASTE_GAP_MS;
  let last: Reply | null = null;

  async function handle(text: string): Promise<void> {
    const vote = text === '+1' ? 'up' : text === '-1' ? 'down' : null;
    const feedback = vote && last?.actions?.find((a) => a.id === 'feedback' && a.value.endsWith(`:${vote}`));
    if (vote && !feedback) {
      write('Nothing to rate yet — ask a question first.');
    } else if (feedback) {
      const r = await o.core.handleAction({ ...origin, actionId: 'feedback', value: feedback.value });
      if (r?.toast) write(r.toast);
    } else {
      const reply = await o.core.handleMessage({ ...origin, text });
      if (reply) {
        if (reply.actions?.some((a) => a.id === 'feedback')) last = reply;
        write(renderText(reply));
        await reply.onDelivered?.();
      }
    }
  }

  // Messages are answered one at a time, in order, however fast they arrive.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (text: string) => {
    queue = queue.then(async () => {
      if (text) await handle(text).catch((err) => write(`Error: ${(err as Error).message}`));
      if (!o.interactive && text) write('');
      if (o.interactive) rl.prompt();
    });
  };

  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending.length) return;
    enqueue(pending.join('\n').trim());
    pending = [];
  };

  if (o.interactive) {
    write('合规助手 Compliance Assistant — ask a question, or /help. Paste a contract as one message. Ctrl-D to quit.');
    rl.setPrompt('> ');
    rl.prompt();
  }
  let document: string[] | null = null;
  const flushDocument = () => {
    if (document) enqueue(document.join('\n').trim());
    document = null;
  };
  rl.on('line', (line) => {
    if (!o.interactive) {
      if (document && !COMMAND_LINE.test(line)) {
        document.push(line);
        return;
      }
      flushDocument();
      if (DOCUMENT_COMMAND.test(line.trim())) document = [line.trim()];
      else enqueue(line.trim());
      return;
    }
    pending.push(line);
    clearTimeout(timer);
    timer = setTimeout(flush, gapMs);
  });
  await new Promise<void>((resolve) => rl.once('close', resolve));
  flushDocument();
  flush();
  await queue;
}

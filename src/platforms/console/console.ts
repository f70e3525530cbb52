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
}

/**
 * The local console: the same router as Slack and Feishu, typed in a terminal or piped in.
 * Resolves when input ends.
 */
export async function runConsole(o: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: o.input, output: o.interactive ? o.output : undefined, terminal: o.interactive });
  const write = (s: string) => o.output.write(`${s}\n`);
  const origin = { platform: 'console' as const, userId: o.userId ?? 'console-user', channelId: 'console', conversationId: 'console' };
  let last: Reply | null = null;
  if (o.interactive) {
    write('合规助手 Compliance Assistant — ask a question, or /help. Ctrl-D to quit.');
    rl.setPrompt('> ');
    rl.prompt();
  }
  for await (const line of rl) {
    const text = line.trim();
    if (text) {
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
        }
      }
      if (!o.interactive) write('');
    }
    if (o.interactive) rl.prompt();
  }
}

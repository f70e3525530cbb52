import type { Logger } from 'pino';
import type { Answerer } from '../answer/types.js';
import { errorSummary } from '../log/errors.js';
import { detectScript } from '../text/script.js';
import type { EventDeduper } from './dedupe.js';
import { parseInvocation } from './parse.js';
import { DEFAULT_RATE_LIMITS, RateLimiter, rateLimitedText, type RateLimits } from './rate-limit.js';
import type { SharedReplies } from './shared-replies.js';
import { answerReply, errorReply, helpReply, textReply } from './replies.js';
import type { SmallTalk } from './small-talk.js';
import { whoamiCommand } from './whoami.js';
import type {
  FileClaim,
  ActionDefinition,
  AnswerStream,
  ActionResult,
  ChatPort,
  CommandDefinition,
  Feature,
  FormDefinition,
  FormResult,
  IncomingAction,
  IncomingCommand,
  IncomingFormSubmission,
  IncomingMessage,
  Origin,
  Platform,
  PostTarget,
  QuestionLog,
  Reply,
} from './types.js';

export const MAX_QUESTION_CHARS = 2000;

/**
 * One slash command that reaches every other: `/compliance ask …`, `/compliance remind list`.
 * Chat platforms share one command namespace between apps (and Slack reserves `/remind` for
 * itself), so the family name is the only command guaranteed to be ours everywhere.
 */
export const COMMAND_FAMILY = 'compliance';

export interface BotCoreDeps {
  answerer: Answerer;
  /** Questions and votes, for statistics. */
  questions: QuestionLog;
  /** Answers kept so the asker can share them in the channel later. */
  sharedReplies: SharedReplies;
  dedupe: EventDeduper;
  log: Logger;
  /** Thanks, acknowledgements and greetings, answered briefly instead of searched. */
  smallTalk?: SmallTalk;
  now?: () => number;
  /** Commands (questions included) per user and per channel per minute. */
  rateLimits?: RateLimits;
}

/**
 * The platform-neutral brain: one router from messages, commands, button presses and form
 * submissions to reply models. Features register their commands here once and every
 * platform adapter exposes them.
 */
export class BotCore {
  private readonly commands = new Map<string, CommandDefinition>();
  private readonly actions = new Map<string, ActionDefinition>();
  private readonly forms = new Map<string, FormDefinition>();
  private readonly ports = new Map<Platform, ChatPort>();
  private readonly fileClaims: FileClaim[] = [];
  private readonly now: () => number;
  private readonly limiter: RateLimiter;
  private readonly rateLimits: RateLimits;

  constructor(private readonly deps: BotCoreDeps) {
    this.now = deps.now ?? Date.now;
    this.rateLimits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;
    this.limiter = new RateLimiter(this.rateLimits, this.now);
    this.registerCommand({
      name: 'ask',
      summary: '问手册里的政策问题 · Ask a policy question',
      usage: '/ask 可以给客户回扣吗？',
      handle: (args, ctx) => this.ask(args, ctx.origin, ctx.stream),
    });
    this.registerCommand({
      name: 'help',
      summary: '列出所有命令 · List what the bot can do',
      usage: '/help',
      handle: async (args) => {
        const script = detectScript(args || '帮助');
        const reply = helpReply(this.listCommands(), script);
        // The family form works everywhere; where a chat app reserves a short name (Slack's own
        // /remind) it is the only form that reaches the bot.
        reply.blocks.push({
          type: 'context',
          text:
            script === 'en'
              ? `Every command also works as /${COMMAND_FAMILY} <command>, e.g. /${COMMAND_FAMILY} remind list — in Slack, where /remind belongs to Slack, use that form.`
              : `每个命令也可以写成 /${COMMAND_FAMILY} <命令>，例如 /${COMMAND_FAMILY} remind list；在 Slack 里 /remind 是 Slack 自带命令，请用这种写法。`,
        });
        return reply;
      },
    });
    this.registerCommand(whoamiCommand);
    this.registerAction({ id: 'feedback', handle: (a) => this.feedback(a) });
    this.registerAction({ id: 'share', handle: (a) => this.share(a) });
  }

  registerCommand(def: CommandDefinition): void {
    this.commands.set(def.name, def);
  }
  registerAction(def: ActionDefinition): void {
    this.actions.set(def.id, def);
  }
  registerForm(def: FormDefinition): void {
    this.forms.set(def.id, def);
  }
  /** A feature that takes some senders' bare files (an admin's file goes to the knowledge-base preview). */
  registerFileClaim(claim: FileClaim): void {
    this.fileClaims.push(claim);
  }
  /** Registers a feature's commands, actions, forms and file claim in one call. */
  registerFeature(feature: Feature): void {
    for (const command of feature.commands ?? []) this.registerCommand(command);
    for (const action of feature.actions ?? []) this.registerAction(action);
    for (const form of feature.forms ?? []) this.registerForm(form);
    if (feature.claimFile) this.registerFileClaim(feature.claimFile);
  }

  registerPort(port: ChatPort): void {
    this.ports.set(port.platform, port);
  }

  listCommands(): CommandDefinition[] {
    return [...this.commands.values()];
  }

  hasCommand(name: string): boolean {
    return this.commands.has(name.toLowerCase());
  }

  /** Posts through whichever adapter owns the target's platform (scheduler, approvals). */
  async post(target: PostTarget, reply: Reply): Promise<string> {
    const port = this.ports.get(target.platform);
    if (!port) throw new Error(`No adapter is running for platform "${target.platform}"`);
    return port.post(target, reply);
  }

  async notifyUser(platform: Platform, userId: string, reply: Reply): Promise<void> {
    const port = this.ports.get(platform);
    if (!port) throw new Error(`No adapter is running for platform "${platform}"`);
    await port.notifyUser(userId, reply);
  }

  /** A chat message: `/command …`, a bare command word such as `help`, or a question. Null for a repeat event. */
  async handleMessage(msg: IncomingMessage): Promise<Reply | null> {
    // A lease, made permanent once the reply has been delivered: a process killed while answering
    // or posting leaves a claim that runs out, so the platform's redelivery is answered instead of
    // ignored for ever.
    if (!(await this.deps.dedupe.claimLease(msg.eventIds))) return null;
    return this.completedOnDelivery(await this.routeMessage(msg), msg.eventIds);
  }

  /** The reply, whose delivery (the adapter calls `onDelivered`) also makes the event's claim permanent. */
  private completedOnDelivery(reply: Reply, eventIds: readonly string[] | undefined): Reply {
    const settle = reply.onDelivered;
    return {
      ...reply,
      onDelivered: async () => {
        await this.deps.dedupe.complete(eventIds);
        await settle?.();
      },
    };
  }

  private async routeMessage(msg: IncomingMessage): Promise<Reply> {
    const invocation = parseInvocation(msg.text, (name) => this.hasCommand(name));
    if (invocation) {
      return this.runCommand(invocation.name, invocation.args, msg, msg.files, msg.stream);
    }
    if (msg.files?.length && !msg.text.trim()) {
      const claimed = this.fileClaims.map((claim) => claim(msg, msg.files!)).find(Boolean);
      if (claimed) return this.runCommand(claimed.command, claimed.args, msg, msg.files);
    }
    if (msg.files?.length && !msg.text.trim() && this.hasCommand('precheck')) {
      // A bare file sent to the bot is almost always a contract to check.
      return this.runCommand('precheck', '', msg, msg.files);
    }
    return this.runCommand('ask', msg.text, msg, msg.files, msg.stream);
  }

  async handleCommand(cmd: IncomingCommand): Promise<Reply | null> {
    if (!(await this.deps.dedupe.claimLease(cmd.eventIds))) return null;
    return this.completedOnDelivery(await this.runCommand(cmd.name, cmd.args, cmd, cmd.files), cmd.eventIds);
  }

  async handleAction(action: IncomingAction): Promise<ActionResult | null> {
    if (!(await this.deps.dedupe.claim(action.eventIds))) return null;
    const def = this.actions.get(action.actionId);
    if (!def) return { toast: `Unknown action "${action.actionId}"`, toastKind: 'error' };
    try {
      return await def.handle(action);
    } catch (err) {
      this.deps.log.error({ err: errorSummary(err), action: action.actionId, platform: action.platform }, 'action failed');
      return { toast: '抱歉，操作失败，请稍后再试。Sorry, that did not work — please try again.', toastKind: 'error' };
    }
  }

  async handleForm(sub: IncomingFormSubmission): Promise<FormResult> {
    const def = this.forms.get(sub.formId);
    if (!def) return { ok: false, errors: [{ field: '_form', message: `Unknown form "${sub.formId}"` }] };
    try {
      return await def.handle(sub);
    } catch (err) {
      this.deps.log.error({ err: errorSummary(err), form: sub.formId, platform: sub.platform }, 'form failed');
      return { ok: false, errors: [{ field: '_form', message: '抱歉，提交失败，请稍后再试。Sorry, the submission failed.' }] };
    }
  }

  private async runCommand(
    rawName: string,
    args: string,
    origin: Origin,
    files: IncomingMessage['files'],
    stream?: AnswerStream,
  ): Promise<Reply> {
    let name = rawName.toLowerCase();
    if (name === COMMAND_FAMILY) {
      // `/compliance <command> …` runs that command; `/compliance` alone is help, and anything
      // else after it (`/compliance 可以给客户回扣吗`) is a question.
      const sub = /^([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(args.trim());
      if (!args.trim()) name = 'help';
      else if (sub && this.hasCommand(sub[1]!) && sub[1]!.toLowerCase() !== COMMAND_FAMILY) {
        name = sub[1]!.toLowerCase();
        args = (sub[2] ?? '').trim();
      } else name = 'ask';
    }
    const over = this.limiter.take(origin.platform, origin.userId, origin.channelId);
    if (over) {
      this.deps.log.warn({ platform: origin.platform, command: name, limit: over }, 'command rate-limited');
      return { ...textReply(rateLimitedText(over, this.rateLimits)), private: true };
    }
    const def = this.commands.get(name);
    if (!def) {
      return textReply(`未知命令 /${name}。发送 /help 查看可用命令。Unknown command /${name} — try /help.`);
    }
    try {
      return await def.handle(args, { origin: stripExtra(origin), files, ...(stream ? { stream } : {}) });
    } catch (err) {
      this.deps.log.error({ err: errorSummary(err), command: name, platform: origin.platform }, 'command failed');
      return errorReply(detectScript(args || '问'));
    }
  }

  private async ask(question: string, origin: Origin, stream?: AnswerStream): Promise<Reply> {
    const q = question.trim();
    const script = detectScript(q || '问');
    if (!q) {
      return textReply(
        script === 'en'
          ? 'Ask me a question about the sales policy handbook, e.g. "Can I give a customer a kickback?" — or send /help.'
          : '请直接提问，例如“可以给客户回扣吗？”，或发送 /help 查看全部命令。',
      );
    }
    const chat = this.deps.smallTalk?.replyTo(q, script);
    if (chat) return textReply(chat);
    // Nothing but punctuation or symbols ("？？？", "..."): no question to search, and no script to answer in.
    if (!/[\p{L}\p{N}]/u.test(q)) {
      return textReply('请直接提问，例如“可以给客户回扣吗？”，或发送 /help 查看全部命令。\nAsk me a question about the sales policy, e.g. "Can I give a customer a kickback?" — or send /help.');
    }
    if (q.length > MAX_QUESTION_CHARS) {
      return textReply(
        `问题太长（${q.length} 字），请精简到 ${MAX_QUESTION_CHARS} 字以内；要检查合同请用 /precheck。` +
          ` The question is too long (max ${MAX_QUESTION_CHARS} characters); use /precheck for contracts.`,
      );
    }
    const started = this.now();
    const result = await this.deps.answerer.ask(
      q,
      `${origin.platform}:${origin.conversationId}`,
      stream ? { onPartial: (text) => stream.update(text) } : undefined,
    );
    const latencyMs = this.now() - started;
    const questionId = await this.deps.questions.recordQuestion({
      platform: origin.platform,
      userId: origin.userId,
      conversationId: origin.conversationId,
      question: q,
      answered: result.answered,
      topScore: result.topScore,
      latencyMs,
      mode: result.mode,
    });
    this.deps.log.info(
      { platform: origin.platform, questionId, answered: result.answered, mode: result.mode, latencyMs },
      'question answered',
    );
    const reply = answerReply(result, script, questionId, '');
    const shareId = await this.deps.sharedReplies.save({ ...reply, actions: [], visibility: 'in_channel' });
    return answerReply(result, script, questionId, shareId);
  }

  private async feedback(a: IncomingAction): Promise<ActionResult> {
    const [questionId, vote] = a.value.split(':');
    if (!questionId || (vote !== 'up' && vote !== 'down')) return { toast: 'Invalid feedback', toastKind: 'error' };
    const stored = await this.deps.questions.recordFeedback(questionId, a.platform, a.userId, vote);
    if (!stored) return { toast: '找不到这条回答。That answer no longer exists.', toastKind: 'warning' };
    return {
      toast: vote === 'up' ? '感谢反馈 👍 Thanks!' : '感谢反馈，我们会改进 👎 Thanks — we will improve this.',
      toastKind: 'success',
    };
  }

  private async share(a: IncomingAction): Promise<ActionResult> {
    const reply = await this.deps.sharedReplies.load(a.value);
    if (!reply) return { toast: '这条回答已过期，无法分享。This answer has expired.', toastKind: 'warning' };
    return { postInChannel: { ...reply, visibility: 'in_channel' }, toast: '已分享到频道。Shared in the channel.', toastKind: 'success' };
  }
}

function stripExtra(o: Origin): Origin {
  return { platform: o.platform, userId: o.userId, channelId: o.channelId, conversationId: o.conversationId, userName: o.userName };
}

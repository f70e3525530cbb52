import type { ChatPort, Platform, PostTarget, Reply } from '../core/types.js';
import type { Logger } from '../log/logger.js';
import type { Db, Engine, Executor } from '../storage/database.js';
import { Outbox, type OutboxHealth } from '../storage/outbox.js';
import type { Person } from './store.js';

/**
 * How the credit workflow's messages leave: every message a submission or decision owes
 * (approval cards, the applicant's notice, the submitter's confirmation) is written to the
 * outbox in the same transaction as the state change, then delivered by the outbox until done.
 * A process killed between the two leaves rows that the next start (or another replica) sends,
 * instead of an application nobody hears about.
 */

/** Outbound port: one object over every connected platform's ChatPort. */
export interface CreditMessenger {
  post(target: PostTarget, reply: Reply): Promise<string>;
  notifyUser(platform: Platform, userId: string, reply: Reply): Promise<void>;
}

/** Fans the workflow's posts out to whichever adapter serves the target platform. */
export function messengerFromChatPorts(ports: readonly ChatPort[]): CreditMessenger {
  const portFor = (platform: Platform) => {
    const port = ports.find((p) => p.platform === platform);
    if (!port) throw new Error(`no chat port for ${platform}`);
    return port;
  };
  return {
    post: async (target, reply) => portFor(target.platform).post(target, reply),
    notifyUser: async (platform, userId, reply) => portFor(platform).notifyUser(userId, reply),
  };
}

export interface CreditDeliveryOptions {
  /** How long a replica holds a message it is sending before another may send it. */
  leaseMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  /**
   * The submitter's confirmation is also queued, held back this long: the direct reply normally
   * settles it first; when the process died before that reply went out, the queued copy is sent.
   */
  confirmAfterMs?: number;
}

/** A message the workflow owes: a channel post or a direct message, with its rendered reply. */
export interface CreditOutboxMessage {
  /** The application that owes it. */
  ref: string;
  kind: 'approval_card' | 'applicant_update' | 'submitted';
  channel?: PostTarget;
  person?: Person;
  reply: Reply;
}

export class CreditDelivery {
  private readonly outbox: Outbox<CreditOutboxMessage>;
  private readonly confirmAfterMs: number;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    db: Db,
    engine: Engine,
    private readonly messenger: CreditMessenger,
    private readonly log: Logger,
    now: () => number,
    options: CreditDeliveryOptions = {},
  ) {
    this.confirmAfterMs = options.confirmAfterMs ?? 120_000;
    const { confirmAfterMs: _held, ...retry } = options;
    this.outbox = new Outbox<CreditOutboxMessage>(db, engine, { name: 'credit', log, now, deliver: (m) => this.deliver(m), ...definedOnly(retry) });
  }

  /** Queues messages to send now (pass the transaction that records what owes them). */
  owe(messages: readonly CreditOutboxMessage[], trx: Executor): Promise<number[]> {
    return this.outbox.enqueue(messages, trx);
  }

  /** Queues the submitter's confirmation, held back for the direct reply to settle it. */
  holdConfirmation(message: CreditOutboxMessage, trx: Executor): Promise<number[]> {
    return this.outbox.enqueue([message], trx, { delayMs: this.confirmAfterMs });
  }

  /** Sends the given rows now, off the caller's path (a hung platform call must not hold the reply). */
  sendSoon(ids: readonly number[]): void {
    if (!ids.length) return;
    const p = this.outbox.flush(ids).finally(() => this.sending.delete(p));
    this.sending.add(p);
  }

  /** The direct reply went out: the held copies `ids` are not sent. */
  async settle(ids: readonly number[]): Promise<void> {
    await this.outbox.settle(ids);
  }

  /** Settles every confirmation still held for an application (its submitter was answered again). */
  async settleConfirmation(applicationId: string): Promise<void> {
    const held = (await this.outbox.rows(applicationId)).filter((r) => r.status === 'pending' && r.message.kind === 'submitted');
    await this.outbox.settle(held.map((r) => r.id));
  }

  /** Resolves once the sends started so far have finished. */
  async idle(): Promise<void> {
    while (this.sending.size) await Promise.all([...this.sending]);
  }

  /** Delivers what earlier runs (or other replicas) left undelivered, then keeps watching. */
  start(): void {
    this.outbox.start();
  }

  stop(): void {
    this.outbox.stop();
  }

  health(since: number): Promise<OutboxHealth> {
    return this.outbox.health(since);
  }

  /** One owed message out through the messenger; a throw leaves it to the outbox's retry. */
  private async deliver(m: CreditOutboxMessage): Promise<void> {
    if (m.channel) await this.messenger.post(m.channel, m.reply);
    else if (m.person) await this.messenger.notifyUser(m.person.platform, m.person.userId, m.reply);
    else throw new Error(`credit message ${m.kind} for ${m.ref} has no recipient`);
    this.log.info({ event: 'credit.delivered', applicationId: m.ref, kind: m.kind }, 'credit message delivered');
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

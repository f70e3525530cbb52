import type { Db } from '../storage/database.js';

/** Ids that were already claimed (the event is a repeat). */
class AlreadyClaimed extends Error {}

/**
 * Remembers platform event ids so a redelivered event (Slack retries, Feishu redelivery) never
 * produces a second answer — in the database, so it holds across restarts and across replicas:
 * a claim is a unique-key insert, and of two replicas claiming the same id at once exactly one
 * insert succeeds (the other waits on the key, then finds it taken).
 *
 * A claim may be a lease: `claimLease` takes the ids until `leaseMs` from now, `complete` makes
 * that permanent once the answer exists. A process killed in between leaves a lease that runs
 * out, so the platform's redelivery is answered instead of being ignored for ever.
 */
export const DEFAULT_LEASE_MS = 90_000;

export class EventDeduper {
  private lastPurge = 0;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 24 * 3600_000,
    private readonly now: () => number = Date.now,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  /**
   * Claims every id for good; true when none of them was taken before. An event carries
   * several ids (Feishu: event_id and message_id) and any one taken makes it a repeat.
   */
  claim(ids: readonly string[] | undefined): Promise<boolean> {
    return this.claimFor(clean(ids), null);
  }

  /** Claims the ids for the lease period; true when none is done or under a live lease. */
  claimLease(ids: readonly string[] | undefined): Promise<boolean> {
    return this.claimFor(clean(ids), this.now() + this.leaseMs);
  }

  /** The answer exists: the ids are never answered again (within the dedupe window). */
  async complete(ids: readonly string[] | undefined): Promise<void> {
    const keys = clean(ids);
    if (keys.length) await this.db.updateTable('seen_events').set({ lease_until: null }).where('id', 'in', keys).execute();
  }

  /** Gives a lease back early (the work failed in a way a redelivery may fix). */
  async release(ids: readonly string[] | undefined): Promise<void> {
    const keys = clean(ids);
    if (keys.length) {
      await this.db.deleteFrom('seen_events').where('id', 'in', keys).where('lease_until', 'is not', null).execute();
    }
  }

  /** Forgets ids older than the dedupe window; platforms stop redelivering long before. */
  async purge(): Promise<number> {
    const res = await this.db.deleteFrom('seen_events').where('seen_at', '<', this.now() - this.ttlMs).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /**
   * All or nothing, in one transaction: every id is inserted, or taken over where only an expired
   * lease holds it; if any id is held, nothing is kept, so a repeat never takes over ids it shares
   * with a live claim. Keys are sorted so two claims of the same ids lock them in the same order.
   */
  private async claimFor(keys: string[], leaseUntil: number | null): Promise<boolean> {
    if (keys.length === 0) return true;
    const at = this.now();
    if (at - this.lastPurge > 10 * 60_000) {
      this.lastPurge = at;
      await this.purge();
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        const rows = await trx
          .insertInto('seen_events')
          .values(keys.map((id) => ({ id, seen_at: at, lease_until: leaseUntil })))
          .onConflict((oc) =>
            oc
              .column('id')
              .doUpdateSet((eb) => ({ seen_at: eb.ref('excluded.seen_at'), lease_until: eb.ref('excluded.lease_until') }))
              .where((eb) =>
                eb.or([
                  eb.and([eb('seen_events.lease_until', 'is not', null), eb('seen_events.lease_until', '<=', at)]),
                  eb('seen_events.seen_at', '<', at - this.ttlMs),
                ]),
              ),
          )
          .returning('id')
          .execute();
        if (rows.length !== keys.length) throw new AlreadyClaimed();
      });
      return true;
    } catch (err) {
      if (err instanceof AlreadyClaimed) return false;
      throw err;
    }
  }
}

const clean = (ids: readonly string[] | undefined) => [...new Set((ids ?? []).filter(Boolean))].sort();

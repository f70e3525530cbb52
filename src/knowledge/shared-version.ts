import type { Logger } from 'pino';
import { errorSummary } from '../log/errors.js';
import type { Db } from '../storage/database.js';

/**
 * Knowledge stays in each replica's memory (the handbook is small), but `/kb reload` on one
 * replica must reach all of them: the reload bumps a version row, and every replica polls it and
 * reloads its own copy when the row is newer than what it last loaded. Polling, not LISTEN/NOTIFY:
 * it works on both engines and survives a dropped connection without re-subscribing; a reload
 * reaching the others within the poll interval is soon enough for a handbook edit.
 */
export class KnowledgeVersion {
  /** The version this process has loaded (0: whatever it read at start). */
  private seen = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  async current(): Promise<number> {
    const row = await this.db.selectFrom('knowledge_version').select('version').where('id', '=', 1).executeTakeFirst();
    return row ? Number(row.version) : 0;
  }

  /** This process has reloaded: tell the others (one atomic increment). */
  async bump(): Promise<number> {
    const at = new Date().toISOString();
    const row = await this.db
      .insertInto('knowledge_version')
      .values({ id: 1, version: 1, updated_at: at })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ version: eb('knowledge_version.version', '+', 1), updated_at: at })))
      .returning('version')
      .executeTakeFirstOrThrow();
    this.seen = Math.max(this.seen, Number(row.version));
    return Number(row.version);
  }

  /**
   * Polls every `everyMs`; calls `reload` when another process bumped the version. A failing
   * poll or reload is logged and tried again on the next round.
   */
  async follow(everyMs: number, reload: () => Promise<void>): Promise<void> {
    this.seen = Math.max(this.seen, await this.current());
    const round = async () => {
      if (this.polling) return;
      this.polling = true;
      try {
        const latest = await this.current();
        if (latest > this.seen) {
          this.log.info({ version: latest }, 'knowledge: reloaded elsewhere; reloading here');
          await reload();
          this.seen = latest;
        }
      } catch (err) {
        this.log.error({ err: errorSummary(err) }, 'knowledge: could not follow the shared version');
      } finally {
        this.polling = false;
      }
    };
    this.timer = setInterval(() => void round(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

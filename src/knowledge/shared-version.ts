import type { Logger } from 'pino';
import type { Db } from '../storage/database.js';

/**
 * The version row replicas share for handbook reloads: `/kb reload` on one replica bumps it, and
 * the KnowledgeUpdater of every replica (documents/updater.ts) polls it together with the
 * document store's revision — one watch for both kinds of change. Polling, not LISTEN/NOTIFY:
 * it works on both engines and survives a dropped connection without re-subscribing.
 */
export class KnowledgeVersion {
  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
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
    this.log?.debug({ version: row.version }, 'knowledge version bumped');
    return Number(row.version);
  }
}

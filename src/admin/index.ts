import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { App } from '../app.js';
import { loadCleaningRules } from '../knowledge/cleaning.js';
import type { RequestHandler } from '../server/http.js';
import { readDashboard } from './queries.js';
import { createAdminApp } from './routes.js';

/** The `/admin` dashboard of an assembled app, as a handler for the bot's one HTTP server. */
export function createAdminHandler(app: App, options: { now?: () => number } = {}): RequestHandler {
  const now = options.now ?? Date.now;
  const hono = createAdminApp({
    token: app.config.ADMIN_TOKEN,
    now,
    log: app.log,
    data: () =>
      readDashboard({
        db: app.db,
        engine: app.storage.engine,
        knowledge: () => app.knowledge.status,
        documents: () => app.documents.store.list(),
        // Switched-off reminders are listed too (marked disabled, no next run): the admin has to see them.
        schedules: () => [...app.scheduling.registry.all(), ...app.scheduling.registry.disabled()],
        now: () => new Date(now()),
      }),
    documents: {
      store: app.documents.store,
      updater: app.documents.updater,
      cleaningRules: () => loadCleaningRules(path.join(app.config.KNOWLEDGE_DIR, 'cleaning.yaml')),
    },
  });
  const listener = getRequestListener(hono.fetch);
  return (req, res) => listener(req, res);
}

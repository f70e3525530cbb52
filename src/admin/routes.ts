import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import { MAX_DOCUMENT_BYTES, previewDocument } from '../documents/preview.js';
import type { DocumentStore } from '../documents/store.js';
import type { KnowledgeUpdater } from '../documents/updater.js';
import type { CleaningRules } from '../knowledge/cleaning.js';
import { bearerToken, issueSession, SESSION_COOKIE, SESSION_MS, sessionValid, tokenMatches } from './auth.js';
import { toCsv } from './csv.js';
import { dashboardPage, loginPage, previewPage } from './page.js';
import { dashboardTables, type DashboardData } from './queries.js';

export interface AdminDeps {
  /** ADMIN_TOKEN; without it every request is refused. */
  token: string | undefined;
  data: () => Promise<DashboardData>;
  documents: { store: DocumentStore; updater: KnowledgeUpdater; cleaningRules: () => CleaningRules };
  log?: Logger;
  now?: () => number;
}

const ACTOR = 'admin-web';

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null; // `null` and other opaque origins
  }
}

/** The bot serves its own copy of Chart.js from node_modules: the page works without any CDN. */
function loadAssets(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const chartDir = path.dirname(require.resolve('chart.js'));
  return {
    'chart.umd.min.js': readFileSync(path.join(chartDir, 'chart.umd.min.js'), 'utf8'),
    'dashboard.js': readFileSync(new URL('./dashboard-client.js', import.meta.url), 'utf8'),
  };
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the page's own forms.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function createAdminApp(deps: AdminDeps): Hono {
  const assets = loadAssets();
  const now = deps.now ?? Date.now;
  const app = new Hono().basePath('/admin');

  app.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });

  // A form posted from another site never carries the SameSite=Strict cookie; the Origin check also stops it for bearer clients.
  app.use('*', async (c, next) => {
    if (c.req.method === 'POST') {
      const origin = c.req.header('origin');
      const host = c.req.header('host');
      if (origin && host && originHost(origin) !== host) return c.text('cross-site request refused', 403);
    }
    return next();
  });

  const authenticated = (c: Context) =>
    tokenMatches(bearerToken(c.req.header('authorization')), deps.token) || sessionValid(getCookie(c, SESSION_COOKIE), deps.token, now());

  app.post('/login', async (c) => {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof body.token === 'string' ? body.token : '';
    if (!tokenMatches(token, deps.token)) {
      deps.log?.warn('admin login refused');
      return c.html(loginPage(deps.token ? '令牌不对 Wrong token' : '未配置 ADMIN_TOKEN · ADMIN_TOKEN is not set'), 401);
    }
    setCookie(c, SESSION_COOKIE, issueSession(deps.token!, now()), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/admin',
      maxAge: SESSION_MS / 1000,
      secure: c.req.header('x-forwarded-proto') === 'https' || new URL(c.req.url).protocol === 'https:',
    });
    return c.redirect('/admin', 303);
  });

  app.use('*', async (c, next) => {
    if (authenticated(c)) return next();
    c.header('www-authenticate', 'Bearer realm="admin"');
    if ((c.req.header('accept') ?? '').includes('text/html')) return c.html(loginPage(), 401);
    return c.json({ error: 'unauthorized' }, 401);
  });

  app.post('/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/admin' });
    return c.redirect('/admin', 303);
  });

  app.get('/', async (c) => c.html(dashboardPage(await deps.data(), c.req.query('notice')?.slice(0, 300))));

  app.get('/assets/:name', (c) => {
    const body = assets[c.req.param('name')];
    if (!body) return c.notFound();
    return c.body(body, 200, { 'content-type': 'text/javascript; charset=utf-8' });
  });

  app.get('/export/:file', async (c) => {
    const id = c.req.param('file').replace(/\.csv$/, '');
    const table = dashboardTables(await deps.data()).find((t) => t.id === id);
    if (!table) return c.notFound();
    return c.body(toCsv(table.columns, table.rows), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${table.id}-${new Date(now()).toISOString().slice(0, 10)}.csv"`,
    });
  });

  const { store, updater, cleaningRules } = deps.documents;
  const back = (c: Context, notice: string) => c.redirect(`/admin?notice=${encodeURIComponent(notice)}#documents`, 303);

  app.post(
    '/kb/upload',
    bodyLimit({ maxSize: MAX_DOCUMENT_BYTES + 64 * 1024, onError: (c) => c.text(`file larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`, 413) }),
    async (c) => {
      const body = await c.req.parseBody();
      const file = body.file;
      if (!(file instanceof File) || !file.name) return back(c, '请选择文件 Choose a file first');
      const data = new Uint8Array(await file.arrayBuffer());
      const name = path.basename(file.name);
      const preview = await previewDocument(name, data, cleaningRules());
      const replaces = preview.error ? null : await store.uploadReplacedBy(name, preview.title);
      const pendingId = preview.error ? null : await store.stagePending(ACTOR, name, data, now());
      return c.html(previewPage(preview, pendingId, replaces ? `${replaces.docId} v${replaces.version} → v${replaces.version + 1}` : null));
    },
  );

  app.post('/kb/confirm', async (c) => {
    const { id } = await c.req.parseBody();
    const pending = typeof id === 'string' ? await store.takePending(id, now()) : null;
    if (!pending) return back(c, '这个预览已处理或已过期 This preview was already handled or has expired');
    const preview = await previewDocument(pending.fileName, pending.data, cleaningRules());
    if (preview.error) return back(c, preview.error);
    const { document, outcome } = await store.add({ title: preview.title, fileName: pending.fileName, data: pending.data, actor: ACTOR });
    const status = await updater.refresh();
    const chunks = status.documents.find((d) => d.docId === document.docId)?.chunks ?? 0;
    return back(c, `${outcome === 'replaced' ? `已更新 Replaced (v${document.version})` : outcome === 'unchanged' ? '内容未变 Unchanged' : '已加入 Added'}《${document.title}》${document.docId}: ${chunks} chunks`);
  });

  app.post('/kb/cancel', async (c) => {
    const { id } = await c.req.parseBody();
    if (typeof id === 'string') await store.takePending(id, now());
    return back(c, '已取消 Cancelled');
  });

  app.post('/kb/remove', async (c) => {
    const { docId } = await c.req.parseBody();
    const doc = typeof docId === 'string' ? await store.get(docId) : null;
    if (!doc) return back(c, '找不到文档 No such added document');
    await store.remove(doc.docId, ACTOR);
    await updater.refresh();
    return back(c, `已删除 Removed《${doc.title}》${doc.docId}`);
  });

  app.onError((err, c) => {
    deps.log?.error({ err: { name: err.name, message: err.message.slice(0, 200) } }, 'admin request failed');
    return c.text('internal error', 500);
  });
  return app;
}

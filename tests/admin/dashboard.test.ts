import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminHandler } from '../../src/admin/index.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { HttpServer } from '../../src/server/http.js';
import { SECRET_CONTRACT_TEXT, SECRET_CUSTOMER, seedDashboard } from '../helpers/dashboard-seed.js';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';

const TOKEN = 'test-admin-token-0123456789';
const tmp = mkdtempSync(path.join(tmpdir(), 'admin-'));
let app: App;
let server: HttpServer;
let base = '';

beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: path.join(tmp, 'data'), ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' }, null);
  app = await createApp(config, log, { dbFile: ':memory:' });
  await seedDashboard(app.db, { questions: 2000 });
  server = new HttpServer();
  server.mountPrefix('/admin', createAdminHandler(app));
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
afterAll(async () => {
  await server.close();
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
});

const bearer = { authorization: `Bearer ${TOKEN}` };

describe('/admin', () => {
  it('refuses anyone without the token: 401, a login form for browsers', async () => {
    const plain = await fetch(`${base}/admin`);
    expect(plain.status).toBe(401);
    expect(await plain.json()).toEqual({ error: 'unauthorized' });
    const browser = await fetch(`${base}/admin`, { headers: { accept: 'text/html' } });
    expect(browser.status).toBe(401);
    expect(await browser.text()).toContain('name="token"');
    expect((await fetch(`${base}/admin/export/questions.csv`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await fetch(`${base}/admin/assets/chart.umd.min.js`)).status).toBe(401);
    const forged = await fetch(`${base}/admin`, { headers: { cookie: `admin_session=${Date.now() + 1e6}.forged` } });
    expect(forged.status).toBe(401);
  });

  it('logs in through the form with an HttpOnly, SameSite cookie and refuses a wrong token', async () => {
    const wrong = await fetch(`${base}/admin/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${base}/admin/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/admin_session=\d+\./);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const page = await fetch(`${base}/admin`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('shows the charts’ data and tables without contract text or personal data', async () => {
    const res = await fetch(`${base}/admin`, { headers: bearer });
    const page = await res.text();
    for (const id of ['chart-questions', 'chart-feedback', 'chart-unanswered', 'chart-precheck', 'chart-credit']) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('/admin/assets/chart.umd.min.js');
    expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"'\s]*\.js/); // no CDN
    expect(page).toContain('年会'); // an unanswered topic
    for (const secret of [SECRET_CONTRACT_TEXT, SECRET_CUSTOMER, 'U_SECRET_APPLICANT', 'userhash1', '13800138000', '91440300MA5XXXXXXX']) expect(page).not.toContain(secret);
    const data = JSON.parse(/<script id="dashboard-data" type="application\/json">([\s\S]*?)<\/script>/.exec(page)![1]!);
    expect(data.totals.questions).toBe(2000);
    expect(data.questionsPerDay).toHaveLength(30);
    expect(data.precheck.rules.map((r: { rule: string }) => r.rule)).toContain('kickback');
    expect(data.credit.grades).toEqual(['A', 'B', 'C', 'D']);
    expect(data.schedules.find((x: { id: string }) => x.id === 'weekly-case-digest')).toMatchObject({ kind: 'digest', lastStatus: 'posted' });
    expect(data.schedules.find((x: { id: string }) => x.id === 'weekly-case-digest').lastPosted).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    // The shipped reminders wait for real channels: listed, marked disabled, no next run.
    expect(data.schedules.find((x: { id: string }) => x.id === 'weekly-case-digest')).toMatchObject({ source: 'yaml, disabled', next: null });
  });

  it('exports each table as CSV', async () => {
    for (const id of ['questions', 'feedback', 'unanswered', 'precheck', 'credit', 'schedules', 'documents']) {
      const res = await fetch(`${base}/admin/export/${id}.csv`, { headers: bearer });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const csv = await res.text();
      expect(csv.split('\r\n').length).toBeGreaterThan(1);
    }
    const unanswered = await (await fetch(`${base}/admin/export/unanswered.csv`, { headers: bearer })).text();
    expect(unanswered).toContain('[number]');
    expect(unanswered).not.toContain('13800138000');
    expect((await fetch(`${base}/admin/export/nope.csv`, { headers: bearer })).status).toBe(404);
  });

  it('uploads, confirms and removes a document', async () => {
    const form = new FormData();
    form.append('file', new Blob([TRAVEL_POLICY_MD], { type: 'text/markdown' }), 'travel.md');
    const preview = await (await fetch(`${base}/admin/kb/upload`, { method: 'POST', headers: bearer, body: form })).text();
    expect(preview).toContain('住宿标准');
    const id = /name="id" value="([^"]+)"/.exec(preview)![1]!;
    const confirmed = await fetch(`${base}/admin/kb/confirm`, { method: 'POST', headers: bearer, body: new URLSearchParams({ id }), redirect: 'manual' });
    expect(decodeURIComponent(confirmed.headers.get('location')!)).toMatch(/Added《差旅报销制度》kb-[0-9a-f]{8}: 3 chunks/);
    const doc = (await app.documents.store.find('travel.md'))!;
    expect(app.knowledge.status.documents.map((d) => d.docId)).toContain(doc.docId);
    expect((await app.documents.store.audit())[0]).toMatchObject({ actor: 'admin-web', action: 'add' });

    const crossSite = await fetch(`${base}/admin/kb/remove`, { method: 'POST', headers: { ...bearer, origin: 'https://evil.example' }, body: new URLSearchParams({ docId: doc.docId }) });
    expect(crossSite.status).toBe(403);
    await fetch(`${base}/admin/kb/remove`, { method: 'POST', headers: bearer, body: new URLSearchParams({ docId: doc.docId }), redirect: 'manual' });
    expect(app.knowledge.status.documents.map((d) => d.docId)).not.toContain(doc.docId);
  });
});

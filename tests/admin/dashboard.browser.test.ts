import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminHandler } from '../../src/admin/index.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { renderText } from '../../src/platforms/console/render.js';
import { HttpServer } from '../../src/server/http.js';
import { seedDashboard } from '../helpers/dashboard-seed.js';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';

/**
 * The dashboard in a real browser: Debian's chromium (`.ci/run` installs it) driven by
 * playwright-core. Logs in through the form, checks every chart drew pixels, uploads a document
 * and finds it answered through the core (the console path), and saves a screenshot to
 * test-artifacts/ (git-ignored).
 */
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'browser-test-token-0123456789';
const SCREENSHOTS = path.resolve('test-artifacts');
const tmp = mkdtempSync(path.join(tmpdir(), 'admin-browser-'));
let app: App;
let server: HttpServer;
let browser: Browser;
let base = '';

describe.skipIf(!existsSync(CHROMIUM))('/admin in headless Chromium', () => {
  beforeAll(async () => {
    const config = loadConfig({ DATA_DIR: path.join(tmp, 'data'), ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' }, null);
    app = await createApp(config, log, { dbFile: ':memory:' });
    seedDashboard(app.db, { questions: 3000 });
    server = new HttpServer();
    server.mountPrefix('/admin', createAdminHandler(app));
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('logs in, draws every chart, uploads a document that is then answered, and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) external.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      // The first visit is the 401 login page; anything else failing is an error.
      if (r.status() >= 400 && !(r.url() === `${base}/admin` && r.status() === 401)) errors.push(`${r.status()} ${r.url()}`);
    });

    const first = await page.goto(`${base}/admin`);
    expect(first!.status()).toBe(401);
    await page.fill('input[name="token"]', TOKEN);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click('button[type="submit"]')]);
    await page.waitForFunction('document.body.dataset.chartsDrawn !== undefined', null, { timeout: 15_000 }).catch(() => undefined);
    expect(errors).toEqual([]);
    expect(await page.evaluate('document.body.dataset.chartsDrawn')).toBe('5');

    // Every canvas holds drawn pixels, not just an empty element.
    // (Browser-side code: the project's TypeScript has no DOM types, hence `any`.)
    const inked = await page.$$eval('canvas', (canvases: any[]) =>
      canvases.map((c) => {
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height) as { data: Uint8ClampedArray };
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return { id: c.id, inked: n };
      }),
    );
    expect(inked.map((c) => c.id)).toEqual(['chart-questions', 'chart-feedback', 'chart-unanswered', 'chart-precheck', 'chart-credit']);
    for (const c of inked) expect(c.inked, c.id).toBeGreaterThan(500);

    // Upload → preview → confirm.
    await page.setInputFiles('input[name="file"]', { name: '差旅报销制度.md', mimeType: 'text/markdown', buffer: Buffer.from(TRAVEL_POLICY_MD) });
    await Promise.all([page.waitForURL(`${base}/admin/kb/upload`), page.click('form[action="/admin/kb/upload"] button')]);
    expect(await page.textContent('#preview-chunks')).toBe('3');
    expect(await page.textContent('body')).toContain('住宿标准');
    await Promise.all([page.waitForURL(/\/admin\?notice=/), page.click('form[action="/admin/kb/confirm"] button')]);
    expect(await page.textContent('#notice')).toMatch(/已加入 Added《差旅报销制度》/);
    expect(await page.textContent('#documents')).toContain('差旅报销制度');
    await page.waitForSelector('body[data-charts-drawn="5"]');

    // The new document answers through the core, rendered as the console shows it.
    const reply = await app.core.handleMessage({ platform: 'console', userId: 'local', channelId: 'console', conversationId: 'browser-test', text: '一线城市出差住宿每晚最多能报多少？' });
    const shown = renderText(reply!);
    expect(shown).toContain('六百元');
    expect(shown).toContain('差旅报销制度 › 住宿标准');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-dashboard.png'), fullPage: true });
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);
});

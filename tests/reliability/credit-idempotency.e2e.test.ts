import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../helpers/storage.js';
import { blocksText, startSlackApp, type SlackAppHarness } from '../helpers/slack-app-harness.js';

/**
 * Issue 15: the same credit application sent three times (a modal submitted again, a retried
 * request) created three applications. The same person sending the same application within ten
 * minutes now gets the first one back; a changed application is a new one.
 */

const base = JSON.parse(readFileSync(path.join('tests', 'fixtures', 'credit', 'valid-a.json'), 'utf8')) as Record<string, unknown>;

describe('credit submissions are idempotent', () => {
  let h: SlackAppHarness;
  beforeAll(async () => {
    h = await startSlackApp();
  });
  afterAll(async () => h?.close());

  it('three identical submissions → one application, each reply naming it; a changed one → a second (negative)', async () => {
    const json = JSON.stringify({ ...base, customerName: '宁波示例港务物资有限公司' });
    const replies = await Promise.all([1, 2, 3].map(() => h.command({ command: '/credit', text: json, user: 'UTWICE' })));
    const ids = replies.map((r) => /CR-[0-9A-F]+/.exec(blocksText(r.responses[0]!.body.blocks))?.[0]);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBeTruthy();
    expect(await countRows(h.app.db, 'credit_applications')).toBe(1);

    await h.command({ command: '/credit', text: JSON.stringify({ ...base, customerName: '宁波示例港务物资有限公司', requestedLimit: 90000 }), user: 'UTWICE' });
    expect(await countRows(h.app.db, 'credit_applications')).toBe(2);
    // Another person sending the same figures is their own application.
    await h.command({ command: '/credit', text: json, user: 'UOTHER' });
    expect(await countRows(h.app.db, 'credit_applications')).toBe(3);
  });
});

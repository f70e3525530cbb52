import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kb-cli-'));
const env = { ...process.env, DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'silent' };
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, json: r.stdout.trim() ? JSON.parse(r.stdout) : null };
};
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cli kb', () => {
  it('adds, lists, answers from and removes a document', () => {
    const file = path.join(tmp, '差旅报销制度.md');
    writeFileSync(file, TRAVEL_POLICY_MD);
    const added = cli('kb', 'add', file, '--json');
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({ ok: true, outcome: 'added', title: '差旅报销制度', source: 'upload', version: 1, indexedChunks: 3 });
    expect(added.json.preview.sections).toEqual(['一般规定', '住宿标准', '交通工具']);
    const docId = added.json.docId as string;

    const listed = cli('kb', 'list', '--json').json.documents as { docId: string; title: string; source: string }[];
    expect(listed.find((d) => d.docId === docId)).toMatchObject({ title: '差旅报销制度', source: 'upload' });
    expect(listed.filter((d) => d.source === 'handbook').length).toBeGreaterThanOrEqual(5);

    const answer = cli('ask', '出差住宿一晚最多能报多少钱？', '--json').json;
    expect(answer.citations[0]).toMatchObject({ docId, section: '住宿标准' });

    expect(cli('kb', 'remove', docId, '--json').json).toMatchObject({ ok: true, removed: { docId } });
    expect(cli('ask', '出差住宿一晚最多能报多少钱？', '--json').json.citations.map((c: { docId: string }) => c.docId)).not.toContain(docId);
  }, 120_000);

  it('refuses bad input with one line on stderr and exit code 2', () => {
    expect(cli('kb', 'add', path.join(tmp, 'missing.md'), '--json')).toMatchObject({ code: 2, out: '' });
    expect(cli('kb', 'remove', 'kb-00000000', '--json').err).toMatch(/no added document/);
    expect(cli('kb', 'frobnicate').code).toBe(2);
    const scan = path.join(tmp, 'empty.txt');
    writeFileSync(scan, '   ');
    expect(cli('kb', 'add', scan, '--json')).toMatchObject({ code: 2, json: { ok: false } });
  }, 120_000);
});

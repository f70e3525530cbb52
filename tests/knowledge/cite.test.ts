import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeService } from '../../src/knowledge/service.js';
import { toSimplified } from '../../src/text/script.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'cite-'));
let service: KnowledgeService;
beforeAll(async () => {
  service = await KnowledgeService.open({ knowledgeDir: path.resolve('knowledge'), dataDir: tmp });
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What case digests and reminders quote: one handbook sentence about the topic, not the passage's opening. */
describe('handbook citations for posts', () => {
  it('quotes the sentence about the topic, in Simplified, on one line', async () => {
    for (const topic of ['禁止给客户回扣', '签订合同前对客户进行信用评估', '客户信息的访问权限控制']) {
      const c = await service.cite(topic);
      expect(c, topic).not.toBeNull();
      expect(c!.quote, topic).not.toMatch(/\n/);
      expect(c!.quote.length, topic).toBeLessThanOrEqual(160);
      expect(toSimplified(c!.quote), topic).toBe(c!.quote);
      expect(toSimplified(c!.title)).toBe(c!.title);
    }
    expect((await service.cite('禁止给客户回扣'))!.quote).toContain('回扣');
    expect((await service.cite('签订合同前对客户进行信用评估'))!.quote).toMatch(/信用评估/);
  });

  it('cites nothing for a topic the handbook does not hold', async () => {
    expect(await service.cite('公司年会抽奖的奖品清单')).toBeNull();
  });
});

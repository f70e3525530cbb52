import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerer } from '../../src/answer/answerer.js';
import type { IncomingFile, Origin, Reply } from '../../src/core/types.js';
import { silentLogger } from '../../src/log/logger.js';
import { FAULTY_WORKER_ENTRY, setWorkerFaults } from '../helpers/answer-worker-control.js';
import { TRAVEL_POLICY_MD } from '../helpers/documents.js';
import { startSlackApp, type SlackAppHarness } from '../helpers/slack-app-harness.js';

/**
 * Issue 15, load: answers prepared on a worker thread (ANSWER_WORKERS=1), with the real answer
 * module running in a real piscina thread. The thread module used here is the real one preceded
 * by faults a test switches on (a thread that exits or throws outside its task).
 */

const tmp = mkdtempSync(path.join(tmpdir(), 'answer-workers-'));
const knowledgeDir = path.join(tmp, 'knowledge');
const faultFile = path.join(tmp, 'faults.json');
let h: SlackAppHarness;
let seq = 0;
const rep = (): Origin => ({ platform: 'slack', userId: 'UREP', channelId: 'D1', conversationId: `q${++seq}` });
const admin: Origin = { platform: 'slack', userId: 'UADMIN', channelId: 'DADMIN', conversationId: 'DADMIN' };
const textOf = (r: Reply | null | undefined) =>
  (r?.blocks ?? [])
    .map((b) => ('text' in b ? b.text : b.type === 'citations' ? b.items.map((c) => `[${c.n}] ${c.title} › ${c.section}`).join('\n') : ''))
    .join('\n');
const ask = async (text: string, origin = rep()) => textOf(await h.app.core.handleMessage({ ...origin, text }));
const file = (name: string, text: string): IncomingFile => {
  const data = new TextEncoder().encode(text);
  return { name, size: data.byteLength, data };
};

beforeAll(async () => {
  cpSync(path.resolve('knowledge'), knowledgeDir, { recursive: true });
  setWorkerFaults(faultFile, {});
  h = await startSlackApp({ ANSWER_WORKERS: '1', KNOWLEDGE_DIR: knowledgeDir }, undefined, {
    answerWorker: { workerEntry: FAULTY_WORKER_ENTRY, workerData: { faultFile } },
  });
});
afterAll(async () => {
  await h?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('answers on a worker thread', () => {
  it('are the answers the bot’s own thread gives, follow-ups included (memory stays with the bot)', async () => {
    const here = createAnswerer({ retriever: h.app.knowledge, config: h.app.config, log: silentLogger });
    const questions = ['客户要求把货款打到我个人账户可以吗？', '那现金呢', 'Can I accept a gift card from a client?', '下周培训在几楼'];
    for (const q of questions) {
      const inWorker = await h.app.answerer.ask(q, 'thread-1');
      expect(inWorker).toEqual(await here.ask(q, 'thread-1'));
    }
    // The follow-up leaned on the first question's topic in both (the worker got the history).
    expect((await h.app.answerer.memory.history('thread-1')).map((t) => t.question)).toEqual(questions);
  });

  it('see a document added with /kb add at once', async () => {
    const question = '一线城市出差住宿每晚最多报销多少？';
    expect(await ask(question)).not.toContain('差旅报销制度');
    const preview = await h.app.core.handleMessage({ ...admin, text: '/kb add', files: [file('差旅报销制度.md', TRAVEL_POLICY_MD)] });
    const confirm = preview!.actions!.find((a) => a.id === 'kb.confirm')!.value;
    await h.app.core.handleAction({ ...admin, actionId: 'kb.confirm', value: confirm, eventIds: [`act-${++seq}`] });
    const after = await ask(question);
    expect(after).toContain('六百元');
    expect(after).toContain('差旅报销制度 › 住宿标准');
    // Other wording, another section of the same document.
    expect(await ask('坐飞机头等舱需要谁批准？')).toContain('差旅报销制度 › 交通工具');
  });

  it('see a handbook file changed on disk after /kb reload, not before', async () => {
    const question = '借用的样品最迟多久必须归还？';
    writeFileSync(path.join(knowledgeDir, 'handbook', '样品借用规定.md'), '# 样品借用规定\n\n## 归还\n销售人员借用的演示样品须在七个工作日内归还仓库，逾期未还的按成本价从提成中扣除。\n');
    // Written, but not reloaded: the threads still answer from the index the bot holds.
    expect(await ask(question)).not.toContain('七个工作日');
    expect(textOf(await h.app.core.handleMessage({ ...admin, text: '/kb reload' }))).not.toBe('');
    const after = await ask(question);
    expect(after).toContain('七个工作日');
    expect(after).toContain('样品借用规定');
  });
});

/** Each thread of this process and its nice value (Linux: /proc). */
function threadNice(): Map<string, number> {
  if (!existsSync('/proc/self/task')) return new Map();
  return new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    }),
  );
}

const niceBefore = threadNice().get(String(process.pid));

describe.runIf(existsSync('/proc/self/task'))('thread priority', () => {
  it('answer threads run at a lower priority (ANSWER_WORKERS_NICE, default 5); the bot’s own thread keeps its own', async () => {
    await ask('可以给客户回扣吗？');
    const nice = threadNice();
    const own = nice.get(String(process.pid))!;
    expect([...nice.values()].filter((n) => n === Math.min(own + 5, 19)).length).toBeGreaterThan(0);
    // Only those threads: the bot's thread has the priority it had before the pool started.
    expect(own).toBe(niceBefore);
  });
});

describe('an answer thread that dies', () => {
  const question = '签合同之前必须做哪些风险控制？';

  it('costs one retry on a fresh thread, not the answer: the thread exits mid-answer', async () => {
    setWorkerFaults(faultFile, { fault: 'exit-once' });
    const answer = await ask(question);
    expect(answer).toContain('[1]');
    expect(answer).not.toContain('抱歉');
  });

  it('costs one retry when the thread breaks by an exception outside its task', async () => {
    setWorkerFaults(faultFile, { fault: 'uncaught-once' });
    expect(await ask('可以给客户回扣吗？')).toContain('[1]');
  });

  it('gives a clear error reply when the fresh thread dies too, and the pool answers again afterwards', async () => {
    setWorkerFaults(faultFile, { fault: 'exit-always' });
    expect(await ask(question)).toBe('抱歉，处理时出错了，请稍后再试；问题持续请联系合规团队。');
    setWorkerFaults(faultFile, {});
    expect(await ask(question)).toContain('[1]');
  });
});

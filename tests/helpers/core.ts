import { fileURLToPath } from 'node:url';
import { loadSmallTalk } from '../../src/core/small-talk.js';
import { AnalyticsStore } from '../../src/analytics/store.js';
import type { Answerer, AskResult } from '../../src/answer/types.js';
import { BotCore } from '../../src/core/core.js';
import { EventDeduper } from '../../src/core/dedupe.js';
import { SharedReplies } from '../../src/core/shared-replies.js';
import { silentLogger as log } from '../../src/log/logger.js';
import { openTestDb } from './storage.js';
import type { Db } from '../../src/storage/database.js';

/**
 * A scripted answerer for adapter tests: it answers anything mentioning 回扣/kickback with a
 * cited passage, remembers the previous question per conversation (so follow-ups can be
 * asserted), and reports "not covered" otherwise.
 */
export class ScriptedAnswerer implements Answerer {
  readonly calls: { question: string; conversationId?: string; previous?: string }[] = [];
  private readonly last = new Map<string, string>();

  async ask(question: string, conversationId?: string): Promise<AskResult> {
    const previous = conversationId ? this.last.get(conversationId) : undefined;
    this.calls.push({ question, conversationId, previous });
    if (conversationId) this.last.set(conversationId, question);
    const topic = /回扣|kickback/i.test(question) || (previous && /回扣|kickback/i.test(previous));
    if (!topic) {
      return { answered: false, answer: '手册没有涵盖这个问题。', citations: [], mode: 'extractive', topScore: 0 };
    }
    return {
      answered: true,
      answer: '销售人员不得收受客户贿赂、回扣 [1]。',
      citations: [
        { n: 1, docId: 'doc-3', title: '銷售部管理規章制度修訂版', section: '第九章 風險控制與合規經營 › 4', quote: '不得收受客戶賄賂、回扣' },
      ],
      mode: 'extractive',
      topScore: 0.9,
    };
  }
}

export async function createTestCore(db?: Db, answerer: Answerer = new ScriptedAnswerer()) {
  db ??= await openTestDb(':memory:');
  const analytics = new AnalyticsStore(db, 'test-salt');
  const dedupe = new EventDeduper(db);
  const sharedReplies = new SharedReplies(db);
  const smallTalk = loadSmallTalk(fileURLToPath(new URL('../../knowledge/small-talk.yaml', import.meta.url)));
  const core = new BotCore({ answerer, questions: analytics, sharedReplies, dedupe, log, smallTalk });
  return { core, db, analytics, sharedReplies, dedupe, answerer };
}

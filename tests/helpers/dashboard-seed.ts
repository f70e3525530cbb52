import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/storage/db.js';

/**
 * Fills the stores' own tables the way the bot would over `days` days: questions (a share
 * unanswered, on a few recurring topics), feedback, pre-check audits and credit applications.
 * Used by the dashboard tests and by `npm run bench` (100,000 questions).
 */
const ANSWERED = ['可以给客户回扣吗？', '签合同前要做哪些风险控制？', 'What is the credit approval route?', '客户资料怎么保管？', '定金最多收多少？'];
const UNANSWERED = ['公司年会在哪里开？', '公司年会几点开始', '食堂几点开饭？', '员工食堂在哪', '停车位怎么申请', '报销打车费要发票吗？请联系我 13800138000', 'Where is the annual party?'];
const RULES = ['amount.mismatch', 'deposit.over-cap', 'kickback', 'dispute.missing', 'personal-account'];

export const SECRET_CONTRACT_TEXT = '甲方机密合同条款：付款至个人账户 6222020200112233445';
export const SECRET_CUSTOMER = '深圳某某保密科技有限公司';

export function seedDashboard(db: Db, opts: { questions: number; days?: number; now?: Date }): void {
  const days = opts.days ?? 30;
  const now = (opts.now ?? new Date()).getTime();
  const at = (i: number, n: number) => new Date(now - Math.floor((i / n) * days * 86_400_000) - (i % 977) * 1000).toISOString();
  const insertQ = db.prepare(
    `INSERT INTO questions (id, asked_at, platform, user_hash, conversation, question, answered, top_score, latency_ms, mode)
     VALUES (?, ?, 'slack', ?, ?, ?, ?, 0.5, 12, 'extractive')`,
  );
  const insertF = db.prepare(`INSERT INTO feedback (question_id, user_hash, vote, at) VALUES (?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < opts.questions; i++) {
      const answered = i % 4 !== 0;
      const question = answered ? ANSWERED[i % ANSWERED.length]! : UNANSWERED[(i / 4) % UNANSWERED.length]!;
      const id = randomUUID();
      const when = at(i, opts.questions);
      insertQ.run(id, when, `userhash${i % 300}`, `conv-${i % 500}`, question, answered ? 1 : 0);
      if (i % 10 === 0) insertF.run(id, `userhash${i % 300}`, i % 30 === 0 ? 'down' : 'up', when);
    }
  })();

  const insertP = db.prepare(
    `INSERT INTO precheck_audit (created_at, user_hash, platform, source, file_hash, characters, verdict, rule_ids, finding_count, contract_text)
     VALUES (?, 'userhash1', 'feishu', 'file', 'abc', 1200, ?, ?, ?, ?)`,
  );
  const checks = Math.max(20, Math.round(opts.questions / 50));
  for (let i = 0; i < checks; i++) {
    const rules = RULES.filter((_, k) => (i + k) % 3 === 0);
    insertP.run(at(i, checks), rules.length > 1 ? 'block' : rules.length ? 'review' : 'pass', JSON.stringify(rules), rules.length, SECRET_CONTRACT_TEXT);
  }

  const insertC = db.prepare(
    `INSERT INTO credit_applications (id, created_at, updated_at, applicant_platform, applicant_user_id, applicant_channel_id,
       applicant_conversation_id, customer_name, uscc, application_json, assessment_json, route_json, step, status)
     VALUES (?, ?, ?, 'slack', 'U_SECRET_APPLICANT', 'C1', 'C1', ?, '91440300MA5XXXXXXX', '{}', ?, '[]', 0, ?)`,
  );
  const postedAt = new Date(now - 2 * 86_400_000).toISOString();
  db.prepare(
    `INSERT INTO schedule_runs (schedule_id, fire_time, status, attempts, message_id, created_at, updated_at)
     VALUES ('weekly-case-digest', ?, 'posted', 1, 'msg-1', ?, ?)`,
  ).run(postedAt, postedAt, postedAt);
  const statuses = ['pending', 'approved', 'rejected'];
  for (let i = 0; i < 30; i++) {
    const when = at(i, 30);
    insertC.run(randomUUID(), when, when, SECRET_CUSTOMER, JSON.stringify({ grade: 'ABCD'[i % 4], score: 70 }), statuses[i % 3]);
  }
}

import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Db, Executor } from '../../src/storage/database.js';
import type { Schema } from '../../src/storage/schema.js';

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

/** Inserts in batches (PostgreSQL takes at most 65,535 parameters per statement). */
async function insertBatched<T extends 'questions' | 'feedback' | 'precheck_audit' | 'credit_applications'>(db: Executor, table: T, values: Insertable<Schema[T]>[]): Promise<void> {
  for (let i = 0; i < values.length; i += 500) await db.insertInto(table).values(values.slice(i, i + 500) as never).execute();
}

export async function seedDashboard(db: Db, opts: { questions: number; days?: number; now?: Date }): Promise<void> {
  const days = opts.days ?? 30;
  const now = (opts.now ?? new Date()).getTime();
  const at = (i: number, n: number) => new Date(now - Math.floor((i / n) * days * 86_400_000) - (i % 977) * 1000).toISOString();
  const questions: Insertable<Schema['questions']>[] = [];
  const feedback: Insertable<Schema['feedback']>[] = [];
  for (let i = 0; i < opts.questions; i++) {
    const answered = i % 4 !== 0;
    const question = answered ? ANSWERED[i % ANSWERED.length]! : UNANSWERED[(i / 4) % UNANSWERED.length]!;
    const id = randomUUID();
    const when = at(i, opts.questions);
    const user_hash = `userhash${i % 300}`;
    questions.push({ id, asked_at: when, platform: 'slack', user_hash, conversation: `conv-${i % 500}`, question, answered: answered ? 1 : 0, top_score: 0.5, latency_ms: 12, mode: 'extractive' });
    if (i % 10 === 0) feedback.push({ question_id: id, user_hash, vote: i % 30 === 0 ? 'down' : 'up', at: when });
  }
  await db.transaction().execute(async (tx) => {
    await insertBatched(tx, 'questions', questions);
    await insertBatched(tx, 'feedback', feedback);
  });

  const checks = Math.max(20, Math.round(opts.questions / 50));
  const audits: Insertable<Schema['precheck_audit']>[] = [];
  for (let i = 0; i < checks; i++) {
    const rules = RULES.filter((_, k) => (i + k) % 3 === 0);
    audits.push({
      created_at: at(i, checks),
      user_hash: 'userhash1',
      platform: 'feishu',
      source: 'file',
      file_hash: 'abc',
      characters: 1200,
      verdict: rules.length > 1 ? 'block' : rules.length ? 'review' : 'pass',
      rule_ids: JSON.stringify(rules),
      finding_count: rules.length,
      contract_text: SECRET_CONTRACT_TEXT,
    } as Insertable<Schema['precheck_audit']>);
  }
  await insertBatched(db, 'precheck_audit', audits);

  const postedAt = new Date(now - 2 * 86_400_000).toISOString();
  await db
    .insertInto('schedule_runs')
    .values({ schedule_id: 'weekly-case-digest', fire_time: postedAt, status: 'posted', attempts: 1, message_id: 'msg-1', created_at: postedAt, updated_at: postedAt } as never)
    .execute();
  const statuses = ['pending', 'approved', 'rejected'] as const;
  const applications: Insertable<Schema['credit_applications']>[] = [];
  for (let i = 0; i < 30; i++) {
    const when = at(i, 30);
    applications.push({
      id: randomUUID(),
      created_at: when,
      updated_at: when,
      applicant_platform: 'slack',
      applicant_user_id: 'U_SECRET_APPLICANT',
      applicant_channel_id: 'C1',
      applicant_conversation_id: 'C1',
      customer_name: SECRET_CUSTOMER,
      uscc: '91440300MA5XXXXXXX',
      application_json: '{}',
      assessment_json: JSON.stringify({ grade: 'ABCD'[i % 4], score: 70 }),
      route_json: '[]',
      step: 0,
      status: statuses[i % 3],
    } as Insertable<Schema['credit_applications']>);
  }
  await insertBatched(db, 'credit_applications', applications);
}

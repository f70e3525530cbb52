import type { Schedule } from '../schedule/types.js';
import { nextFireTimes } from '../schedule/cli.js';
import type { StoredDocument } from '../documents/store.js';
import type { KnowledgeStatus } from '../knowledge/knowledge-base.js';
import { sql, type RawBuilder } from 'kysely';
import type { Db, Engine } from '../storage/database.js';
import { groupByTopic, redactQuestion, type TopicGroup } from './topics.js';

/**
 * Everything the dashboard shows, read straight from the stores' tables with aggregate queries
 * (the indexes in storage/migrations-kb.ts keep them fast at 100,000 questions), on either engine. Only counts, rule ids, grades,
 * schedule ids and document titles leave here: no user ids, no contract text, no credit figures,
 * and question texts only in the unanswered list, with contact details masked.
 */

export interface DashboardSources {
  db: Db;
  /** Which SQL dialect the few engine-specific queries use (default sqlite). */
  engine?: Engine;
  knowledge: () => KnowledgeStatus;
  documents: () => Promise<StoredDocument[]>;
  schedules: () => Schedule[];
  now?: () => Date;
}

export interface DashboardData {
  generatedAt: string;
  days: number;
  totals: { questions: number; answered: number; up: number; down: number; prechecks: number; creditApplications: number; documents: number };
  questionsPerDay: { day: string; questions: number; answered: number }[];
  feedbackPerDay: { day: string; up: number; down: number }[];
  unansweredTopics: TopicGroup[];
  precheck: { weeks: string[]; rules: { rule: string; counts: number[] }[]; verdicts: Record<string, number> };
  credit: { statuses: string[]; grades: string[]; counts: number[][] };
  schedules: { id: string; kind: string; source: string; cron: string; timezone: string; target: string; next: string | null; lastPosted: string | null; lastStatus: string | null }[];
  documents: { docId: string; title: string; source: string; chunks: number; version: number | null; updatedAt: string | null }[];
}

function lastDays(now: Date, days: number): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

/**
 * The two places the engines' SQL differs: the Monday starting a timestamp's week, and reading
 * JSON text (the rule ids of a pre-check, the grade of a credit assessment). Everything else
 * below is SQL both engines run as written.
 */
function dialect(engine: Engine) {
  if (engine === 'postgres') {
    return {
      findingsByWeek: (since: string) => sql<{ week: string; rule: string; n: number }>`
        SELECT to_char(date_trunc('week', (a.created_at::timestamptz AT TIME ZONE 'UTC')), 'YYYY-MM-DD') AS week, j.rule AS rule, COUNT(*) AS n
        FROM precheck_audit a CROSS JOIN LATERAL json_array_elements_text(a.rule_ids::json) AS j(rule)
        WHERE a.created_at >= ${since} GROUP BY 1, 2 ORDER BY 1`,
      grade: sql<string>`COALESCE(assessment_json::json ->> 'grade', '?')`,
    };
  }
  return {
    findingsByWeek: (since: string) => sql<{ week: string; rule: string; n: number }>`
      SELECT date(a.created_at, '-6 days', 'weekday 1') AS week, j.value AS rule, COUNT(*) AS n
      FROM precheck_audit a, json_each(a.rule_ids) j WHERE a.created_at >= ${since} GROUP BY week, rule ORDER BY week`,
    grade: sql<string>`COALESCE(json_extract(assessment_json, '$.grade'), '?')`,
  };
}

const rows = async <T>(db: Db, query: RawBuilder<T>): Promise<T[]> => (await query.execute(db)).rows;
const num = (x: unknown) => Number(x ?? 0);

export async function readDashboard(src: DashboardSources, days = 30): Promise<DashboardData> {
  const { db } = src;
  const sqlFor = dialect(src.engine ?? 'sqlite');
  const now = src.now?.() ?? new Date();
  const dayList = lastDays(now, days);
  const since = `${dayList[0]}T00:00:00.000Z`;

  const perDay = await rows(
    db,
    sql<{ day: string; n: number; a: number }>`SELECT substr(asked_at, 1, 10) AS day, COUNT(*) AS n, SUM(answered) AS a FROM questions
      WHERE substr(asked_at, 1, 10) >= ${dayList[0]} GROUP BY substr(asked_at, 1, 10)`,
  );
  const byDay = new Map(perDay.map((r) => [r.day, { n: num(r.n), a: num(r.a) }]));
  const [totalsQ] = await rows(db, sql<{ n: number; a: number }>`SELECT COUNT(*) AS n, COALESCE(SUM(answered), 0) AS a FROM questions`);

  const votes = await rows(
    db,
    sql<{ day: string; up: number; down: number }>`SELECT substr(at, 1, 10) AS day, SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END) AS up,
      SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END) AS down FROM feedback WHERE at >= ${since} GROUP BY substr(at, 1, 10)`,
  );
  const votesByDay = new Map(votes.map((r) => [r.day, { up: num(r.up), down: num(r.down) }]));
  const [totalVotes] = await rows(
    db,
    sql<{ up: number; down: number }>`SELECT COALESCE(SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END), 0) AS up,
      COALESCE(SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END), 0) AS down FROM feedback`,
  );

  // The most asked unanswered questions of the last 90 days, grouped by topic.
  const unanswered = await rows(
    db,
    sql<{ question: string; count: number }>`SELECT MIN(question) AS question, COUNT(*) AS count FROM questions
      WHERE answered = 0 AND asked_at >= ${new Date(now.getTime() - 90 * 86_400_000).toISOString()}
      GROUP BY lower(trim(question)) ORDER BY COUNT(*) DESC LIMIT 400`,
  );
  const unansweredTopics = groupByTopic(unanswered.map((u) => ({ question: u.question, count: num(u.count) }))).map((g) => ({ ...g, examples: g.examples.map(redactQuestion) }));

  const weekSince = new Date(now.getTime() - 12 * 7 * 86_400_000).toISOString();
  const findings = await rows(db, sqlFor.findingsByWeek(weekSince));
  const weeks = [...new Set(findings.map((r) => r.week))].sort();
  const ruleCounts = new Map<string, number[]>();
  for (const r of findings) {
    const counts = ruleCounts.get(r.rule) ?? weeks.map(() => 0);
    counts[weeks.indexOf(r.week)] = num(r.n);
    ruleCounts.set(r.rule, counts);
  }
  const verdicts = await rows(db, sql<{ verdict: string; n: number }>`SELECT verdict, COUNT(*) AS n FROM precheck_audit WHERE created_at >= ${weekSince} GROUP BY verdict`);
  const precheck: DashboardData['precheck'] = {
    weeks,
    // Ties by rule id, so both engines (which return groups in different orders) draw the same chart.
    rules: [...ruleCounts.entries()].map(([rule, counts]) => ({ rule, counts })).sort((a, b) => sum(b.counts) - sum(a.counts) || a.rule.localeCompare(b.rule)),
    verdicts: Object.fromEntries(verdicts.map((v) => [v.verdict, num(v.n)])),
  };
  const [prechecks] = await rows(db, sql<{ n: number }>`SELECT COUNT(*) AS n FROM precheck_audit`);

  const creditRows = await rows(db, sql<{ status: string; grade: string; n: number }>`SELECT status, ${sqlFor.grade} AS grade, COUNT(*) AS n FROM credit_applications GROUP BY status, ${sqlFor.grade}`);
  const statuses = ['pending', 'approved', 'rejected'];
  const grades = [...new Set(creditRows.map((r) => r.grade))].sort();
  const credit: DashboardData['credit'] = {
    statuses,
    grades,
    counts: grades.map((g) => statuses.map((s) => num(creditRows.find((r) => r.status === s && r.grade === g)?.n))),
  };

  const runRows = await rows(
    db,
    sql<{ id: string; fire: string; status: string }>`SELECT r.schedule_id AS id, r.fire_time AS fire, r.status AS status FROM schedule_runs r
      JOIN (SELECT schedule_id, MAX(fire_time) AS fire_time FROM schedule_runs WHERE status IN ('posted','failed') GROUP BY schedule_id) m
      ON m.schedule_id = r.schedule_id AND m.fire_time = r.fire_time`,
  );
  const lastRuns = new Map(runRows.map((r) => [r.id, { fire: String(r.fire), status: r.status }]));
  const scheduleList = src.schedules();
  const kinds = new Map(scheduleList.map((s) => [s.id, s.content.kind]));
  const disabled = new Set(scheduleList.filter((s) => s.disabled).map((s) => s.id));
  const schedules = nextFireTimes(scheduleList, now).map((s) => ({
    id: s.id,
    kind: kinds.get(s.id) ?? '',
    source: disabled.has(s.id) ? `${s.source}, disabled` : s.source,
    cron: s.cron,
    timezone: s.timezone,
    target: `${s.platform}:${s.channel}`,
    next: disabled.has(s.id) ? null : s.nextLocal,
    lastPosted: lastRuns.get(s.id) ? `${lastRuns.get(s.id)!.fire.slice(0, 16).replace('T', ' ')} UTC` : null,
    lastStatus: lastRuns.get(s.id)?.status ?? null,
  }));

  const kb = src.knowledge();
  const stored = new Map((await src.documents()).map((d) => [d.docId, d]));
  const documents = kb.documents.map((d) => {
    const s = stored.get(d.docId);
    return { docId: d.docId, title: d.title, source: s ? s.source : 'handbook', chunks: d.chunks, version: s?.version ?? null, updatedAt: s?.updatedAt ?? null };
  });
  const creditApplications = credit.counts.flat().reduce((a, b) => a + b, 0);

  return {
    generatedAt: now.toISOString(),
    days,
    totals: { questions: num(totalsQ?.n), answered: num(totalsQ?.a), up: num(totalVotes?.up), down: num(totalVotes?.down), prechecks: num(prechecks?.n), creditApplications, documents: documents.length },
    questionsPerDay: dayList.map((day) => ({ day, questions: byDay.get(day)?.n ?? 0, answered: byDay.get(day)?.a ?? 0 })),
    feedbackPerDay: dayList.map((day) => ({ day, up: votesByDay.get(day)?.up ?? 0, down: votesByDay.get(day)?.down ?? 0 })),
    unansweredTopics,
    precheck,
    credit,
    schedules,
    documents,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export interface DataTable {
  id: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/** The tables behind each chart, for the page and its CSV exports. */
export function dashboardTables(d: DashboardData): DataTable[] {
  return [
    { id: 'questions', title: '每日提问 Questions per day', columns: ['day', 'questions', 'answered', 'answered_rate'], rows: d.questionsPerDay.map((r) => [r.day, r.questions, r.answered, r.questions ? round(r.answered / r.questions) : null]) },
    { id: 'feedback', title: '反馈 Feedback per day', columns: ['day', 'up', 'down', 'up_rate'], rows: d.feedbackPerDay.map((r) => [r.day, r.up, r.down, r.up + r.down ? round(r.up / (r.up + r.down)) : null]) },
    { id: 'unanswered', title: '未回答的问题（按主题）Top unanswered by topic', columns: ['topic', 'times_asked', 'distinct_questions', 'examples'], rows: d.unansweredTopics.map((g) => [g.topic, g.count, g.distinct, g.examples.join(' | ')]) },
    { id: 'precheck', title: '合同预审发现（按规则、周）Pre-check findings by rule and week', columns: ['rule', ...d.precheck.weeks], rows: d.precheck.rules.map((r) => [r.rule, ...r.counts]) },
    { id: 'credit', title: '信用申请（状态 × 等级）Credit applications by status and grade', columns: ['grade', ...d.credit.statuses], rows: d.credit.grades.map((g, i) => [g, ...d.credit.counts[i]!]) },
    { id: 'schedules', title: '提醒与案例推送 Reminders and digests', columns: ['id', 'kind', 'source', 'cron', 'timezone', 'target', 'next', 'last_posted', 'last_status'], rows: d.schedules.map((s) => [s.id, s.kind, s.source, s.cron, s.timezone, s.target, s.next, s.lastPosted, s.lastStatus]) },
    { id: 'documents', title: '知识库 Knowledge base', columns: ['doc_id', 'title', 'source', 'chunks', 'version', 'updated_at'], rows: d.documents.map((x) => [x.docId, x.title, x.source, x.chunks, x.version, x.updatedAt]) },
  ];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

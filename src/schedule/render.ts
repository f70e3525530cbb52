import type { Reply, ReplyBlock } from '../core/types.js';
import type { Citation, HandbookCitation, HandbookCiter } from '../retrieval/types.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { CaseStudy, Schedule } from './types.js';
import { errorSummary } from '../log/errors.js';

/** Turns schedule content into the platform-neutral Reply; adapters draw Slack blocks / Feishu cards. */

export type Summariser = (c: CaseStudy) => Promise<string>;

export interface RenderDeps {
  citer?: HandbookCiter;
  /** Set when an LLM is configured; the case's own summary is used otherwise or on failure. */
  summarise?: Summariser;
  logger?: Logger;
}

const SOURCE_LABEL: Record<CaseStudy['source'], string> = { internal: '内部案例', external: '外部案例' };

function clampLines(text: string, maxLines: number, maxChars: number): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, maxLines);
  const joined = lines.join('\n');
  return joined.length > maxChars ? `${joined.slice(0, maxChars - 1)}…` : joined;
}

/** The lesson's first paragraph, without list markers, short enough for a channel post. */
export function shortLesson(lesson: string, maxChars = 180): string {
  const first = lesson.split(/\n\s*\n/)[0] ?? lesson;
  const flat = first
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(?:[-*]|\d+[.、])\s*/, '').trim())
    .filter(Boolean)
    .join('；');
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}

async function safeCite(citer: HandbookCiter | undefined, topic: string, log: Logger): Promise<HandbookCitation | null> {
  if (!citer) return null;
  try {
    return await citer(topic);
  } catch (err) {
    log.warn({ err: errorSummary(err) }, 'schedule: handbook citer failed; rendering without a quote');
    return null;
  }
}

async function summaryOf(c: CaseStudy, log: Logger, summarise?: Summariser): Promise<string> {
  if (summarise) {
    try {
      const s = clampLines(await summarise(c), 3, 240);
      if (s) return s;
    } catch (err) {
      log.warn({ caseId: c.id, err: errorSummary(err) }, 'schedule: LLM summary failed; using the case summary');
    }
  }
  return clampLines(c.summary, 3, 240);
}

export function renderMessage(title: string | undefined, message: string): Reply {
  return {
    blocks: [
      { type: 'heading', text: title ?? '合规提醒' },
      { type: 'text', text: message },
    ],
    fallbackText: `${title ?? '合规提醒'}：${message}`,
    visibility: 'in_channel',
  };
}

export async function renderTopic(title: string | undefined, topic: string, intro: string | undefined, deps: RenderDeps): Promise<Reply> {
  const heading = title ?? `合规提醒：${topic}`;
  const cited = await safeCite(deps.citer, topic, deps.logger ?? silentLogger);
  const blocks: ReplyBlock[] = [{ type: 'heading', text: heading }];
  if (intro) blocks.push({ type: 'text', text: intro });
  if (cited) {
    blocks.push({ type: 'text', text: `「${cited.quote}」[1]` });
    blocks.push({ type: 'citations', items: [{ n: 1, ...cited }] });
    return { blocks, fallbackText: `${heading}：${cited.quote}`, visibility: 'in_channel' };
  }
  blocks.push({ type: 'context', text: `（合规手册中暂未找到与“${topic}”直接对应的条款，请向合规团队确认。）` });
  return { blocks, fallbackText: `${heading}${intro ? `：${intro}` : ''}`, visibility: 'in_channel' };
}

export async function renderDigest(title: string | undefined, cases: readonly CaseStudy[], deps: RenderDeps): Promise<Reply> {
  const heading = title ?? '合规案例分享';
  if (cases.length === 0) {
    return {
      blocks: [
        { type: 'heading', text: heading },
        { type: 'context', text: '案例库中没有符合条件的案例。' },
      ],
      fallbackText: `${heading}：暂无案例`,
      visibility: 'in_channel',
    };
  }
  const blocks: ReplyBlock[] = [
    { type: 'heading', text: heading },
    { type: 'context', text: `本期 ${cases.length} 个案例 · 以案为鉴，守住合规底线` },
  ];
  const citations: Citation[] = [];
  const [summaries, cites] = await Promise.all([
    Promise.all(cases.map((c) => summaryOf(c, deps.logger ?? silentLogger, deps.summarise))),
    Promise.all(cases.map((c) => safeCite(deps.citer, c.handbookTopic, deps.logger ?? silentLogger))),
  ]);
  cases.forEach((c, i) => {
    const cited = cites[i];
    let marker = '';
    if (cited) {
      const existing = citations.find((x) => x.docId === cited.docId && x.section === cited.section);
      const n = existing?.n ?? citations.length + 1;
      if (!existing) citations.push({ n, ...cited });
      marker = ` [${n}]`;
    }
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push({
      type: 'text',
      text: `**${i + 1}. ${c.title}**（${c.riskArea} · ${SOURCE_LABEL[c.source]}）\n${summaries[i]}`,
    });
    blocks.push({ type: 'text', text: `**教训：**${shortLesson(c.sections.lesson)}` });
    blocks.push({ type: 'context', text: `依据：《${c.handbookRef.document}》${c.handbookRef.section}${marker}` });
  });
  if (citations.length) blocks.push({ type: 'citations', items: citations });
  return {
    blocks,
    fallbackText: `${heading}：${cases.map((c) => c.title).join('；')}`,
    visibility: 'in_channel',
  };
}

/** Renders a non-digest schedule. Digests go through DigestService, which owns the rotation. */
export async function renderSimple(schedule: Schedule, deps: RenderDeps): Promise<Reply> {
  const c = schedule.content;
  if (c.kind === 'message') return renderMessage(schedule.title, c.message);
  if (c.kind === 'topic') return renderTopic(schedule.title, c.topic, c.intro, deps);
  throw new Error('digest content is rendered by DigestService');
}

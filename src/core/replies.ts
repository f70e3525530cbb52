import type { AskResult } from '../answer/types.js';
import type { Script } from '../text/script.js';
import type { CommandDefinition, Reply, ReplyAction } from './types.js';

/** UI strings in the reader's script; the answer text itself is converted by the answerer. */
const UI = {
  'zh-Hans': {
    sources: '来源',
    notCovered: '手册没有涵盖这个问题',
    helpful: '有帮助',
    notHelpful: '没帮助',
    share: '分享到频道',
    error: '抱歉，处理时出错了，请稍后再试；问题持续请联系合规团队。',
    helpTitle: '合规助手可以做这些事',
    fallback: '（大模型暂不可用，以下为手册原文摘录）',
  },
  'zh-Hant': {
    sources: '來源',
    notCovered: '手冊沒有涵蓋這個問題',
    helpful: '有幫助',
    notHelpful: '沒幫助',
    share: '分享到頻道',
    error: '抱歉，處理時出錯了，請稍後再試；問題持續請聯繫合規團隊。',
    helpTitle: '合規助手可以做這些事',
    fallback: '（大模型暫不可用，以下為手冊原文摘錄）',
  },
  en: {
    sources: 'Sources',
    notCovered: 'The handbook does not cover this',
    helpful: 'Helpful',
    notHelpful: 'Not helpful',
    share: 'Share in channel',
    error: 'Sorry, something went wrong. Please try again; if it keeps happening, contact the compliance team.',
    helpTitle: 'What the Compliance Assistant can do',
    fallback: '(The language model is unavailable; these are extracts from the handbook.)',
  },
} as const;

export function ui(script: Script) {
  return UI[script];
}

export function textReply(text: string): Reply {
  return { blocks: [{ type: 'text', text }], fallbackText: text };
}

export function errorReply(script: Script): Reply {
  return textReply(UI[script].error);
}

export function helpReply(commands: CommandDefinition[], script: Script): Reply {
  const lines = commands.map(
    (c) => `- **/${c.name}** — ${c.summary}\n${c.usage.split('\n').map((u) => `    ${u.trim()}`).join('\n')}`,
  );
  const intro =
    script === 'en'
      ? 'Ask any question about the sales policy handbook in a DM or by mentioning me; every answer cites its sources.'
      : '直接提问（私聊或 @我）即可查询销售政策手册，每个回答都会标注出处。';
  return {
    blocks: [
      { type: 'heading', text: UI[script].helpTitle },
      { type: 'text', text: intro },
      { type: 'text', text: lines.join('\n') },
    ],
    fallbackText: `${UI[script].helpTitle}: ${commands.map((c) => `/${c.name}`).join(' ')}`,
  };
}

/** Feedback buttons carry `questionId:vote`; share carries the id of the stored in-channel copy. */
export function answerReply(result: AskResult, script: Script, questionId: string, shareId: string): Reply {
  const t = UI[script];
  const blocks: Reply['blocks'] = [];
  if (result.fallbackReason) blocks.push({ type: 'context', text: t.fallback });
  blocks.push({ type: 'text', text: result.answer });
  if (result.citations.length) blocks.push({ type: 'citations', items: result.citations });
  const actions: ReplyAction[] = [
    { id: 'feedback', label: `👍 ${t.helpful}`, value: `${questionId}:up` },
    { id: 'feedback', label: `👎 ${t.notHelpful}`, value: `${questionId}:down` },
  ];
  if (shareId) actions.push({ id: 'share', label: t.share, value: shareId });
  return {
    blocks,
    actions,
    fallbackText: result.answered ? result.answer.slice(0, 300) : t.notCovered,
  };
}

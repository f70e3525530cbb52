import type { SourceKind } from '../retrieval/types.js';
import type { Script } from '../text/script.js';

/** Fixed answer text per reader script. Written out per script rather than converted, so wording stays natural. */
const TEXT = {
  'zh-Hans': {
    notCovered:
      '手册里没有找到能回答这个问题的内容，建议直接咨询合规团队。\n' +
      '我可以：回答销售合规手册里的问题并标注出处；用 /precheck 检查合同草稿；用 /credit 查询或申请客户信用额度；发送 /help 查看全部功能。',
    intro: '根据手册：',
    modelSaysNotCovered: '手册没有明确涵盖这个问题，建议咨询合规团队。',
  },
  'zh-Hant': {
    notCovered:
      '手冊裡沒有找到能回答這個問題的內容，建議直接諮詢合規團隊。\n' +
      '我可以：回答銷售合規手冊裡的問題並標註出處；用 /precheck 檢查合約草稿；用 /credit 查詢或申請客戶信用額度；發送 /help 查看全部功能。',
    intro: '根據手冊：',
    modelSaysNotCovered: '手冊沒有明確涵蓋這個問題，建議諮詢合規團隊。',
  },
  en: {
    notCovered:
      'The handbook does not cover this question, so please ask the compliance team.\n' +
      'What I can do: answer questions about the sales compliance handbook with sources; check a draft contract with /precheck; ' +
      'look up or request a customer credit line with /credit; send /help to see everything.',
    intro: 'According to the handbook (quoted in the original Chinese):',
    modelSaysNotCovered: 'The handbook does not clearly cover this question; please ask the compliance team.',
  },
} as const;

export function notCoveredText(script: Script): string {
  return TEXT[script].notCovered;
}

/** What each kind of source is called in an answer's lead, per script. */
const SOURCE_NAMES: Record<Script, Record<SourceKind, string>> = {
  'zh-Hans': { handbook: '手册', case: '案例库', 'contract-rule': '合同预审规则', 'credit-policy': '信用政策' },
  'zh-Hant': { handbook: '手冊', case: '案例庫', 'contract-rule': '合約預審規則', 'credit-policy': '信用政策' },
  en: { handbook: 'the handbook', case: 'the case library', 'contract-rule': 'the contract pre-check rules', 'credit-policy': 'the credit policy' },
};

/** The lead of an extractive answer, naming the kinds of source it cites (handbook when none is given). */
export function answerIntro(script: Script, kinds: SourceKind[] = ['handbook']): string {
  const names = [...new Set(kinds.length ? kinds : (['handbook'] as SourceKind[]))].map((k) => SOURCE_NAMES[script][k]);
  if (names.length === 1 && names[0] === SOURCE_NAMES[script].handbook) return TEXT[script].intro;
  if (script === 'en') {
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
    return `According to ${list} (quoted in the original Chinese):`;
  }
  const list = names.length > 1 ? `${names.slice(0, -1).join('、')}和${names.at(-1)}` : names[0];
  return script === 'zh-Hant' ? `根據${list}：` : `根据${list}：`;
}

/** The lead of an answer quoting one numbered place of the handbook (第九章第5条). */
export function referenceLead(script: Script, title: string, heading: string, item?: number): string {
  if (script === 'en') {
    return `${title} › ${heading}${item !== undefined ? `, item ${item}` : ''} says (quoted in Simplified Chinese):`;
  }
  const place = `《${title}》${heading}${item !== undefined ? ` 第${item}条` : ''}`;
  return script === 'zh-Hant' ? `根據手冊，${place}：` : `根据手册，${place}：`;
}

export function modelNotCoveredText(script: Script): string {
  return TEXT[script].modelSaysNotCovered;
}

export function languageName(script: Script): string {
  if (script === 'zh-Hans') return '简体中文 (Simplified Chinese)';
  if (script === 'zh-Hant') return '繁體中文 (Traditional Chinese)';
  return 'English (quote the handbook in its original Chinese where useful)';
}

/**
 * The English lead of an extractive answer: what the question is about (its English words with the
 * handbook terms they were searched as, so the reader can find them in the quotes), and where the
 * quotes come from. The quotes themselves stay in Simplified Chinese: no offline translation.
 */
export function englishLead(
  topics: { english: string; chinese: string[] }[],
  kinds: SourceKind[],
  citations: { title: string; section: string }[],
): string {
  const names = [...new Set(kinds.length ? kinds : (['handbook'] as SourceKind[]))].map((k) => SOURCE_NAMES.en[k]);
  const sources = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]!;
  const about = topics
    .filter((t) => t.chinese.length)
    .slice(0, 3)
    .map((t) => `${t.english} (${t.chinese.slice(0, 2).join('/')})`);
  const where = citations[0] ? ` The first quote is from ${citations[0].title} › ${citations[0].section}.` : '';
  const subject = about.length ? `On ${about.join(', ')}, ${sources}` : `${sources[0]!.toUpperCase()}${sources.slice(1)}`;
  return `${subject} ${names.length > 1 ? 'say' : 'says'} the following (quoted in Simplified Chinese, numbered by source).${where}`;
}

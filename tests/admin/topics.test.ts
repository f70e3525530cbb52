import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/admin/csv.js';
import { groupByTopic, questionTopic, redactQuestion } from '../../src/admin/topics.js';
import { issueSession, sessionValid, tokenMatches } from '../../src/admin/auth.js';

describe('unanswered questions by topic', () => {
  it('puts differently worded questions on one subject together, and other subjects apart', () => {
    const groups = groupByTopic([
      { question: '食堂几点开饭？', count: 5 },
      { question: '員工食堂在哪裡', count: 2 },
      { question: '停车位怎么申请', count: 3 },
      { question: '哪里可以申请停车位？', count: 1 },
    ]);
    expect(groups.map((g) => [g.topic, g.count, g.distinct])).toEqual([
      ['食堂', 7, 2],
      ['停车位', 4, 2],
    ]);
  });

  it('names a topic by a noun rather than a verb or a function word, in English too', () => {
    expect(questionTopic('报销打车费要发票吗')).not.toBe('报销');
    expect(questionTopic('where is the annual party')).toBe('annual');
    expect(questionTopic('啊？')).toBe('其他 other');
  });

  it('masks contact details and numbers in shown questions but keeps ordinary text', () => {
    expect(redactQuestion('请联系我 13800138000 或 a.b@corp.cn，见 https://x.cn/a')).toBe('请联系我 [number] 或 [email]，见 [link]');
    expect(redactQuestion('定金最多收 20% 吗？第3条')).toBe('定金最多收 20% 吗？第3条');
  });
});

describe('CSV and sessions', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(toCsv(['a', 'b'], [['x,y', '=HYPERLINK("evil")'], [1, null]])).toBe('\uFEFFa,b\r\n"x,y","\'=HYPERLINK(""evil"")"\r\n1,\r\n');
  });

  it('accepts only unexpired sessions signed with the current token', () => {
    const s = issueSession('token-one-0123456789', 1_000);
    expect(sessionValid(s, 'token-one-0123456789', 2_000)).toBe(true);
    expect(sessionValid(s, 'token-two-0123456789', 2_000)).toBe(false);
    expect(sessionValid(s, 'token-one-0123456789', 1_000 + 9 * 3600_000)).toBe(false);
    expect(sessionValid(s.replace(/^\d+/, '99999999999999'), 'token-one-0123456789', 2_000)).toBe(false);
    expect(tokenMatches('a', undefined)).toBe(false);
  });
});

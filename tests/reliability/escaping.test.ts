import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/types.js';
import { renderReply as renderFeishu } from '../../src/platforms/feishu/render.js';
import { plainMessage, renderReply as renderSlack, toMrkdwn } from '../../src/platforms/slack/render.js';

/**
 * Issue 15, escaping: text from the handbook, a model or a user reaches notifications and
 * previews (Slack's `text` fallback, Feishu's card summary) as well as the blocks; none of it may
 * ping a channel, mention someone or disguise a link.
 */

const hostile: Reply = {
  blocks: [{ type: 'text', text: '请注意 <!channel> 和 <@U0ADMIN>，详见 [www.company.cn](https://phish.example.net/login)' }],
  fallbackText: '通知 <!channel> <@U0ADMIN> <https://phish.example.net|www.company.cn> <at id=all></at>',
};

describe('Slack', () => {
  it('the notification fallback carries no live <!channel>, <@U…> or <url|label>', () => {
    const [msg] = renderSlack(hostile);
    expect(msg!.text).not.toMatch(/<!channel>|<@U0ADMIN>|<https?:/);
    expect(msg!.text).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(msg!.blocks)).not.toMatch(/<!channel>|<@U0ADMIN>/);
    expect(plainMessage('<!here> 提醒').text).toBe('&lt;!here&gt; 提醒');
  });

  it('a link whose label names another host is shown as its bare URL; an honest link keeps its label (negative)', () => {
    expect(toMrkdwn('[www.company.cn](https://phish.example.net/login)')).toBe('<https://phish.example.net/login>');
    expect(toMrkdwn('[销售手册](https://wiki.company.cn/handbook)')).toBe('<https://wiki.company.cn/handbook|销售手册>');
    expect(toMrkdwn('[company.cn/handbook](https://www.company.cn/handbook)')).toBe('<https://www.company.cn/handbook|company.cn/handbook>');
  });
});

describe('Feishu', () => {
  it('the card summary (chat-list preview) has no raw <at id=all>, and the body escapes it too', () => {
    const [card] = renderFeishu(hostile);
    expect(card!.config.summary?.content).not.toMatch(/<at|<!channel>/);
    expect(card!.config.summary?.content).toContain('＜at id=all＞');
    expect(JSON.stringify(card!.body)).not.toMatch(/<at id=all>/);
  });

  it('a card link whose label names another host shows its bare URL; an honest label stays (negative)', () => {
    const [card] = renderFeishu({
      blocks: [{ type: 'text', text: '付款前请登录 [https://pay.company.cn](http://203.0.113.9/pay) 核对；制度原文见 [销售制度](https://wiki.company.cn/sales) 和 [company.cn/rules](https://www.company.cn/rules)' }],
      fallbackText: '付款前请核对',
    });
    const body = JSON.stringify(card!.body);
    expect(body).not.toContain('[https://pay.company.cn](http://203.0.113.9/pay)');
    expect(body).toContain('[http://203.0.113.9/pay](http://203.0.113.9/pay)');
    expect(body).toContain('[销售制度](https://wiki.company.cn/sales)');
    expect(body).toContain('[company.cn/rules](https://www.company.cn/rules)');
  });

  it('ordinary text is left as it is (negative)', () => {
    const [card] = renderFeishu({ blocks: [{ type: 'text', text: '定金不超过 30%' }], fallbackText: '定金不超过 30% & 账期 60 天' });
    expect(card!.config.summary?.content).toBe('定金不超过 30% & 账期 60 天');
  });
});

import { describe, expect, it } from 'vitest';
import { unanswerableKind } from '../../src/retrieval/answerability.js';

// Wordings of our own, not taken from any evaluation set: each kind has questions that ask for the
// thing (refused) and questions on the same words that ask for a rule (kept).
describe('what a question asks for', () => {
  it('recognises a venue or the date of one particular event', () => {
    expect(unanswerableKind('周五的产品培训在几楼上课')).toBe('place');
    expect(unanswerableKind('年会定在哪家酒店')).not.toBeNull();
    expect(unanswerableKind('下周的合规考试几点开始')).toBe('event-date');
    expect(unanswerableKind('Where will the onboarding session be held?')).toBe('place');
    expect(unanswerableKind('合规培训多久做一次')).toBeNull();
    expect(unanswerableKind('什么时候必须做信用评估')).toBeNull();
    expect(unanswerableKind('合同签完要放在哪里存档')).toBeNull();
  });

  it('recognises a request for a person, a phone number or a file, but not rules about them', () => {
    expect(unanswerableKind('财务总监的手机号是多少')).toBe('contact');
    expect(unanswerableKind('法务部的律师叫什么名字')).toBe('identity');
    expect(unanswerableKind("What's the mobile number of the finance manager?")).toBe('contact');
    expect(unanswerableKind('把授信申请表发我一份')).toBe('link');
    expect(unanswerableKind('客户的电话号码可以给合作方吗')).toBeNull();
    expect(unanswerableKind('电话回访要在几天内完成')).toBeNull();
    expect(unanswerableKind('合同由谁审批')).toBeNull();
    expect(unanswerableKind('可以把客户资料下载到自己电脑上吗')).toBeNull();
  });

  it("recognises the asker's own figures and live data, but not how a figure is worked out", () => {
    expect(unanswerableKind('我上个月的奖金是多少')).toBe('own-figure');
    expect(unanswerableKind('How much is my commission this quarter?')).toBe('own-figure');
    expect(unanswerableKind('这家经销商现在还欠多少钱')).toBe('live-data');
    expect(unanswerableKind('提成是怎么计算的')).toBeNull();
    expect(unanswerableKind('业绩考核看哪些指标')).toBeNull();
    expect(unanswerableKind('How is the sales bonus calculated?')).toBeNull();
  });
});

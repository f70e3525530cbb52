import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAskingSlots, unanswerableKind } from '../../src/retrieval/answerability.js';

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

describe('asking slots as data (knowledge/asking-slots.yaml)', () => {
  it('refuses a password, a piece of writing, a template file and a name list, keeps the rule questions on the same words', () => {
    expect(unanswerableKind('邮箱登录不了，初始密码多少')).toBe('credential');
    expect(unanswerableKind('I forgot my password for the sales portal')).toBe('credential');
    expect(unanswerableKind('给团队年会写一首诗')).toBe('task');
    expect(unanswerableKind('Write me a poem about quarterly targets')).toBe('task');
    expect(unanswerableKind('报价单模板在哪里能找到')).toBe('link');
    expect(unanswerableKind('优秀员工名单公布了吗')).toBe('identity');
    // The same words asking for a rule.
    expect(unanswerableKind('员工离职时能不能把客户名单带走')).toBeNull();
    expect(unanswerableKind('报价单可以用客户自己的模板吗')).toBeNull();
    expect(unanswerableKind('宣传材料里能不能写诗一样夸张的话')).toBeNull();
  });

  it('reads "my" figures as asking for a value only when a value is asked for', () => {
    expect(unanswerableKind('What was my payout last quarter?')).toBe('own-figure');
    expect(unanswerableKind('my bonus this month, any idea?')).toBe('own-figure');
    expect(unanswerableKind('How is my commission worked out?')).toBeNull();
    expect(unanswerableKind('What decides my bonus?')).toBeNull();
  });

  it('rejects a file with an unknown fragment or a broken pattern, naming the line', () => {
    const bad = (text: string) => () => buildFromText(text);
    expect(bad('slots:\n  - kind: link\n    why: x\n    zh: ["{nope}"]\n')).toThrow(/asking-slots.*:4:.*unknown fragment \{nope\}/s);
    expect(bad('slots:\n  - kind: link\n    why: x\n    en: ["(unclosed"]\n')).toThrow(/:4:.*not a valid regular expression/s);
    expect(bad('slots:\n  - kind: venue\n    why: x\n')).toThrow(/:2:.*kind/s);
    const ok = buildFromText('fragments:\n  thing: 钥匙|门卡\nslots:\n  - kind: place\n    why: x\n    zh: ["{thing}放哪"]\n');
    expect(ok.kindOf('门卡放哪了')).toBe('place');
    expect(ok.kindOf('门卡丢了要赔吗')).toBeNull();
  });
});

function buildFromText(text: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'slots-'));
  const file = path.join(dir, 'asking-slots.yaml');
  writeFileSync(file, text);
  return loadAskingSlots(file);
}

describe('more asking slots: where a file is kept, adding someone on WeChat, recommendations, office software, devices', () => {
  it('refuses what no policy holds', () => {
    expect(unanswerableKind('授信申请表的模板存在哪个网盘')).toBe('link');
    expect(unanswerableKind('财务部小王能加个微信吗')).toBe('contact');
    expect(unanswerableKind('售后团队组长的手机号')).toBe('contact');
    expect(unanswerableKind('周末推荐部电影')).toBe('task');
    // With a modifier between (round j).
    expect(unanswerableKind('推荐一部适合周末看的悬疑电影')).toBe('task');
    expect(unanswerableKind('推荐几家好吃的川菜馆子')).toBe('task');
    expect(unanswerableKind('客户分级表在excel里怎么做透视')).toBe('task');
    expect(unanswerableKind('笔记本电脑老是蓝屏怎么办')).toBe('it-support');
    expect(unanswerableKind('My laptop keeps crashing during video calls')).toBe('it-support');
  });

  it('keeps the rule questions that share those words', () => {
    expect(unanswerableKind('签完的合同要放在哪里存档')).toBeNull();
    expect(unanswerableKind('可以用私人微信加客户吗')).toBeNull();
    expect(unanswerableKind('给客户推荐产品要注意什么')).toBeNull();
    expect(unanswerableKind('给客户推荐产品的时候能不能说竞品的坏话')).toBeNull();
    expect(unanswerableKind('推荐新客户的同事有奖励吗')).toBeNull();
    expect(unanswerableKind('CRM系统里的客户信息能导出吗')).toBeNull();
    expect(unanswerableKind('客户的手机号能给合作方吗')).toBeNull();
  });
});

describe('asking slots, round e: a name asked casually, being put in touch, my quarter, a desk, arithmetic', () => {
  it('refuses what no policy holds', () => {
    expect(unanswerableKind('财务那边管报销的专员叫啥')).toBe('identity');
    expect(unanswerableKind('他的企微名片推我一下')).toBe('contact');
    expect(unanswerableKind('我这个季度的佣金还差多少')).toBe('own-figure');
    expect(unanswerableKind('帮我估一下今年年终奖')).toBe('own-figure');
    expect(unanswerableKind('销售助理坐在哪个办公室')).toBe('place');
    expect(unanswerableKind('华南分公司的地址在哪里')).toBe('place');
    expect(unanswerableKind('下个月总部抽查哪几个门店')).toBe('place');
    expect(unanswerableKind('36乘以12等于多少')).toBe('task');
    expect(unanswerableKind('calculate 250 divided by 4')).toBe('task');
  });

  it('keeps the rule questions that share those words', () => {
    expect(unanswerableKind('销售助理录订单要核对什么')).toBeNull();
    expect(unanswerableKind('提成按什么比例计算')).toBeNull();
    expect(unanswerableKind('客户说收货地址变了怎么核实')).toBeNull();
    expect(unanswerableKind('哪些区域的资质政策有变化要注意')).toBeNull();
    expect(unanswerableKind('what discount can I give above 15% without approval')).toBeNull();
    expect(unanswerableKind('同事把客户名单推给我可以吗')).toBeNull();
  });
});

describe('a password asked for, not a rule about sharing one', () => {
  it('refuses asking for a password, keeps a permission question about lending one', () => {
    expect(unanswerableKind('系统初始密码是多少')).toBe('credential');
    expect(unanswerableKind("what's the password for the shared CRM account")).toBe('credential');
    expect(unanswerableKind('主管休假 让我用他的账号密码登录审批系统 能不能这么干')).toBeNull();
    expect(unanswerableKind('is it ok to share my CRM password with a temp')).toBeNull();
  });
});

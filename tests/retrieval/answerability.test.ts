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

// Round k: the classes the asking slots named but whose wording they missed, widened by structure.
// Wordings of our own; each class has questions refused and questions on the same words kept.
describe('asking slots, round k', () => {
  it('"send me" needs a document or an imperative request, not someone giving me a thing', () => {
    expect(unanswerableKind('客户给了我个红包能收吗')).toBeNull();
    expect(unanswerableKind('代理商硬塞给我个购物卡')).toBeNull();
    expect(unanswerableKind('供应商发给我一份客户名单 能用吗')).toBeNull();
    expect(unanswerableKind('把上周培训的课件发给我一下')).toBe('link');
    expect(unanswerableKind('授信流程的说明麻烦传我一份吧')).toBe('link');
    expect(unanswerableKind('新版客户登记表格能转给我吗')).toBe('link');
  });

  it('where a file lives, asked in either order, and where it can be fetched', () => {
    expect(unanswerableKind('合同范本放在网盘里哪个目录')).toBe('link');
    expect(unanswerableKind('年度计划表格放在哪個共用資料夾')).toBe('link');
    expect(unanswerableKind('授权书的电子版去哪能拿到')).toBe('link');
    expect(unanswerableKind('Which folder is the pricing sheet in?')).toBe('link');
    expect(unanswerableKind('where can I grab the latest quotation template')).toBe('link');
    expect(unanswerableKind('客户资料可以存在个人网盘吗')).toBeNull();
    expect(unanswerableKind('报价一定要用公司的模板吗')).toBeNull();
    expect(unanswerableKind('Can I keep client files on my own laptop?')).toBeNull();
  });

  it('my own measured work and what is left of my own allowance', () => {
    expect(unanswerableKind('我这季度的回款还差多少')).toBe('own-figure');
    expect(unanswerableKind('我上周的客户评价得分是几')).toBe('own-figure');
    expect(unanswerableKind('我今年还剩几天调休')).toBe('own-figure');
    expect(unanswerableKind('我這個月簽了多少單')).toBe('own-figure');
    expect(unanswerableKind('what is the total overdue amount on my customers')).toBe('own-figure');
    expect(unanswerableKind('how many deals have I closed so far this year')).toBe('own-figure');
    expect(unanswerableKind('回款的考核规定是什么')).toBeNull();
    expect(unanswerableKind('客户满意度低于多少要整改')).toBeNull();
    expect(unanswerableKind('我能给客户多少折扣')).toBeNull();
    expect(unanswerableKind('how many gifts can I accept from one client in a year')).toBeNull();
  });

  it('an award given, its amount and who got it; who holds a post now', () => {
    expect(unanswerableKind('优秀团队奖的奖金具体是多少钱')).toBe('identity');
    expect(unanswerableKind('去年的季度之星最后给了谁')).toBe('identity');
    expect(unanswerableKind('区域督导现在是谁在管')).toBe('identity');
    expect(unanswerableKind('how much was the top seller prize last year')).toBe('identity');
    expect(unanswerableKind("who's currently in charge of the compliance desk")).toBe('identity');
    expect(unanswerableKind('业绩好的话有什么奖励')).toBeNull();
    expect(unanswerableKind('违规了由谁负责处理')).toBeNull();
    expect(unanswerableKind('what awards are there for strong sellers')).toBeNull();
  });

  it('an errand for me (book, open an account) but not the rule about doing it for a customer', () => {
    expect(unanswerableKind('周四去南京见客户 帮我订张高铁票')).toBe('task');
    expect(unanswerableKind('给我约一下明天的小会议室')).toBe('task');
    expect(unanswerableKind('培训系统的帐号去哪申请')).toBe('task');
    expect(unanswerableKind('can you book me a room near the client office')).toBe('task');
    expect(unanswerableKind('who do I ask to set up my e-learning account')).toBe('task');
    expect(unanswerableKind('帮客户订酒店算不算商业贿赂')).toBeNull();
    expect(unanswerableKind('我可以帮客户订机票吗')).toBeNull();
    expect(unanswerableKind('can I book a hotel for a client during a tender')).toBeNull();
    expect(unanswerableKind('客户账号能借给同事用吗')).toBeNull();
  });

  it('a live status: what is expiring now, whether a result is out, the weather; not what to do about it', () => {
    expect(unanswerableKind('咱们手里哪几张许可证快到期了')).toBe('live-data');
    expect(unanswerableKind('那份授权书还有几天到期')).toBe('live-data');
    expect(unanswerableKind('上次报的资质复审结果出来了没')).toBe('live-data');
    expect(unanswerableKind('后天杭州会下雨吗')).toBe('live-data');
    expect(unanswerableKind('which of our licences are about to expire')).toBe('live-data');
    expect(unanswerableKind('资质证书到期了怎么办')).toBeNull();
    expect(unanswerableKind('证书快过期了要提前多久续')).toBeNull();
    expect(unanswerableKind('审查结果出来之前能发货吗')).toBeNull();
    expect(unanswerableKind('what happens if a certificate expires during a contract')).toBeNull();
  });

  it('a deadline or a consequence is a rule, even in the first person', () => {
    expect(unanswerableKind('客户投诉我有几天时间处理')).toBeNull();
    expect(unanswerableKind('收到整改通知我还有几天')).toBeNull();
    expect(unanswerableKind('到期了没续签会怎样')).toBeNull();
    expect(unanswerableKind('should I book a meeting with legal before signing?')).toBeNull();
    expect(unanswerableKind('我还剩几天年假')).toBe('own-figure');
    expect(unanswerableKind('book me a taxi to the client')).toBe('task');
  });

  it('a place asked for, not a path or a contact already made', () => {
    expect(unanswerableKind('投诉箱挂在哪个位置')).toBe('place');
    expect(unanswerableKind('从地铁站到总部怎么走')).toBe('place');
    expect(unanswerableKind('升职的路线一般怎么走')).toBeNull();
    expect(unanswerableKind('客户原件平时放哪 有啥要求')).toBeNull();
    expect(unanswerableKind('展会上加的微信能拿来发广告吗')).toBeNull();
    expect(unanswerableKind('加个微信呗')).toBe('contact');
  });
});

describe('asking slots, round k: plain requests with words between the verb and the thing', () => {
  it('refuses a recommendation, a letter, code or a recipe asked for', () => {
    expect(unanswerableKind('推荐两部适合周末看的纪录片电影')).toBe('task');
    expect(unanswerableKind('公司楼下有啥好吃的推荐')).toBe('task');
    expect(unanswerableKind('帮我写封给房东的信')).toBe('task');
    expect(unanswerableKind('sql里怎么去掉重复行')).toBe('task');
    expect(unanswerableKind('write a small script that renames files')).toBe('task');
    expect(unanswerableKind('any good recipe for dumplings?')).toBe('task');
  });

  it('keeps recommending to a customer, writing a report the rules ask for, and a code of conduct', () => {
    expect(unanswerableKind('给客户推荐理财产品要注意什么')).toBeNull();
    expect(unanswerableKind('写一份整改报告要包含什么')).toBeNull();
    expect(unanswerableKind('合同里怎么写付款条款')).toBeNull();
    expect(unanswerableKind('推荐客户签年度服务协议书有提成吗')).toBeNull();
    expect(unanswerableKind('show me the code of conduct on gifts')).toBeNull();
  });
});

describe('asking slots, round k: a rule asked in the words of a request', () => {
  it('keeps where something is safest, how many deals a promotion needs, whether a link may be shared', () => {
    expect(unanswerableKind('客户资料放在哪个位置最安全')).toBeNull();
    expect(unanswerableKind('我签了多少单才能升主管')).toBeNull();
    expect(unanswerableKind('促销活动的链接能发到客户群里吗')).toBeNull();
    expect(unanswerableKind('活动报名的链接发我一下')).toBe('link');
    expect(unanswerableKind('灭火器挂在哪个位置')).toBe('place');
    expect(unanswerableKind('我上个月一共签了多少单')).toBe('own-figure');
  });
});

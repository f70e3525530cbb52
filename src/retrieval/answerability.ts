import { toSimplified } from '../text/script.js';

/**
 * What a question asks for, when it is something a policy handbook cannot hold whatever words it
 * shares with it: a place or the date of one particular event, a person's contact details, the
 * asker's own figures, a link or download, live data. A handbook states rules; it has no venue for
 * next week's training, no colleague's phone number, no "my bonus this month".
 *
 * Read from the question's structure — an asking slot (在哪举行, 几点, 是多少, 发我) together with
 * what fills it (an event instance, a contact, a first-person figure) — not from a topic word
 * alone: 电话回访 (a rule about calling customers back) or 客户的联系方式要保密吗 (a rule about
 * data) ask for a rule, 张经理的电话是多少 asks for a number.
 */
export type UnanswerableKind = 'place' | 'event-date' | 'contact' | 'identity' | 'own-figure' | 'link' | 'live-data';

/** A particular occasion rather than a rule that holds every time. */
const INSTANCE =
  '(?:去年|前年|上个?月|上周|下周|下星期|下礼拜|这周|本周|这星期|下个?月|这个?月|本月|下次|这次|本次|上次|今年|明年|今天|明天|后天|昨天|今晚|明早|年底|月底|周[一二三四五六日末]|星期[一二三四五六日天]|\\d+月\\d+[日号])';
const EVENT = '(?:培训|会议?|例会|讲座|考试|活动|年会|团建|聚餐|面试|课|比赛|晚会|发布会)';
const CONTACT_NOUN = '(?:电话号码|电话|手机号码?|手机|号码|微信号?|邮箱|邮件地址|email|联系方式|分机号?|座机)';
const FIGURE_NOUN = '(?:奖金|提成|工资|薪水|薪资|绩效|业绩|考核结果|考核分数?|分数|排名|额度|年假|假期|余额|报销款?|补贴|年终奖|底薪|佣金)';

/** A role held by a particular person: asking who holds it asks for a name, not a rule. */
const ROLE = '(?:经理|总监|主管|顾问|负责人|老板|领导|同事|老师|培训师|讲师|律师|专员|组长|成员)';
const VENUE = '(?:楼|层|会议室|酒店|饭店|宾馆|城市|国家|地方|餐厅|场地|会场|教室)';

const ZH: [UnanswerableKind, RegExp][] = [
  // Asking to be sent a file or a link: a handbook quote is not the file.
  ['link', new RegExp('链接|网址|网站|二维码|下载(?:地址|链接|入口)|(?:哪里|哪儿|在哪|去哪|从哪)(?:里|儿)?(?:可以|能)?下载|(?:发|传|给)(?:我|给我)(?:一份|一下|一个|个)|发一份|发一下', 'u')],
  ['contact', new RegExp(`${CONTACT_NOUN}(?:是|是多少|多少|几号|给我|发我|发给我|发一下|告诉我|有吗|有没有)|(?:谁|哪位)(?:有|知道)[^，。？?]{0,8}${CONTACT_NOUN}|怎么(?:联系|找到|找)(?:上)?[\\p{Script=Han}]{1,4}(?:经理|总|主管|老师|同事|本人)`, 'u')],
  ['own-figure', new RegExp(`我(?:的|这个?月|今年|上个?月|本月|这季度|上季度|去年|这次|目前|现在)[^，。？?]{0,10}(?:${FIGURE_NOUN}|率|学时|评分)[^，。？?]{0,8}(?:是多少|有多少|多少|几|够不够|到账|发了|还差|还剩|怎么样|达标了?吗|算出来|什么时候发)`, 'u')],
  ['identity', new RegExp(`${ROLE}(?:是|叫)(?:谁|哪位|什么名字|啥名字)|叫(?:什么|啥)名字|(?:是谁|谁)(?:拿|得|获|评)(?:的|了|到)|(?:评|颁|发)给了?(?:谁|哪个|哪位)|名单|哪家(?:公司|平台|机构|保险公司|供应商|银行|律所)?的?$|(?:用|是|找|买)的?哪家`, 'u')],
  ['place', new RegExp(`${EVENT}[^，。？?]{0,8}(?:在哪|在什么地方|什么地点|地点)|(?:在|去|到)?哪(?:个|栋|座|一|间|家|所)?${VENUE}|几楼|几层|去哪(?:里|儿)?(?:玩|旅游|开|办)|(?:在哪|在什么地方|哪里)(?:举行|举办|开会|上课|集合|开|办)|地址是|怎么走`, 'u')],
  ['event-date', new RegExp(`${INSTANCE}[^，。？?]{0,10}(?:什么时候|几点|几号|哪天|哪一天|何时|啥时候|几月|周几|星期几|礼拜几)|(?:什么时候|几点|几号|哪天|何时|啥时候)[^，。？?]{0,6}${INSTANCE}|${EVENT}[^，。？?]{0,6}(?:几点|几号|哪天|周几)|哪一?年(?:修订|修改|颁布|发布|实施|出台|成立|通过)`, 'u')],
  ['live-data', new RegExp('股价|汇率|天气|行情|(?:今天|现在|目前|最新|实时|当前|还)[^，。？?]{0,8}(?:库存|余额|进度|价格?|排名|新闻|数据|状态|欠|多少钱)|审批(?:到哪|进度)|到哪(?:一步|儿|里)?了', 'u')],
];

const EN: [UnanswerableKind, RegExp][] = [
  ['link', /\b(?:link|url|website|web ?site|download|qr code)\b/],
  ['identity', /\bwho (?:won|is our|is the|are the members|got)\b|\bwhat(?:'s| is) (?:the|his|her) name\b|\bwhich (?:company|vendor|insurer|platform)\b/],
  ['contact', /\b(?:phone|mobile|cell|telephone) (?:number|no)\b|\bemail address\b|\bcontact (?:details|info|information|number)\b|\bhow (?:can|do) i (?:reach|contact|call)\b|\bwechat id\b/],
  ['own-figure', /\b(?:my|mine)\b[^.?!]{0,20}\b(?:bonus|commission|salary|pay|score|ranking|rank|balance|quota|leave|allowance|target)\b|\bhow much (?:will|did|do) i (?:get|earn|make)\b/],
  ['place', /\bwhere (?:is|are|will|does|do)\b[^.?!]{0,40}\b(?:held|take place|taking place|located|meeting|training|session|room|office|event)\b|\band where\b|\bwhich (?:room|floor|hotel|city|country)\b|\bvenue\b|\baddress of\b/],
  ['event-date', /\b(?:when|what time|what day|what date)\b[^.?!]{0,40}\b(?:next|this|tomorrow|today|tonight|last|monday|tuesday|wednesday|thursday|friday|event|meeting|party)\b|\b(?:next|this) (?:week|month)'?s?\b[^.?!]{0,30}\b(?:when|what time|date)\b/],
  ['live-data', /\bstock price\b|\bshare price\b|\bexchange rate\b|\bweather\b|\b(?:today|right now|currently|latest)\b[^.?!]{0,20}\b(?:price|rate|stock|inventory|balance|status|news)\b|\bstatus of my\b/],
];

/** The kind of thing asked for, when no policy text can supply it; null for every other question. */
export function unanswerableKind(question: string): UnanswerableKind | null {
  const zh = toSimplified(question.normalize('NFKC')).toLowerCase().replace(/\s+/g, '');
  for (const [kind, pattern] of ZH) if (pattern.test(zh)) return kind;
  const en = question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
  for (const [kind, pattern] of EN) if (pattern.test(en)) return kind;
  return null;
}

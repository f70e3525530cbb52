import { toSimplified } from '../text/script.js';

/**
 * Answer types: 多久 asks for a duration, 多少 for an amount, 谁 for a person or department, and
 * so on. A sentence that contains that kind of expression answers more directly than one that
 * only repeats the question's words, so the best such sentence leads the answer.
 */
export interface AnswerType {
  /** The question asks for this kind of answer. */
  asks: RegExp;
  /** A sentence holds this kind of answer. */
  holds: RegExp;
  /** A weaker sign of it, used only when no sentence holds the strong one (及时 for "when"). */
  weak?: RegExp;
}

/** Characters that end a clause: an agent and its action are read inside one clause. */
const CLAUSE = '，,。；;：:';
/**
 * 要 as a modal (销售助理要使用标准报价模板, 要及时在系统中更新) states what the handbook asks just as
 * 须 does; 要 inside other words is no modal (需要, 主要, 重要, 只要, 必要, 要点, 要素). Measured on the
 * ten labelled sets: first lines quoting gold 227 → 232 of 525 (a bare 应 as well: no gain).
 */
const MODAL_YAO = /(?<![需主重只必想将就摘纪首概提])要(?![点素是么])/u;
const ANSWER_TYPES: AnswerType[] = [
  { asks: /多久|多长时间|多长|几天|几周|几个月|how long|how often|多频繁|频率/iu, holds: /\d+\s*(?:个)?(?:天|日|周|星期|月|年|小时)|[一二三四五六七八九十两]+(?:个)?(?:天|日|周|星期|月|年|小时)|时长|期限|周期|定期|[月季年]度|每(?:月|周|年|季度)|不少于|不超过/u },
  // 「什么时候」「多快」 ask when: a deadline, a period or a moment (签合同前, 24 小时内, 次年年初) answers it;
  // 及时 or 之后 only says it should not wait.
  {
    asks: /什么时候|啥时候|何时|多快|多久之内|几小时|几个小时|\bwhen\b|how soon|how quickly|by when|within how/iu,
    holds: /\d+\s*(?:个)?(?:天|日|周|星期|月|年|小时|工作日)|[一二三四五六七八九十两]+(?:个)?(?:天|日|周|星期|月|年|小时|工作日)|当天|当日|定期|每(?:月|周|年|季度)|[年月季](?:初|底|末)|[上中下]旬|次(?:日|月|年)|前(?:必须|须|要|应)/u,
    weak: /以内|之内|之前|以前|之后|以后|及时|立即|马上|第一时间/u,
  },
  // 「X是什么」「what is a X」 ask for a definition: the defining sentence (X是指…, 所谓X…) answers it.
  {
    asks: /是什么|什么是|啥是|是啥|指什么|什么意思|啥意思|\bwhat (?:is|are) (?:a|an)\b|\bwhat does [^?？]{2,40} mean\b|\bdefin(?:e|ition)\b/iu,
    holds: /是指|指的是|定义为|所谓|是一种|是一套|的统称|的总称/u,
  },
  // 「分几类」「哪些岗位」 ask for the kinds: the sentence that divides or lists them (可分为A类…, 主要包括…等岗位).
  { asks: /几类|哪几类|哪些类|分几|几种|哪几种|哪些种类|什么类型|哪些类型|哪些岗位|哪些角色|\bwhat (?:kinds?|types?|sorts?|roles?|categories|positions)\b|\bhow many (?:kinds|types|categories)\b/iu, holds: /分为|分成|[A-Za-z甲乙丙]类|(?:包括|包含|主要有)[^。；;]*、[^。；;]*等(?:岗位|职位|角色|类型|种类|类|种)/u },
  // 「管哪些事」「负责什么」 ask for a role's duties: the sentence saying what it is responsible for.
  { asks: /管(?:哪些|什么|啥)|负责(?:什么|哪些|啥)|职责是|干(?:什么|啥)的|\bresponsible for\b|\bwhat (?:does|do) [^?？]{2,40} do\b/iu, holds: /负责|职责/u },
  { asks: /多少|几成|比例|how much|how many|额度/iu, holds: /\d|[一二三四五六七八九十百千万]+(?:元|%|倍)|百分之|额度|比例/u },
  // 「谁来审」「给谁」 ask who acts: a party doing the asked thing answers it (由财务部门进行审核, 反馈给销售部门,
  // 经过法务部门的审核, 审核团队由…组成, 成立投诉处理小组), not a sentence that merely names a department.
  { asks: /谁|哪个部门|哪些部门|找谁|who|whom/iu, holds: new RegExp(`由[^${CLAUSE}]{1,24}(?:负责|审核|审批|审查|批准|处理|组成|签|进行|统一|办理)|经过?[^${CLAUSE}]{1,30}(?:审核|审批|批准|同意|签字)|(?:反馈|提交|报告|上报|汇报|报送|转交|交|报)给[^${CLAUSE}]{0,20}(?:部门|经理|主管|团队|小组|客户|领导|负责人|专员)|(?:部门|经理|主管|团队|小组|专员|负责人)(?:负责|审核|审批|处理)|(?:成立|设立|组建|设有)[^${CLAUSE}]{0,12}(?:小组|团队|部门|岗位)|负责人`, 'u') },
  // 「可以…吗」「能不能」「行不行」 ask for permission: the sentence that allows or forbids answers it.
  { asks: /可以.{0,12}[吗么]|可不可以|能不能|能否|能.{0,12}[吗么]|行不行|行吗|允许|让不让|算不算|是不是|要不要|需不需要|用不用|该不该|得不得|没事吧|\b(?:do|does) (?:i|we|sales|a|the) (?:need|have) to\b|\b(?:must|should) (?:i|we)\b|\b(?:can|may|could) (?:i|we|sales|a|the)\b|\ballowed\b|\bok to\b|\bokay to\b/iu, holds: new RegExp(`禁止|严禁|不得|不能|不可|不准|不允许|必须|应当|须|只能|允许|可以|${MODAL_YAO.source}`, 'u') },
];

/** The kind of expression the question asks for, if it asks for one. */
export function answerTypeOf(question: string | undefined): AnswerType | null {
  if (!question) return null;
  const q = toSimplified(question);
  return ANSWER_TYPES.find((t) => t.asks.test(q)) ?? null;
}

import type { Chunk, Retriever, SearchHit, SearchOptions, SearchResult } from '../../src/retrieval/types.js';
import { toSimplified } from '../../src/text/script.js';

/**
 * A small in-memory Retriever over real handbook passages (mixed Traditional / Simplified), for
 * answering tests that must not depend on the real index. Scoring is deliberately plain: Simplified
 * character bigrams shared with the query, plus a tiny English glossary standing in for the real
 * retriever's.
 */

interface Passage {
  docId: string;
  title: string;
  sectionPath: string[];
  text: string;
}

export const PASSAGES: Passage[] = [
  {
    docId: 'sales-dept-rules',
    title: '銷售部管理規章制度修訂版',
    sectionPath: ['第九章 風險控制與合規經營'],
    text:
      '1.銷售工作雖然追求業績,但也不能忽視風險,得像走鋼絲一樣小心,確保每一步都合規穩健。\n\n' +
      '2.我們制定了嚴格的風險控制流程,要求銷售顧問在簽訂合同前,必須對客戶進行信用評估,避免壞賬風險。\n\n' +
      '4.我們還規定了銷售合同的審批流程,任何合同都必須經過銷售經理、法務部門和財務部門的審核,確保合同的合法性和合理性。\n\n' +
      '5.為了防止賄賂和不當競爭,我們明確規定了銷售行為的規範,比如禁止給客戶回扣,禁止虛假宣傳等。',
  },
  {
    docId: 'sales-dept-rules',
    title: '銷售部管理規章制度修訂版',
    sectionPath: ['第九章 風險控制與合規經營'],
    text:
      '6.我們定期對銷售團隊進行合規培訓,讓他們了解最新的法律法規和公司政策,確保他們在銷售過程中不觸犯法律紅線。\n\n' +
      '8.我們還設立了內部審計機制,不定期對銷售活動進行審計,確保所有操作都符合公司的規章制度和法律法規。\n\n' +
      '9.對于發現的不合規行為,我們會立即采取措施,糾正錯誤,并根據情節嚴重程度對相關責任人進行處罰。',
  },
  {
    docId: 'hefei-qualification',
    title: '合肥資質銷售管理辦法',
    sectionPath: ['五、銷售人員管理', '規範職業道德'],
    text:
      '規範職業道德:銷售人員要遵守職業道德,誠實守信,保守公司商業機密和客戶信息。在與客戶溝通和業務往來過程中,不得收受客戶賄賂、回扣或謀取其他不正當利益。' +
      '要始終保持良好的職業形象,維護公司的聲譽和品牌形象。銷售紀律:嚴格遵守公司的銷售流程和管理制度,不得私自承諾客戶超出公司規定的優惠條件或服務內容。' +
      '在銷售活動中,要遵循公平競爭原則,不得惡意詆毀競爭對手。如發現有違反銷售紀律的行為,公司將視情節輕重給予相應的處罰。',
  },
  {
    docId: 'compliance-in-sales',
    title: '合规管理在销售团队中如何有效实施',
    sectionPath: ['一、合规管理在销售团队中如何有效实施'],
    text:
      '2. 培训与教育：为销售团队提供全面的合规培训，包括政策解读、案例分析、常见违规场景及后果等。定期更新培训内容以适应新的法规和业务变化。\n\n' +
      '3. 建立监督机制：设立专门的合规监督岗位或团队，定期审查销售业务流程、合同、交易记录等，及时发现潜在的合规风险。',
  },
  {
    docId: 'compliance-in-sales',
    title: '合规管理在销售团队中如何有效实施',
    sectionPath: ['一、合规管理在销售团队中如何有效实施'],
    text:
      '6. 激励与约束机制：将合规表现纳入销售人员的绩效考核体系，对合规执行良好的给予奖励，对违规行为进行严肃处理，包括纪律处分、经济处罚等。\n\n' +
      '7. 客户关系管理：确保销售过程中对客户信息的收集、使用和保护符合法规要求，防止侵犯客户权益和数据泄露。',
  },
  {
    docId: 'compliance-in-sales',
    title: '合规管理在销售团队中如何有效实施',
    sectionPath: ['二、合规管理在销售团队中如何有效实施营销策略'],
    // Near-duplicate of the training line above, from another section: must collapse in answers.
    text: '2. 培训与教育：定期为销售团队提供合规培训，包括政策解读、案例分析、常见违规场景及后果等。',
  },
  {
    docId: 'direct-sales',
    title: '某公司直銷管理制度的規定',
    sectionPath: ['二、直銷團隊管理', '2.培訓與發展'],
    text:
      '新員工培訓:新入職直銷人員需參加公司組織的新員工培訓,培訓內容包括公司概況、產品知識、銷售技巧、客戶服務、企業文化等。' +
      '培訓時長不少于[X]天,培訓結束后進行考核,考核合格者方可上崗。',
  },
  {
    docId: 'sales-safety',
    title: '銷售安全管理指南',
    sectionPath: ['銷售過程中的安全風險'],
    text:
      '銷售合同風險合同條款不清晰合同中的條款含糊不清,導致雙方對合同內容理解不一致。未經審查的合同合同違約未能充分審查合同,導致合同中存在漏洞或風險。' +
      '一方未履行合同義務,導致合同違約和可能的法律糾紛。',
  },
];

const GLOSSARY: Record<string, string> = {
  kickback: '回扣',
  kickbacks: '回扣',
  bribe: '贿赂',
  contract: '合同',
  contracts: '合同',
  training: '培训',
  penalty: '处罚',
  penalties: '处罚',
  punished: '处罚',
  risk: '风险',
  risks: '风险',
};

export const CHUNKS: Chunk[] = PASSAGES.map((p, i) => ({
  id: `${p.docId}#${i}`,
  docId: p.docId,
  title: p.title,
  section: p.sectionPath.join(' › '),
  sectionPath: p.sectionPath,
  text: p.text,
  normText: toSimplified(p.text).replace(/\s+/g, ' '),
  start: 0,
  end: p.text.length,
}));

function bigrams(s: string): Set<string> {
  const han = [...s].filter((c) => /\p{Script=Han}/u.test(c));
  const out = new Set<string>();
  for (let i = 0; i + 1 < han.length; i++) out.add(han[i] + han[i + 1]);
  return out;
}

/** Bigrams too common in this corpus to signal a topic. */
const COMMON = new Set(['销售', '客户', '公司', '人员', '我们', '可以', '什么', '哪些', '怎么', '如何']);

export class FakeRetriever implements Retriever {
  readonly queries: string[] = [];
  constructor(private readonly chunks: Chunk[] = CHUNKS, private readonly minScore = 2) {}

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    this.queries.push(query);
    const expanded = `${toSimplified(query)} ${query
      .toLowerCase()
      .split(/[^a-z]+/)
      .map((w) => GLOSSARY[w] ?? '')
      .join(' ')}`;
    const q = [...bigrams(expanded)].filter((g) => !COMMON.has(g));
    const scored = this.chunks
      .map((chunk) => ({ chunk, score: q.filter((g) => chunk.normText.includes(g)).length }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score || a.chunk.id.localeCompare(b.chunk.id))
      .slice(0, options.k ?? 5);
    const hits: SearchHit[] = scored.map((x, rank) => ({ rank, chunk: x.chunk, score: x.score }));
    return { query, relevant: (hits[0]?.score ?? 0) >= Math.min(this.minScore, q.length), hits };
  }
}

import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { loadGlossary, tokenizerFor } from '../../src/retrieval/glossary.js';
import { queryTerms } from '../../src/retrieval/tokenize.js';
import { normalise } from '../../src/text/normalise.js';

// The shipped glossary's sales-slang classes (round j): each class has a chat phrasing that must reach
// the handbook's word, and a phrasing close to it in form that must not. Wording is our own, not the
// question sets'.
const glossary = loadGlossary(path.resolve('knowledge/glossary.yaml'));
const tokenizer = tokenizerFor(glossary);
const expanded = (q: string) => new Set(queryTerms(tokenizer, normalise(q), glossary, q).map((t) => t.term));

const classes: { name: string; term: string; yes: string; no: string }[] = [
  { name: 'kickback', term: '回扣', yes: '采购科长暗示要包红包才给下单', no: '同事住院了在打点滴' },
  { name: 'hospitality', term: '宴请', yes: '招待客户去唱k要注意什么', no: '客户唱歌比赛拿了奖' },
  { name: 'background check', term: '信用评估', yes: '新客户先上天眼查看看有没有问题', no: '查一下明天的天气' },
  { name: 'personal account', term: '个人账户', yes: '客户说货款直接转我微信就行', no: '客户加了我微信聊产品参数' },
  { name: 'discount', term: '折扣', yes: '老客户要求再抹个零行吗', no: '这台机器的零件坏了' },
  { name: 'deposit', term: '定金', yes: '客户先交点押金再发货可以吗', no: '押韵的广告语好不好' },
  { name: 'approval', term: '审批', yes: '这个价格得找领导批吗', no: '领导今天出差了' },
  { name: 'online training', term: '在线学习平台', yes: '公司有没有网课可以刷', no: '公司网站打不开' },
  { name: 'complaint', term: '投诉', yes: '客户说要去消协告我们', no: '客户想了解我们的协议价' },
  { name: 'confidentiality', term: '机密', yes: '内部资料能不能发给朋友看', no: '内部装修什么时候完工' },
  { name: 'prospecting', term: '客户线索', yes: '新人怎么拓客比较合规', no: '拓展训练在哪天' },
  { name: 'padding the numbers', term: '冲业绩', yes: '月底压货给经销商算违规吗', no: '月底要交房租' },
  { name: 'let go', term: '解除劳动合同', yes: '收回扣会不会被炒鱿鱼', no: '公司食堂有没有鱿鱼' },
  { name: 'break-in', term: '黑客', yes: '客户系统被黑了数据怎么办', no: '客户穿了件黑色外套' },
];

describe('sales slang reaches the handbook’s words (glossary, round j)', () => {
  for (const c of classes) {
    it(`${c.name}: 「${c.yes}」 searches ${c.term}, 「${c.no}」 does not`, () => {
      expect(expanded(c.yes).has(c.term)).toBe(true);
      expect(expanded(c.no).has(c.term)).toBe(false);
    });
  }

  it('reads English chat for the same classes, and not words that merely look alike', () => {
    expect(expanded('customer wants to pay into my personal card').has('个人账户')).toBe(true);
    expect(expanded('where do new leads come from').has('客户线索')).toBe(true);
    expect(expanded('can the client make a down payment first').has('定金')).toBe(true);
    expect(expanded('can the client pay the full amount').has('定金')).toBe(false);
    expect(expanded('is there an online course on compliance').has('在线学习平台')).toBe(true);
    expect(expanded('is there a course on compliance').has('在线学习平台')).toBe(false);
  });
});

describe('slang questions find the passage that answers them', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'slang-'));
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase({ knowledgeDir: path.resolve('knowledge'), dataDir: tmp });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const top5 = async (q: string) => (await kb.retriever.search(q, { k: 5 })).hits.map((h) => h.chunk.normText).join('\n');

  it('an online course in chat words reaches the online learning platform', async () => {
    expect(await top5('公司有没有网课让我们自己刷')).toContain('在线学习平台');
  });

  it('padding a quarter by stuffing dealers reaches the fake-orders case', async () => {
    expect(await top5('季度末给代理商压货凑数 下季度再退回来行不行')).toContain('冲业绩');
  });

  it('a question about something else sharing its characters (网 of 网课) does not, and is not answered', async () => {
    const q = '公司网购的办公用品什么时候到';
    expect(await top5(q)).not.toContain('在线学习平台');
    expect((await kb.retriever.search(q, { k: 5 })).relevant).toBe(false);
  });
});

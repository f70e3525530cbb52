import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CASE_LESSON_LABEL, CASE_RULE_LABEL, type Chunk, type SourceKind } from '../retrieval/types.js';
import { normalise } from '../text/normalise.js';
import type { SkippedFile } from './ingest.js';

/**
 * The knowledge beyond the handbook, as citable passages: the case library (knowledge/cases), the
 * contract pre-check rules (knowledge/rules/contract.yaml) and the credit policy
 * (knowledge/credit-policy.yaml), each passage saying what the rule or case says, why, and on what
 * legal basis. The files are read here as plain data (their own features validate them at start-up
 * and own their behaviour); a file that cannot be read is skipped and reported like a handbook file.
 */

/** The files these sources are read from, for the index's content hash. */
export function sourceFiles(knowledgeDir: string): string[] {
  const casesDir = path.join(knowledgeDir, 'cases');
  const cases = existsSync(casesDir)
    ? readdirSync(casesDir)
        .filter((n) => n.endsWith('.md') && n.toLowerCase() !== 'readme.md')
        .sort()
        .map((n) => path.join(casesDir, n))
    : [];
  return [...cases, path.join(knowledgeDir, 'rules', 'contract.yaml'), path.join(knowledgeDir, 'credit-policy.yaml')];
}

export interface SourceDocuments {
  documents: { docId: string; title: string; chunks: Chunk[] }[];
  skipped: SkippedFile[];
}

/** Titles shown in citations, by kind of source (Simplified; shown in the reader's script). */
export const SOURCE_TITLES: Record<Exclude<SourceKind, 'handbook'>, string> = {
  case: '合规案例库',
  'contract-rule': '合同预审规则',
  'credit-policy': '客户信用政策',
};

export function loadSourceDocuments(knowledgeDir: string): SourceDocuments {
  const out: SourceDocuments = { documents: [], skipped: [] };
  const attempt = (file: string, read: () => { docId: string; title: string; chunks: Chunk[] } | null) => {
    if (!existsSync(file)) return;
    try {
      const doc = read();
      if (doc?.chunks.length) out.documents.push(doc);
    } catch (err) {
      out.skipped.push({ file: path.relative(knowledgeDir, file), reason: (err as Error).message.split('\n')[0] ?? 'unreadable' });
    }
  };
  const caseChunks: Chunk[] = [];
  for (const file of sourceFiles(knowledgeDir).filter((f) => f.endsWith('.md'))) {
    attempt(file, () => {
      const chunk = caseChunk(readFileSync(file, 'utf8'), caseChunks.length);
      if (chunk) caseChunks.push(chunk);
      return null;
    });
  }
  if (caseChunks.length) out.documents.push({ docId: 'cases', title: SOURCE_TITLES.case, chunks: caseChunks });
  attempt(path.join(knowledgeDir, 'rules', 'contract.yaml'), () => contractRuleDocument(readFileSync(path.join(knowledgeDir, 'rules', 'contract.yaml'), 'utf8')));
  attempt(path.join(knowledgeDir, 'credit-policy.yaml'), () => creditPolicyDocument(readFileSync(path.join(knowledgeDir, 'credit-policy.yaml'), 'utf8')));
  return out;
}

function makeChunk(kind: Exclude<SourceKind, 'handbook'>, docId: string, ordinal: number, section: string, text: string): Chunk {
  const title = SOURCE_TITLES[kind];
  return { id: `${docId}#${ordinal}`, docId, title, section, sectionPath: [section], text, normText: normalise(`${section} ${text}`), start: 0, end: text.length, kind };
}

/** `## 经过` … sections of a case file's body. */
function sections(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of body.split(/^##\s+/m).slice(1)) {
    const [heading, ...rest] = part.split('\n');
    out.set(heading!.trim(), rest.join('\n').trim());
  }
  return out;
}

/** One passage per case: what happened in brief, the rule it broke, and the lesson. */
export function caseChunk(text: string, ordinal: number): Chunk | null {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  if (!m) throw new Error('missing front matter');
  const meta = parse(m[1]!) as { id?: string; title?: string; riskArea?: string; summary?: string };
  if (!meta?.title || !meta.summary) throw new Error('case without title or summary');
  const body = sections(m[2]!);
  const lesson = (body.get('教训') ?? '').split(/\n\s*\n/)[0]!.trim();
  const rule = (body.get('违反的规定') ?? '').trim();
  const parts = [meta.summary.trim().replace(/\n/g, ''), rule && `${CASE_RULE_LABEL}${rule}`, lesson && `${CASE_LESSON_LABEL}${lesson}`].filter(Boolean);
  return makeChunk('case', 'cases', ordinal, meta.title, parts.join('\n'));
}

interface ContractRuleData {
  id: string;
  message?: string;
  suggestion?: string;
  basis?: string;
}

/** One passage per pre-check rule: what it flags, what to do instead, and the legal basis. */
export function contractRuleDocument(yamlText: string): { docId: string; title: string; chunks: Chunk[] } {
  const data = parse(yamlText) as { rules?: ContractRuleData[] };
  const chunks = (data?.rules ?? [])
    .filter((r) => r?.id && r.message)
    .map((r, i) => {
      const what = r.message!.replace(/[（(]?\{detail\}[）)]?/g, '').replace(/[：:，,\s]+$/u, '');
      const text = [`${what}。`, r.suggestion ? `建议：${r.suggestion}` : '', r.basis ? `依据：${r.basis}` : ''].filter(Boolean).join('\n');
      return makeChunk('contract-rule', 'contract-rules', i, what, text);
    });
  return { docId: 'contract-rules', title: SOURCE_TITLES['contract-rule'], chunks };
}

interface CreditPolicyData {
  dimensions?: Record<string, { label?: string; weight?: number; rules?: { label?: string }[] }>;
  grades?: Record<string, { minScore?: number }>;
  knockouts?: { label?: string; measures?: string[] }[];
  gradeCaps?: { label?: string }[];
  terms?: Record<string, { limitFactor?: number; maxTermDays?: number; paymentMode?: string; measures?: string[] }>;
  approval?: { roleLabels?: Record<string, string>; routes?: { maxRequestedLimit?: number; roles?: string[] }[]; distinctApprovers?: boolean };
}

/** The credit policy in sentences: the 5C scorecard, grades and knock-outs, terms per grade, approval routes. */
export function creditPolicyDocument(yamlText: string): { docId: string; title: string; chunks: Chunk[] } {
  const p = parse(yamlText) as CreditPolicyData;
  const chunks: Chunk[] = [];
  const add = (section: string, lines: string[]) => {
    const text = lines.filter(Boolean).join('\n');
    if (text) chunks.push(makeChunk('credit-policy', 'credit-policy', chunks.length, section, text));
  };
  const dims = Object.values(p?.dimensions ?? {});
  const grades = Object.entries(p?.grades ?? {});
  add('5C 信用评分', [
    dims.length ? `客户信用评估按 5C 评分，满分 100 分：${dims.map((d) => `${d.label ?? ''} ${d.weight ?? 0} 分`).join('，')}。` : '',
    ...dims.map((d) => (d.rules?.length ? `${d.label}看${d.rules.map((r) => r.label).filter(Boolean).join('、')}。` : '')),
    grades.length ? `评级：${grades.map(([g, v]) => `${v.minScore ?? 0} 分及以上为 ${g} 级`).join('，')}。` : '',
  ]);
  add('信用评级的否决项与上限', [
    ...(p?.knockouts ?? []).map((k) => `${k.label}：无论得分多少都评为 C 级${k.measures?.length ? `，需${k.measures.join('，')}` : ''}。`),
    ...(p?.gradeCaps ?? []).map((c) => `${c.label}。`),
  ]);
  add('各信用等级的付款方式、账期和额度', Object.entries(p?.terms ?? {}).map(([g, t]) =>
    `${g} 级：${t.paymentMode ?? ''}，账期最长 ${t.maxTermDays ?? 0} 天，建议额度 = 月均销售额 × 账期天数 ÷ 30 × ${t.limitFactor ?? 0}${t.measures?.length ? `；另需${t.measures.join('，')}` : ''}。`,
  ));
  const roles = p?.approval?.roleLabels ?? {};
  const routes = p?.approval?.routes ?? [];
  add('信用额度审批流程', [
    ...routes.map((r, i) => {
      const chain = (r.roles ?? []).map((x) => roles[x] ?? x).join(' → ');
      const low = i > 0 ? (routes[i - 1]!.maxRequestedLimit ?? 0) : 0;
      return r.maxRequestedLimit !== undefined
        ? `申请额度${low ? `超过 ${low} 元、` : ''}不超过 ${r.maxRequestedLimit} 元：由${chain}依次审批。`
        : `申请额度超过 ${low} 元：由${chain}依次审批。`;
    }),
    p?.approval?.distinctApprovers ? '同一申请的两个审批步骤不能由同一人签批，即使他兼任两个角色。' : '',
  ]);
  return { docId: 'credit-policy', title: SOURCE_TITLES['credit-policy'], chunks };
}

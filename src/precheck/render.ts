import type { Reply, ReplyBlock } from '../core/types.js';
import { toTraditional } from '../text/script.js';
import type { Finding, PrecheckResult, Severity, Verdict } from './types.js';

/** Platform-neutral rendering of a pre-check: adapters turn the blocks into Slack blocks / a Feishu card. */

const VERDICT: Record<Verdict, { emoji: string; label: string }> = {
  block: { emoji: '🔴', label: '不通过：有高风险问题，修改后再送审' },
  review: { emoji: '🟡', label: '需复核：有需要注意的问题' },
  pass: { emoji: '🟢', label: '通过：未发现问题' },
};

const SEVERITY: Record<Severity, string> = { high: '高', medium: '中', low: '低' };

/** Long contracts can produce many findings; the chat reply shows the most severe ones. */
const MAX_FINDINGS_SHOWN = 15;
const MAX_EVIDENCE_SHOWN = 160;

export interface RenderOptions {
  script?: 'zh-Hans' | 'zh-Hant';
  /** Name of the checked file, shown in the context line. */
  fileName?: string;
}

export function renderPrecheckReply(result: PrecheckResult, opts: RenderOptions = {}): Reply {
  const t = (s: string) => (opts.script === 'zh-Hant' ? toTraditional(s) : s);
  const v = VERDICT[result.verdict];
  const counts = (['high', 'medium', 'low'] as const)
    .map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${SEVERITY[s]} ${n}`)
    .join(' · ');
  const blocks: ReplyBlock[] = [{ type: 'heading', text: `${v.emoji} ${t(`合同预审 — ${v.label}`)}` }];
  blocks.push({
    type: 'context',
    text: t(
      `${opts.fileName ? `${opts.fileName} · ` : ''}${result.findings.length ? `发现 ${result.findings.length} 项（${counts}）` : '规则检查未发现问题'} · 预审不替代销售经理、法务和财务的合同审核`,
    ),
  });
  const shown = result.findings.slice(0, MAX_FINDINGS_SHOWN);
  shown.forEach((f, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push({ type: 'text', text: findingText(f, t) });
  });
  if (result.findings.length > shown.length) {
    blocks.push({ type: 'context', text: t(`另有 ${result.findings.length - shown.length} 项未显示（较低级别），可用 CLI 的 --json 查看全部。`) });
  }
  return {
    blocks,
    fallbackText: `${v.emoji} ${t(`合同预审：${v.label}`)}${result.findings.length ? ` — ${[...new Set(result.findings.map((f) => f.rule))].join(', ')}` : ''}`,
    visibility: 'ephemeral',
  };
}

function findingText(f: Finding, t: (s: string) => string): string {
  const lines = [`**[${t(SEVERITY[f.severity])}] ${f.message}**${f.source === 'model' ? t('（模型提示，仅供参考）') : ''} \`${f.rule}\``];
  if (f.evidence) {
    const quote = f.evidence.length > MAX_EVIDENCE_SHOWN ? `${f.evidence.slice(0, MAX_EVIDENCE_SHOWN)}…` : f.evidence;
    lines.push(`${t('原文')}：「${quote.replace(/\s*\n\s*/g, ' ')}」`);
  }
  if (f.suggestion) lines.push(`- ${t('建议')}：${f.suggestion}`);
  if (f.basis) lines.push(`- ${t('依据')}：${f.basis}`);
  if (f.citation) {
    const c = f.citation;
    lines.push(`- ${t('手册')}：《${c.title}》${c.section ? ` ${c.section}` : ''}：“${c.quote.length > 120 ? `${c.quote.slice(0, 120)}…` : c.quote}”`);
  }
  return lines.join('\n');
}

export function precheckUsageReply(script: 'zh-Hans' | 'zh-Hant' = 'zh-Hans'): Reply {
  const text =
    script === 'zh-Hant'
      ? '用法：`/precheck <貼上合同文字>`，或上傳合同檔案（.docx、.pdf、.txt）並附上 `/precheck`。我會檢查缺少的條款、風險條款和違反公司規定的內容，並引用依據。'
      : '用法：`/precheck <粘贴合同文本>`，或上传合同文件（.docx、.pdf、.txt）并附上 `/precheck`。我会检查缺少的条款、风险条款和违反公司规定的内容，并引用依据。';
  return { blocks: [{ type: 'text', text }], fallbackText: text, visibility: 'ephemeral' };
}

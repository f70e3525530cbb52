import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { DocumentPreview } from '../documents/preview.js';
import { dashboardTables, type DashboardData, type DataTable } from './queries.js';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
  :root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --accent:#2563eb; --bg:#f8fafc; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.5 system-ui, -apple-system, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color:var(--ink); background:var(--bg); }
  header { display:flex; justify-content:space-between; align-items:center; padding:12px 24px; background:#fff; border-bottom:1px solid var(--line); }
  header h1 { font-size:18px; margin:0; }
  main { padding:16px 24px; display:grid; grid-template-columns:repeat(auto-fill, minmax(520px, 1fr)); gap:16px; }
  section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px; min-width:0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size:15px; margin:0 0 8px; display:flex; justify-content:space-between; align-items:baseline; }
  h2 a { font-size:12px; font-weight:normal; color:var(--accent); }
  .kpis { display:flex; gap:24px; flex-wrap:wrap; }
  .kpi b { display:block; font-size:22px; }
  .kpi span { color:var(--muted); font-size:12px; }
  .chart { position:relative; height:240px; }
  table { width:100%; border-collapse:collapse; font-size:13px; }
  th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
  th { color:var(--muted); font-weight:600; }
  details summary { cursor:pointer; color:var(--muted); font-size:12px; margin-top:8px; }
  form.inline { display:inline; }
  button, input[type=submit] { font:inherit; padding:4px 10px; border-radius:6px; border:1px solid var(--line); background:#fff; cursor:pointer; }
  button.primary { background:var(--accent); color:#fff; border-color:var(--accent); }
  button.danger { color:#b91c1c; }
  .login { max-width:360px; margin:12vh auto; background:#fff; padding:24px; border:1px solid var(--line); border-radius:8px; }
  .login input[type=password] { width:100%; padding:8px; margin:8px 0 12px; font:inherit; }
  .error { color:#b91c1c; } .warn { color:#b45309; } .muted { color:var(--muted); }
`;

function layout(title: string, body: Html, withCharts = false): Html {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${raw(STYLE)}</style></head>
<body>${body}${withCharts ? html`<script src="/admin/assets/chart.umd.min.js"></script><script src="/admin/assets/dashboard.js"></script>` : ''}</body></html>`;
}

export function loginPage(message?: string): Html {
  return layout(
    '合规助手 · 登录 Admin login',
    html`<form class="login" method="post" action="/admin/login">
      <h1>合规助手 管理后台</h1><p class="muted">Compliance Assistant · admin dashboard</p>
      ${message ? html`<p class="error">${message}</p>` : ''}
      <label for="token">管理令牌 Admin token (ADMIN_TOKEN)</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
      <button class="primary" type="submit">登录 Sign in</button>
    </form>`,
  );
}

function tableHtml(t: DataTable, limit = 50): Html {
  const rows = t.rows.slice(0, limit);
  return html`<table><thead><tr>${t.columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
    <tbody>${rows.length ? rows.map((r) => html`<tr>${r.map((v) => html`<td>${v ?? '—'}</td>`)}</tr>`) : html`<tr><td colspan="${t.columns.length}" class="muted">—</td></tr>`}</tbody></table>`;
}

function card(t: DataTable, chartId: string | null, opts: { wide?: boolean; open?: boolean; extra?: Html } = {}): Html {
  return html`<section id="${t.id}" class="${opts.wide ? 'wide' : ''}">
    <h2>${t.title}<a href="/admin/export/${t.id}.csv" download>CSV</a></h2>
    ${chartId ? html`<div class="chart"><canvas id="${chartId}" role="img" aria-label="${t.title}"></canvas></div>` : ''}
    ${opts.extra ?? ''}
    ${opts.open ? tableHtml(t) : html`<details><summary>表格 Table (${t.rows.length})</summary>${tableHtml(t)}</details>`}
  </section>`;
}

const pct = (a: number, b: number) => (b ? `${((a / b) * 100).toFixed(1)}%` : '—');

export function dashboardPage(d: DashboardData, notice?: string): Html {
  const t = Object.fromEntries(dashboardTables(d).map((x) => [x.id, x]));
  const kb = html`<form method="post" action="/admin/kb/upload" enctype="multipart/form-data" style="margin:8px 0 12px">
      <input type="file" name="file" accept=".docx,.pdf,.md,.txt,.html,.htm" required>
      <button class="primary" type="submit">上传并预览 Upload &amp; preview</button>
    </form>
    <table><thead><tr><th>docId</th><th>标题 Title</th><th>来源 Source</th><th>片段 Chunks</th><th>版本 Version</th><th></th></tr></thead><tbody>
    ${d.documents.map(
      (x) => html`<tr><td><code>${x.docId}</code></td><td>${x.title}</td><td>${x.source}</td><td>${x.chunks}</td><td>${x.version ?? '—'}</td>
        <td>${x.source === 'handbook' ? '' : html`<form class="inline" method="post" action="/admin/kb/remove"><input type="hidden" name="docId" value="${x.docId}"><button class="danger" type="submit">删除 Remove</button></form>`}</td></tr>`,
    )}</tbody></table>`;
  const body = html`<header><h1>合规助手 管理后台 <span class="muted" style="font-size:13px">Compliance Assistant</span></h1>
      <form class="inline" method="post" action="/admin/logout"><button type="submit">退出 Sign out</button></form></header>
    ${notice ? html`<p style="margin:12px 24px" class="warn" id="notice">${notice}</p>` : ''}
    <main>
      <section class="wide"><div class="kpis">
        <div class="kpi"><b>${d.totals.questions}</b><span>提问 questions</span></div>
        <div class="kpi"><b>${pct(d.totals.answered, d.totals.questions)}</b><span>已回答 answered</span></div>
        <div class="kpi"><b>${pct(d.totals.up, d.totals.up + d.totals.down)}</b><span>有帮助 helpful (${d.totals.up} up / ${d.totals.down} down)</span></div>
        <div class="kpi"><b>${d.totals.prechecks}</b><span>合同预审 pre-checks</span></div>
        <div class="kpi"><b>${d.totals.creditApplications}</b><span>信用申请 credit applications</span></div>
        <div class="kpi"><b>${d.totals.documents}</b><span>文档 documents</span></div>
      </div><p class="muted">最近 ${d.days} 天 · last ${d.days} days · ${d.generatedAt.slice(0, 16).replace('T', ' ')} UTC</p></section>
      ${card(t.questions!, 'chart-questions')}
      ${card(t.feedback!, 'chart-feedback')}
      ${card(t.unanswered!, 'chart-unanswered', { wide: true, open: true })}
      ${card(t.precheck!, 'chart-precheck')}
      ${card(t.credit!, 'chart-credit')}
      ${card(t.schedules!, null, { wide: true, open: true })}
      ${card(t.documents!, null, { wide: true, extra: kb })}
    </main>
    <script id="dashboard-data" type="application/json">${raw(JSON.stringify(d).replace(/</g, '\\u003c'))}</script>`;
  return layout('合规助手 · 管理后台 Admin', body, true);
}

export function previewPage(p: DocumentPreview, pendingId: string | null, replaces: string | null): Html {
  const body = html`<header><h1>知识库预览 Preview · ${p.title || p.fileName}</h1><a href="/admin#documents">返回 Back</a></header>
  <main><section class="wide">
    <table>
      <tr><th>文件 File</th><td>${p.fileName} (${Math.max(1, Math.round(p.bytes / 1024))} KB)</td></tr>
      <tr><th>标题 Title</th><td id="preview-title">${p.title || '—'}</td></tr>
      <tr><th>片段 Chunks</th><td id="preview-chunks">${p.chunkCount}</td></tr>
      <tr><th>字数 Characters</th><td>${p.characters}</td></tr>
      <tr><th>操作 Action</th><td>${replaces ? `替换 Replaces ${replaces}` : '新文档 New document'}</td></tr>
    </table>
    <h2>识别到的章节 Sections detected (${p.sections.length})</h2>
    <ul>${p.sections.slice(0, 40).map((s) => html`<li>${s.join(' › ')}</li>`)}</ul>
    <h2>清理删除的内容 Removed by cleaning</h2>
    ${p.removed.length ? html`<ul>${p.removed.map((r) => html`<li><code>${r.rule}</code>: ${r.count} × (${r.characters} chars), e.g. “${r.example.slice(0, 60)}”</li>`)}</ul>` : html`<p class="muted">—</p>`}
    ${p.warnings.map((w) => html`<p class="warn">⚠️ ${w.message}</p>`)}
    ${p.error ? html`<p class="error">❌ ${p.error}</p>` : ''}
    ${pendingId
      ? html`<form class="inline" method="post" action="/admin/kb/confirm"><input type="hidden" name="id" value="${pendingId}"><button class="primary" type="submit">确认加入 Confirm</button></form>
        <form class="inline" method="post" action="/admin/kb/cancel"><input type="hidden" name="id" value="${pendingId}"><button type="submit">取消 Cancel</button></form>`
      : ''}
  </section></main>`;
  return layout('合规助手 · 知识库预览 Preview', body);
}

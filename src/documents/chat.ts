import { Cron } from 'croner';
import type { Logger } from 'pino';
import { hasId } from '../core/ids.js';
import type { CleaningRules } from '../knowledge/cleaning.js';
import type { KnowledgeService } from '../knowledge/service.js';
import { textReply } from '../core/replies.js';
import type { ActionDefinition, ActionResult, CommandContext, Feature, IncomingFile, Origin, Reply, ReplyAction } from '../core/types.js';
import { previewDocument, type DocumentPreview } from './preview.js';
import type { DocumentStore, StoredDocument } from './store.js';
import type { KnowledgeUpdater } from './updater.js';

/**
 * Knowledge-base documents from chat, for every platform through the core: `/kb add` with a file
 * (or a file an admin sends the bot) shows a preview with Confirm / Cancel; Confirm stores the
 * file as a document (or a new version of one) and re-indexes; `/kb list`, `/kb remove <doc>`,
 * `/kb history <doc>`, `/kb sync`.
 */

export interface SyncOutcome {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: { ref: string; reason: string }[];
}

export interface DocumentChatDeps {
  store: DocumentStore;
  knowledge: KnowledgeService;
  updater: KnowledgeUpdater;
  /** How often the watch looks for changes made elsewhere (default DOCUMENT_WATCH_MS). */
  watchEveryMs?: number;
  cleaningRules: () => CleaningRules;
  adminIds: readonly string[];
  /** Runs the contract pre-check on a staged file (the "pre-check instead" button). */
  precheck?: (files: IncomingFile[], origin: Origin) => Promise<Reply>;
  /** Feishu Docs/Wiki sync, when configured. */
  sync?: () => Promise<SyncOutcome>;
  /** When the sync runs on its own (cron, Asia/Shanghai); it also runs once at start. */
  syncCron?: string;
  log?: Logger;
}

export const actor = (o: Pick<Origin, 'platform' | 'userId'>) => `${o.platform}:${o.userId}`;
const NOT_ADMIN = '只有管理员（ADMIN_IDS）可以修改知识库。Only admins (ADMIN_IDS) can change the knowledge base.';

export function previewBlocks(p: DocumentPreview, replaces: StoredDocument | null): Reply['blocks'] {
  const blocks: Reply['blocks'] = [{ type: 'heading', text: `知识库预览 Preview · ${p.title || p.fileName}` }];
  blocks.push({
    type: 'fields',
    fields: [
      { label: '文件 File', value: `${p.fileName}（${Math.max(1, Math.round(p.bytes / 1024))} KB）` },
      { label: '标题 Title', value: p.title || '—' },
      { label: '章节 Sections', value: String(p.sections.length) },
      { label: '片段 Chunks', value: String(p.chunkCount) },
      { label: '字数 Characters', value: String(p.characters) },
      { label: '操作 Action', value: replaces ? `替换 Replaces ${replaces.docId} v${replaces.version} → v${replaces.version + 1}` : '新文档 New document' },
    ],
  });
  if (p.sections.length) {
    const shown = p.sections.slice(0, 12).map((s) => `- ${s.join(' › ')}`);
    if (p.sections.length > 12) shown.push(`- … 另 ${p.sections.length - 12} 节 and ${p.sections.length - 12} more`);
    blocks.push({ type: 'text', text: `**识别到的章节 Sections detected**\n${shown.join('\n')}` });
  }
  if (p.removed.length) {
    const lines = p.removed.map((r) => `- \`${r.rule}\`: ${r.count} 处 ×，${r.characters} 字 chars（例 e.g. “${r.example.replace(/\s+/g, ' ').slice(0, 40)}”）`);
    blocks.push({ type: 'text', text: `**清理删除的内容 Removed by cleaning**\n${lines.join('\n')}` });
  } else {
    blocks.push({ type: 'context', text: '清理没有删除任何内容 · Cleaning removed nothing' });
  }
  for (const w of p.warnings) blocks.push({ type: 'text', text: `⚠️ ${w.message}` });
  if (p.error) blocks.push({ type: 'text', text: `❌ ${p.error}` });
  return blocks;
}

export function createDocumentChat(deps: DocumentChatDeps) {
  const isAdmin = (o: Pick<Origin, 'platform' | 'userId'>) => hasId(deps.adminIds, o.platform, o.userId);


  async function add(ctx: CommandContext, bare: boolean): Promise<Reply> {
    if (!isAdmin(ctx.origin)) return textReply(NOT_ADMIN);
    const file = ctx.files?.[0];
    if (!file) {
      return textReply(
        '请把文件和 /kb add 一起发送（或管理员直接私聊发送文件）。Send the file together with /kb add, or send the file to the bot in a DM. Supported: .docx .pdf .md .txt .html',
      );
    }
    const preview = await previewDocument(file.name, file.data, deps.cleaningRules());
    const replaces = preview.error ? null : await deps.store.uploadReplacedBy(preview.fileName, preview.title);
    const blocks = previewBlocks(preview, replaces);
    const actions: ReplyAction[] = [];
    if (!preview.error) {
      const id = await deps.store.stagePending(actor(ctx.origin), file.name, file.data);
      actions.push({ id: 'kb.confirm', label: '✅ 确认加入 Confirm', value: id, style: 'primary' });
      if (bare && deps.precheck) actions.push({ id: 'kb.precheck', label: '改为合同预审 Pre-check as a contract', value: id });
      actions.push({ id: 'kb.cancel', label: '取消 Cancel', value: id, style: 'danger' });
    } else if (bare && deps.precheck) {
      // Not a document we can index: it may still be a contract to check.
      return deps.precheck([file], ctx.origin);
    }
    return { blocks, actions, fallbackText: `Preview: ${preview.title || preview.fileName}, ${preview.chunkCount} chunks` };
  }

  async function list(): Promise<Reply> {
    const added = await deps.store.list();
    const addedIds = new Set(added.map((d) => d.docId));
    const handbook = deps.knowledge.status.documents.filter((d) => !addedIds.has(d.docId));
    const chunksOf = new Map(deps.knowledge.status.documents.map((d) => [d.docId, d.chunks]));
    const lines = [
      ...handbook.map((d) => `- \`${d.docId}\` ${d.title}（手册 handbook，${d.chunks}）`),
      ...added.map((d) => `- \`${d.docId}\` ${d.title}（${d.source === 'feishu' ? '飞书 Feishu' : '上传 upload'} v${d.version}，${chunksOf.get(d.docId) ?? 0}）`),
    ];
    return {
      blocks: [
        { type: 'heading', text: `知识库文档 Documents (${handbook.length + added.length})` },
        { type: 'text', text: lines.join('\n') || '—' },
        { type: 'context', text: '删除 Remove: /kb remove <docId> · 新版本 New version: 上传同名文件 upload a file with the same name' },
      ],
      fallbackText: `${handbook.length + added.length} documents`,
    };
  }

  async function remove(args: string, ctx: CommandContext): Promise<Reply> {
    if (!isAdmin(ctx.origin)) return textReply(NOT_ADMIN);
    const key = args.trim();
    if (!key) return textReply('用法 Usage: /kb remove <docId>（见 see /kb list）');
    const doc = await deps.store.find(key);
    if (!doc) {
      const shipped = deps.knowledge.status.documents.find((d) => d.docId === key || d.title === key);
      return textReply(
        shipped
          ? `《${shipped.title}》随程序发布（知识库目录 knowledge/ 中的文件），请修改或删除该文件后 /kb reload。It ships with the bot (a file under the knowledge folder): edit or remove that file, then /kb reload.`
          : `找不到文档 No added document "${key}" — see /kb list.`,
      );
    }
    await deps.store.remove(doc.docId, actor(ctx.origin));
    const status = await deps.updater.refresh();
    const synced = doc.source === 'feishu' ? '\n这是飞书同步的文档：在飞书删除它，否则下次同步会再加回来。It is synced from Feishu: delete it there, or the next sync brings it back.' : '';
    return textReply(`已删除 Removed《${doc.title}》(${doc.docId})；知识库现有 ${status.documents.length} 份文档 documents, ${status.chunks} 个片段 chunks.${synced}`);
  }

  async function history(args: string): Promise<Reply> {
    const key = args.trim();
    const doc = key ? await deps.store.find(key) : null;
    // A removed document keeps its versions: its id still finds them.
    const versions = key ? await deps.store.versions(doc?.docId ?? key) : [];
    if (!key) return textReply('用法 Usage: /kb history <docId>（见 see /kb list）');
    if (!versions.length) {
      const shipped = deps.knowledge.status.documents.find((d) => d.docId === key || d.title === key);
      return textReply(
        shipped
          ? `《${shipped.title}》随程序发布，版本历史在 git 里，不在 /kb history。It ships with the bot: its history is in git, not /kb history.`
          : `找不到文档 No added document "${key}" — see /kb list.`,
      );
    }
    const latest = versions[versions.length - 1]!;
    const lines = versions.map((v) => `- v${v.version} ${v.addedAt.slice(0, 16).replace('T', ' ')} · ${v.fileName} · sha256 ${v.fileHash.slice(0, 12)}`);
    const heading = `${doc?.title ?? latest.title} (${latest.docId})${doc ? '' : ' · 已删除 removed'}`;
    return { blocks: [{ type: 'heading', text: heading }, { type: 'text', text: lines.join('\n') }], fallbackText: `${versions.length} versions` };
  }

  async function sync(ctx: CommandContext): Promise<Reply> {
    if (!isAdmin(ctx.origin)) return textReply(NOT_ADMIN);
    if (!deps.sync) return textReply('没有配置飞书文档同步 · Feishu Docs sync is not configured (FEISHU_SYNC_WIKI_SPACES / FEISHU_SYNC_FOLDERS / FEISHU_SYNC_DOCUMENTS).');
    let r: SyncOutcome;
    try {
      r = await deps.sync();
    } catch (err) {
      deps.log?.warn({ err: (err as Error).message.slice(0, 200) }, 'feishu sync failed');
      return textReply(`飞书同步失败，知识库未改动 · Feishu sync failed; nothing was changed: ${(err as Error).message.slice(0, 160)}`);
    }
    const failed = r.failed.length ? `\n失败 Failed: ${r.failed.map((f) => `${f.ref} (${f.reason})`).join('; ')}` : '';
    return textReply(`飞书同步完成 Feishu sync: +${r.added} 新增 added, ${r.updated} 更新 updated, ${r.removed} 删除 removed, ${r.unchanged} 未变 unchanged.${failed}`);
  }

  /** `/kb <sub> …` for the document subcommands; null when `sub` is not one of them. */
  async function handle(sub: string, rest: string, ctx: CommandContext): Promise<Reply | null> {
    switch (sub) {
      case 'add':
        return add(ctx, false);
      case 'file':
        return add(ctx, true);
      case 'list':
        return list();
      case 'remove':
        return remove(rest, ctx);
      case 'history':
        return history(rest);
      case 'sync':
        return sync(ctx);
      default:
        return null;
    }
  }

  async function confirm(a: { platform: Origin['platform']; userId: string; value: string }): Promise<ActionResult> {
    if (!isAdmin(a)) return { toast: NOT_ADMIN, toastKind: 'error' };
    const pending = await deps.store.takePending(a.value);
    if (!pending) return { toast: '这个预览已处理或已过期。This preview was already handled or has expired.', toastKind: 'warning' };
    const preview = await previewDocument(pending.fileName, pending.data, deps.cleaningRules());
    if (preview.error) return { toast: preview.error, toastKind: 'error' };
    const { document, outcome } = await deps.store.add({ title: preview.title, fileName: pending.fileName, data: pending.data, actor: actor(a) });
    const status = await deps.updater.refresh();
    const indexed = status.documents.find((d) => d.docId === document.docId);
    const verb = outcome === 'replaced' ? `已更新为 v${document.version} Replaced (v${document.version})` : outcome === 'unchanged' ? '内容未变 Unchanged' : '已加入 Added';
    const text = `${verb}《${document.title}》\`${document.docId}\`：${indexed?.chunks ?? 0} 个片段 chunks，索引用时 ${status.buildMs} ms。现在可以提问了。Ask away.`;
    return { replaceOriginal: textReply(text), toast: verb, toastKind: 'success' };
  }

  const actions: ActionDefinition[] = [
    { id: 'kb.confirm', handle: confirm },
    {
      id: 'kb.cancel',
      async handle(a) {
        if (!isAdmin(a)) return { toast: NOT_ADMIN, toastKind: 'error' };
        await deps.store.takePending(a.value);
        return { replaceOriginal: textReply('已取消，未加入知识库。Cancelled — nothing was added.'), toastKind: 'info', toast: 'Cancelled' };
      },
    },
    {
      id: 'kb.precheck',
      async handle(a) {
        const pending = await deps.store.takePending(a.value);
        if (!pending || !deps.precheck) return { toast: '这个文件已处理或已过期。That file was already handled or has expired.', toastKind: 'warning' };
        const file: IncomingFile = { name: pending.fileName, size: pending.data.byteLength, data: pending.data };
        return { replaceOriginal: await deps.precheck([file], a) };
      },
    },
  ];

  /** An admin's bare file goes to the knowledge-base preview (which offers the pre-check instead). */
  const claimFile = (origin: Origin) => (isAdmin(origin) ? { command: 'kb', args: 'file' } : null);

  return { handle, actions, claimFile };
}

export type DocumentChat = ReturnType<typeof createDocumentChat>;

/** Documents added (or `/kb reload` run) by another replica or the CLI are picked up within this interval, unless configured (KB_FOLLOW_SECONDS). */
export const DOCUMENT_WATCH_MS = 10_000;

/**
 * The documents feature: its buttons and the admin's-file claim register with the core; its
 * subcommands run inside `/kb` (`chat`, passed to the knowledge feature); while the bot runs it
 * watches the store for changes made elsewhere.
 */
export function createDocumentsFeature(deps: DocumentChatDeps): Feature & { chat: DocumentChat; sync?: () => Promise<SyncOutcome> } {
  // One sync at a time: `/kb sync` during a scheduled run shares its result.
  let running: Promise<SyncOutcome> | null = null;
  const sync = deps.sync
    ? () => {
        running ??= deps.sync!().finally(() => {
          running = null;
        });
        return running;
      }
    : undefined;
  const chat = createDocumentChat({ ...deps, sync });
  let stopWatch: (() => void) | null = null;
  let job: Cron | null = null;
  const runSync = () => void sync?.().catch((err) => deps.log?.warn({ err: (err as Error).message.slice(0, 200) }, 'feishu sync failed; documents unchanged'));
  return {
    name: 'documents',
    chat,
    sync,
    actions: chat.actions,
    claimFile: chat.claimFile,
    start() {
      stopWatch ??= deps.updater.watch(deps.watchEveryMs ?? DOCUMENT_WATCH_MS);
      if (sync && deps.syncCron && !job) {
        job = new Cron(deps.syncCron, { timezone: 'Asia/Shanghai', protect: true }, runSync);
        runSync();
      }
    },
    async stop() {
      stopWatch?.();
      stopWatch = null;
      job?.stop();
      job = null;
      await running?.catch(() => undefined);
    },
  };
}

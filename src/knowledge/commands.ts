import { hasId } from '../core/ids.js';
import { textReply } from '../core/replies.js';
import type { CommandDefinition, Feature, Reply } from '../core/types.js';
import type { KnowledgeStatus } from './knowledge-base.js';
import type { KnowledgeService } from './service.js';

export interface KbCommandDeps {
  knowledge: KnowledgeService;
  adminIds: readonly string[];
  /** Runs after a successful reload (warm caches, reload case library…). */
  afterReload?: (status: KnowledgeStatus) => void | Promise<void>;
  now?: () => number;
}

/** The knowledge feature in the core: the `/kb` command. */
export function createKnowledgeFeature(deps: KbCommandDeps): Feature {
  return { name: 'knowledge', commands: [createKbCommand(deps)] };
}

/** `kb`: what the bot knows; `kb reload`: re-index without a restart (admins only). */
export function createKbCommand(deps: KbCommandDeps): CommandDefinition {
  const now = deps.now ?? Date.now;
  return {
    name: 'kb',
    summary: '知识库状态与重新索引 · Knowledge base status; `kb reload` re-indexes (admins)',
    usage: '/kb  ·  /kb reload',
    async handle(args, ctx) {
      const sub = args.trim().toLowerCase();
      if (sub === 'reload') {
        if (!hasId(deps.adminIds, ctx.origin.platform, ctx.origin.userId)) {
          return textReply('只有管理员可以重新索引知识库。Only admins (ADMIN_IDS) can reload the knowledge base.');
        }
        const status = await deps.knowledge.reload(true);
        await deps.afterReload?.(status);
        return statusReply(status, now(), `已重新索引：${status.documents.length} 份文档，${status.chunks} 个片段，用时 ${status.buildMs} ms。Reloaded.`);
      }
      if (sub) return textReply('用法 Usage: /kb  ·  /kb reload');
      return statusReply(deps.knowledge.status, now());
    },
  };
}

function statusReply(s: KnowledgeStatus, nowMs: number, headline?: string): Reply {
  const ageMin = Math.max(0, Math.round((nowMs - Date.parse(s.builtAt)) / 60000));
  const docs = s.documents.map((d) => `- ${d.title}（${d.chunks}）`).join('\n');
  const skipped = s.skipped.length ? `\n跳过 Skipped:\n${s.skipped.map((f) => `- ${f.file}: ${f.reason}`).join('\n')}` : '';
  const blocks: Reply['blocks'] = [];
  if (headline) blocks.push({ type: 'text', text: headline });
  blocks.push(
    { type: 'heading', text: '知识库 Knowledge base' },
    {
      type: 'fields',
      fields: [
        { label: '文档 Documents', value: String(s.documents.length) },
        { label: '片段 Chunks', value: String(s.chunks) },
        { label: '索引时间 Indexed', value: `${s.builtAt}（${ageMin} 分钟前 min ago）` },
        { label: '向量 Embeddings', value: s.embeddings },
      ],
    },
    { type: 'text', text: docs + skipped },
  );
  return { blocks, fallbackText: `${s.documents.length} documents, ${s.chunks} chunks` };
}

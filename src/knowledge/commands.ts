import { hasId } from '../core/ids.js';
import { textReply } from '../core/replies.js';
import type { CommandContext, CommandDefinition, Feature, Reply } from '../core/types.js';
import type { KnowledgeStatus } from './knowledge-base.js';
import type { KnowledgeService } from './service.js';

export interface KbCommandDeps {
  knowledge: KnowledgeService;
  adminIds: readonly string[];
  /** Runs after a successful reload (warm caches, reload case library…). */
  afterReload?: (status: KnowledgeStatus) => void | Promise<void>;
  now?: () => number;
  /** Document subcommands (add, list, remove, history, sync); null for anything else. */
  documents?: { handle(sub: string, rest: string, ctx: CommandContext): Promise<Reply | null> };
}

/** The knowledge feature in the core: the `/kb` command. */
export function createKnowledgeFeature(deps: KbCommandDeps): Feature {
  return { name: 'knowledge', commands: [createKbCommand(deps)] };
}

/** `kb`: what the bot knows; `kb reload`: re-index without a restart (admins only). */
export function createKbCommand(deps: KbCommandDeps): CommandDefinition {
  const now = deps.now ?? Date.now;
  const usage = deps.documents
    ? '/kb  ·  /kb list  ·  /kb add (with a file)  ·  /kb remove <docId>  ·  /kb history <docId>  ·  /kb sync  ·  /kb reload'
    : '/kb  ·  /kb reload';
  return {
    name: 'kb',
    summary: '知识库：状态、文档增删、重新索引 · Knowledge base: status, documents, re-index (admins change it)',
    usage,
    async handle(args, ctx) {
      const [first = '', ...restWords] = args.trim().split(/\s+/);
      const documentReply = await deps.documents?.handle(first.toLowerCase(), restWords.join(' '), ctx);
      if (documentReply) return documentReply;
      const sub = args.trim().toLowerCase();
      if (sub === 'reload') {
        if (!hasId(deps.adminIds, ctx.origin.platform, ctx.origin.userId)) {
          return textReply('只有管理员可以重新索引知识库。Only admins (ADMIN_IDS) can reload the knowledge base.');
        }
        const status = await deps.knowledge.reload(true);
        await deps.afterReload?.(status);
        return statusReply(status, now(), `已重新索引：${status.documents.length} 份文档，${status.chunks} 个片段，用时 ${status.buildMs} ms。Reloaded.`);
      }
      if (sub) return textReply(`用法 Usage: ${usage}`);
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

import type { CommandContext, CommandDefinition, Reply } from '../core/types.js';
import { errorSummary } from '../log/errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { detectScript } from '../text/script.js';
import type { PrecheckAudit, PrecheckSource } from './audit.js';
import type { Prechecker } from './engine.js';
import { PrecheckInputError, precheckText, precheckUpload, type PrecheckedDocument } from './input.js';
import { precheckUsageReply, renderPrecheckReply } from './render.js';

export interface PrecheckCommandDeps {
  prechecker: Prechecker;
  audit?: PrecheckAudit;
  /**
   * When given, the reply gets a "share" button: the core stores an in-channel copy and
   * returns its id (the same `share` action the Q&A replies use).
   */
  shareId?: (reply: Reply, ctx: CommandContext) => string | undefined;
  log?: Logger;
}

/**
 * `/precheck <pasted contract>` or `/precheck` with an attached .docx / .pdf / .txt.
 * The contract is data: nothing in it is executed, fetched or obeyed.
 */
export function createPrecheckCommand(deps: PrecheckCommandDeps): CommandDefinition {
  const log = deps.log ?? silentLogger;
  return {
    name: 'precheck',
    summary: '合同预审：粘贴合同文本或上传 .docx/.pdf/.txt，检查缺失条款、风险条款和违规内容',
    usage: '/precheck <合同文本> （或上传合同文件并附上 /precheck）',
    async handle(args, ctx) {
      const file = ctx.files?.[0];
      const pasted = args.trim();
      if (!file && !pasted) return precheckUsageReply(detectScript(args) === 'zh-Hant' ? 'zh-Hant' : 'zh-Hans');

      let doc: PrecheckedDocument;
      let source: PrecheckSource;
      try {
        if (file) {
          doc = await precheckUpload(file, deps.prechecker);
          source = 'file';
        } else {
          doc = await precheckText(pasted, deps.prechecker);
          source = 'text';
        }
      } catch (e) {
        if (e instanceof PrecheckInputError) {
          return { blocks: [{ type: 'text', text: `⚠️ ${e.message}` }], fallbackText: e.message, visibility: 'ephemeral' };
        }
        throw e;
      }

      try {
        deps.audit?.record({
          platform: ctx.origin.platform,
          userId: ctx.origin.userId,
          source,
          fileHash: doc.fileHash,
          result: doc.result,
          text: doc.text,
        });
      } catch (e) {
        // A failed audit write must not hide the result from the rep; it is logged for ops.
        log.error({ err: errorSummary(e) }, 'precheck audit write failed');
      }
      log.info(
        { verdict: doc.result.verdict, findings: doc.result.findings.length, chars: doc.result.stats.characters, ms: doc.result.stats.elapsedMs },
        'precheck done',
      );

      const script = detectScript(doc.text.slice(0, 4000)) === 'zh-Hant' ? 'zh-Hant' : 'zh-Hans';
      const reply = renderPrecheckReply(doc.result, { script, fileName: doc.fileName });
      if (file && (ctx.files?.length ?? 0) > 1) {
        reply.blocks.push({ type: 'context', text: `只检查了第一个文件「${file.name}」；其他文件请分别发送。` });
      }
      const shareId = deps.shareId?.(reply, ctx);
      if (shareId) reply.actions = [{ id: 'share', label: script === 'zh-Hant' ? '分享到頻道' : '分享到频道', value: shareId }];
      return reply;
    },
  };
}

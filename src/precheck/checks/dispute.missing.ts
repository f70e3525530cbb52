import { z } from 'zod';
import { readDisputeSections } from './dispute.js';
import { define, type CheckContext, type CheckHit } from './types.js';

/**
 * dispute.missing: no clause settles disputes, or the clause only says the parties will
 * negotiate (or mediate) and names no arbitration commission and no court.
 */
const params = z.strictObject({
  court: z.string().default('诉讼(?!费)|起诉|人民法院|法院'),
  courtNotForum: z.string().default('执行|期间|过程中|不得|排除|撤销'),
});

export const disputeMissing = define({
  params,
  run(ctx: CheckContext, p: z.output<typeof params>): CheckHit[] {
    const sections = readDisputeSections(ctx, { court: new RegExp(p.court, 'u'), courtNotForum: new RegExp(p.courtNotForum, 'u') });
    if (sections.length === 0) return [{ start: 0, end: 0, detail: '未找到争议解决条款' }];
    if (sections.some((s) => s.arbitration.length > 0 || s.court.length > 0 || s.blankChoice)) return [];
    const blank = sections.find((s) => s.blankForums)?.blankForums;
    if (blank) return [{ start: blank.start, end: blank.end, detail: '示范文本的争议解决方式未选择，仲裁机构和管辖法院均空白' }];
    const { sentences } = sections[0]!;
    return [{ start: sentences[0]?.start ?? 0, end: sentences[sentences.length - 1]?.end ?? 0, detail: '只约定协商解决，未约定仲裁机构或管辖法院' }];
  },
});

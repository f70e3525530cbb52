import { z } from 'zod';
import { define, type CheckContext, type CheckHit } from './types.js';

/**
 * parties.missing: fewer than two parties named in the declaration lines or the signature block.
 * A label left blank or filled with a placeholder (`____`, `XXX`, `某某公司`) names nobody.
 */
export const partiesMissing = define({
  params: z.strictObject({ minParties: z.number().int().min(1).default(2) }),
  run(ctx: CheckContext, p: { minParties: number }): CheckHit[] {
    const { parties, blankPartyLabels } = ctx.facts;
    if (parties.length >= p.minParties) return [];
    const named = parties.map((x) => `${x.label}：${x.name}`).join('；');
    const blank = blankPartyLabels.length ? `${blankPartyLabels.join('、')}的名称空白或为占位符` : '';
    const detail = [parties.length ? `只找到 ${named}` : blank ? '' : '未找到任何当事人名称', blank].filter(Boolean).join('；');
    return [{ start: 0, end: 0, detail }];
  },
});

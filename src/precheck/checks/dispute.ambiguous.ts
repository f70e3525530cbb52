import { z } from 'zod';
import { readDisputeSections } from './dispute.js';
import { define, type CheckContext, type CheckHit } from './types.js';

/**
 * dispute.ambiguous: a dispute clause that offers arbitration and a court at once, names no
 * arbitration commission, or (in a model form) leaves the choice between its options blank.
 * Options not chosen are already out of the sentences (facts.ts), so a filled-in form is read as
 * the choice it made.
 */
const params = z.strictObject({
  institution: z.string().default('仲裁委员会|仲裁委|仲裁院|仲裁中心|仲裁协会'),
  /** Words before the institution that introduce it rather than name it. */
  verbs: z.string().default('提交|交由|递交|报请|申请|选择|向|由|到|至|在|交'),
  /** A "name" made of these is no name (`甲方所在地仲裁委员会`). */
  generic: z.string().default('所在地|当地|有关|相关|有管辖权|任何|一方|甲方|乙方|双方|签订地|履行地|合同|约定|其他|该'),
  court: z.string().default('诉讼(?!费)|起诉|人民法院|法院'),
  /** Sentences mentioning a court that do not offer it as a forum (enforcement, pending proceedings). */
  courtNotForum: z.string().default('执行|期间|过程中|不得|排除|撤销|终局'),
});

export const disputeAmbiguous = define({
  params,
  run(ctx: CheckContext, p: z.output<typeof params>): CheckHit[] {
    // A filled-in form leaves the spaces of its blank around the name (`提交 上海 仲裁委员会`).
    const institution = new RegExp(`([\\p{Script=Han}A-Za-z \\t]{0,24}?)(?:${p.institution})`, 'gu');
    const verbs = new RegExp(`^.*(?:${p.verbs})`, 'u');
    const generic = new RegExp(p.generic, 'u');
    const hits: CheckHit[] = [];
    for (const section of readDisputeSections(ctx, { court: new RegExp(p.court, 'u'), courtNotForum: new RegExp(p.courtNotForum, 'u') })) {
      if (section.blankChoice) {
        const list = section.blankChoice;
        hits.push({ start: list.start, end: list.end, detail: '示范文本的争议解决方式未选择（选项编号空白，也未删去不选的方式）' });
        continue;
      }
      const { arbitration, court } = section;
      if (arbitration.length === 0) continue;
      const reasons: string[] = [];
      if (court.length > 0) reasons.push('同时约定了仲裁和诉讼，仲裁协议可能无效');
      const named = arbitration.some((s) =>
        [...s.text.matchAll(institution)].some((m) => {
          const name = (m[1] ?? '').replace(verbs, '').replace(/[ \t]/g, '');
          return name.length >= 2 && !generic.test(name);
        }),
      );
      if (!named) reasons.push('未写明具体的仲裁机构');
      if (reasons.length === 0) continue;
      const first = arbitration[0]!;
      const last = [...arbitration, ...court].sort((a, b) => b.end - a.end)[0]!;
      hits.push({ start: Math.min(first.start, court[0]?.start ?? first.start), end: last.end, detail: reasons.join('；') });
    }
    return hits;
  },
});

import { describe, expect, it } from 'vitest';
import { createPrechecker } from '../../src/precheck/engine.js';

/**
 * Classes the fifth held-out set (tests/fixtures/contracts-heldout5) showed after its one blind run, worded
 * unlike that set: a cap on damages that the contract itself declares not to apply lifts nothing; a clause
 * title (`第三条 产品质量与验收`) states the clause when its own numbered items state something.
 */

const prechecker = createPrechecker();
const found = async (text: string) => new Set((await prechecker.check(text, { skipModelReview: true })).findings.map((f) => f.rule));

function contract(liability: string): string {
  return [
    '甲方：洛阳牡丹城文化传媒有限公司',
    '乙方：合肥蓝途信息技术有限公司',
    '第一条 乙方为甲方开发会员小程序一套，2027 年 6 月 30 日前交付，甲方验收合格后上线。',
    '第二条 合同总价人民币 240,000 元（大写：贰拾肆万元整），甲方于验收合格后 10 日内付清。',
    '第三条 乙方保证交付成果符合需求说明书，质量问题在 12 个月内免费修复。',
    liability,
    '第五条 争议由甲方所在地人民法院管辖。',
    '甲方（盖章）：洛阳牡丹城文化传媒有限公司        乙方（盖章）：合肥蓝途信息技术有限公司',
  ].join('\n');
}

describe('a damages cap switched off by the contract', () => {
  it('all losses, with the earlier cap declared not to apply, is unlimited liability', async () => {
    const rules = await found(
      contract('第四条 违约金总额以合同总价的 10% 为上限。因乙方泄露会员信息的，乙方赔偿甲方所受全部损失，包括但不限于罚款、诉讼费，前述违约金上限不适用于该等情形。'),
    );
    expect(rules.has('liability.unlimited')).toBe(true);
  });

  it('the same losses under a cap that does apply are not (negative)', async () => {
    const rules = await found(
      contract('第四条 因乙方泄露会员信息的，乙方赔偿甲方所受全部损失，包括但不限于罚款、诉讼费，但赔偿总额以合同总价为上限。'),
    );
    expect(rules.has('liability.unlimited')).toBe(false);
  });
});

function serviceContract(third: string): string {
  return [
    '甲方：绍兴鉴湖黄酒博物馆',
    '乙方：合肥蓝途信息技术有限公司',
    '第一条 乙方负责甲方 18 台导览屏的内容更新，每月更新一次。',
    '第二条 年服务费人民币 54,000 元（大写：伍万肆仟元整），甲方每季度末支付当季费用。',
    third,
    '第四条 任何一方违约的，赔偿对方直接损失，累计不超过年服务费。',
    '第五条 争议由甲方所在地人民法院管辖。',
    '甲方（盖章）：绍兴鉴湖黄酒博物馆        乙方（盖章）：合肥蓝途信息技术有限公司',
  ].join('\n');
}

describe('a clause title over its own items', () => {
  it('a quality title whose numbered items are written out is a quality term', async () => {
    const rules = await found(serviceContract('第三条 内容质量与考评\n3.1 每次更新后 2 个工作日内提交更新清单，由甲方签收。\n3.2 错漏每处扣减当季费用 100 元。'));
    expect(rules.has('quality.missing')).toBe(false);
  });

  it('the same title over a blank item, or alone before the next clause, is not (negative)', async () => {
    expect((await found(serviceContract('第三条 内容质量与考评\n3.1 考评办法：____________'))).has('quality.missing')).toBe(true);
    expect((await found(serviceContract('第三条 内容质量与考评'))).has('quality.missing')).toBe(true);
  });
});

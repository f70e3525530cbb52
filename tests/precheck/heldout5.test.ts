import { describeContractSet, type KnownFailures } from '../helpers/contract-set.js';

/**
 * The fifth held-out set of issue 14 (contracts-g: 20 files, 12 .txt, 4 .docx two with Word goods tables, 4 PDF
 * with hard line breaks and page heads and feet, 3 Traditional, 3 bilingual; 8 clean, 12 with planted defects;
 * written blind on 2026-12-02 by a helper who read only the rule list and the samples), run once on main after
 * pre-check round f was merged: with the shipped contract.yaml precision 0.880, recall 0.957, verdicts 19/20;
 * with its author's company (杭州明衡信息技术有限公司, "us", the buyer in g05 and g19) in `ownCompanies`, as an
 * operator configures it, precision 0.957, recall 0.957, verdicts 20/20. These tests hold what passed on that
 * run. Its two shared misses were then read as classes and fixed with own cases worded otherwise
 * (reading-round-g.test.ts): g12's missed `liability.unlimited` (a cap the clause itself switches off) and g04's
 * false `quality.missing` (a clause title, 服务质量与考核, over filled items): those two files are in-sample now.
 */
const SHARED_FAILURES: KnownFailures = {};

describeContractSet('precheck fifth held-out set, shipped ownCompanies', 'contracts-heldout5', {
  ...SHARED_FAILURES,
  'g05-purchase-buyer-trad-clean.txt': { wronglyFound: ['payment.credit-required'], verdictWrong: true },
  'g19-purchase-buyer-unilateral-nosign.txt': { wronglyFound: ['payment.credit-required'] },
});

describeContractSet('precheck fifth held-out set, with its author’s company configured', 'contracts-heldout5', SHARED_FAILURES, ['杭州明衡信息技术有限公司']);

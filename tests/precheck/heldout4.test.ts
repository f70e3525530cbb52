import { describeContractSet, type KnownFailures } from '../helpers/contract-set.js';

/**
 * The fourth held-out set of issue 14 (contracts-f: 20 files, 3 PDF hard-wrapped with page heads and feet, 3 .docx
 * with Word tables, 3 bilingual, 2 Traditional; written blind by a helper who read only the rule file and the
 * samples), run once after round e was merged (commit after 73d7592): precision 0.630, recall 0.944, verdicts 14/20
 * with the shipped contract.yaml. Its author wrote "our company" as 上海启衡科技有限公司, which the shipped
 * `ownCompanies` does not name; with it added (what an operator configures) the same run gave 0.680 / 0.944 / 15/20.
 * These tests assert what passed with the shipped file; failures are listed as measured.
 */
const KNOWN_FAILURES: KnownFailures = {
  'f05-processing-model.pdf': { wronglyFound: ['payment.credit-required'] },
  'f06-sales-table-rmb.txt': { missed: ['amount.mismatch'], verdictWrong: true },
  'f08-maintenance.txt': { wronglyFound: ['kickback'] },
  'f09-saas-bilingual.txt': { wronglyFound: ['parties.missing'], verdictWrong: true },
  'f10-advertising.txt': { wronglyFound: ['subject.missing'] },
  'f11-logistics-buyer.txt': { wronglyFound: ['payment.credit-required'], verdictWrong: true },
  'f13-distribution-bilingual.pdf': { wronglyFound: ['parties.missing'], verdictWrong: true },
  'f19-purchase-bilingual.docx': { wronglyFound: ['parties.missing', 'subject.missing', 'payment.credit-required'], verdictWrong: true },
  'f20-install-model-slash.txt': { wronglyFound: ['dispute.ambiguous'], verdictWrong: true },
};

describeContractSet('precheck fourth held-out set: what passed on the one run', 'contracts-heldout4', KNOWN_FAILURES);

import { describeContractSet, type KnownFailures } from '../helpers/contract-set.js';

/**
 * The third held-out set of issue 14 (contracts-e: 22 contracts, 3 of them PDF and 3 .docx, written blind by a
 * helper who read only the rule file and the samples), run exactly once after the round-d pre-check was merged
 * (commit 1618c6e): precision 0.655, recall 0.905, verdicts 17/22 (on main before that round: 0.576 / 0.905 /
 * 17/22). These tests assert what passed on that run; the failures are listed as measured. A general fix that
 * makes one pass removes it from this list — the set is diagnostic from now on, no longer a held-out measure.
 */
const KNOWN_FAILURES: KnownFailures = {
  'e03-lease-personal-card.txt': { wronglyFound: ['dispute.ambiguous'] },
  'e07-integration-designated-consultant.txt': { missed: ['kickback'], wronglyFound: ['delivery.missing'], verdictWrong: true },
  'e12-missing-buyer-name.txt': { missed: ['parties.missing'], verdictWrong: true },
  'e14-training-service-no-forum.txt': { wronglyFound: ['subject.missing', 'delivery.missing'], verdictWrong: true },
  'e19-bilingual-export-clean.txt': { wronglyFound: ['parties.missing', 'subject.missing', 'delivery.missing'], verdictWrong: true },
  'e20-bilingual-distribution-personal-renewal.txt': { wronglyFound: ['parties.missing', 'price.missing'] },
  'e21-techdev-model-form-arbitration.txt': { wronglyFound: ['parties.missing'], verdictWrong: true },
};

describeContractSet('precheck third held-out set: what passed on the one run', 'contracts-heldout3', KNOWN_FAILURES);

import { describeContractSet, type KnownFailures } from '../helpers/contract-set.js';

/**
 * The second held-out set of issue 14 (/work/evalsets/contracts-c, written blind by another helper,
 * copied to tests/fixtures/contracts-heldout2). It was run exactly once, after the method of the
 * second round was final (commit 6457c90): precision 0.917, recall 0.733, verdicts 10/14. These
 * tests assert what passed then; what failed is listed as measured, not hidden by bending
 * expected.json. A general fix that makes a listed failure pass should remove it from this list.
 */
// All four mended by general fixes on branch s14d (wrap by character count, rent/fees in the
// unilateral rule, a cap denied as 不以…为限, gifts to a person reached through 参与 wording); the set
// is diagnostic since then, no longer unseen.
const KNOWN_FAILURES: KnownFailures = {};

describeContractSet('precheck second held-out set: what passed on the one run', 'contracts-heldout2', KNOWN_FAILURES);

import { describeContractSet, type KnownFailures } from '../helpers/contract-set.js';

/**
 * The third held-out set of issue 14 (contracts-e: 22 contracts, 3 of them PDF and 3 .docx, written blind by a
 * helper who read only the rule file and the samples), run exactly once after the round-d pre-check was merged
 * (commit 1618c6e): precision 0.655, recall 0.905, verdicts 17/22 (on main before that round: 0.576 / 0.905 /
 * 17/22). These tests assert what passed on that run; the failures are listed as measured. A general fix that
 * makes one pass removes it from this list — the set is diagnostic from now on, no longer a held-out measure.
 */
// Diagnostic since that run: its failures were read and mended in general form (round e, tests in
// reading-round-e.test.ts); all seven pass now, so this set no longer measures unseen contracts.
const KNOWN_FAILURES: KnownFailures = {};

describeContractSet('precheck third held-out set: what passed on the one run', 'contracts-heldout3', KNOWN_FAILURES);

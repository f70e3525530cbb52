import { describeContractSet, type KnownFailures } from '../helpers/contract-set.js';

/**
 * The first held-out set of issue 14 (written blind by another helper, run once after the first
 * method was final: precision 0.773, recall 0.630, verdicts 11/15). It has been LOOKED AT since:
 * its failures were diagnosed and the classes they belong to fixed in general form (each with its
 * own positive and negative test in tests/precheck/generalise.test.ts, worded unlike this set), so
 * it is a diagnostic set now, no longer an estimate of unseen contracts. What still fails is listed
 * here, not hidden by bending expected.json.
 */
/** After the second round of fixes: precision 1.000, recall 1.000, verdicts 15/15 — nothing left to list. */
const KNOWN_FAILURES: KnownFailures = {};

describeContractSet('precheck diagnostic set (the first held-out set, looked at)', 'contracts-diagnostic', KNOWN_FAILURES);

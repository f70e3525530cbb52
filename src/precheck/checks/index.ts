import { amountMismatch } from './amount.mismatch.js';
import { depositOverCap } from './deposit.over-cap.js';
import { disputeAmbiguous } from './dispute.ambiguous.js';
import { disputeMissing } from './dispute.missing.js';
import { partiesMissing } from './parties.missing.js';
import { creditRequired } from './payment.credit-required.js';
import type { CheckDefinition } from './types.js';

export type { CheckContext, CheckDefinition, CheckHit } from './types.js';

/** Computed checks by the name `contract.yaml` uses; each file is named after the rule it serves. */
export const CHECKS: Record<string, CheckDefinition> = {
  partiesMissing,
  amountMismatch,
  depositOverCap,
  disputeAmbiguous,
  disputeMissing,
  creditRequired,
};

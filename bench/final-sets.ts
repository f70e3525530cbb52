/**
 * The question sets kept aside as final tests. `heldout8` is the lead's final blind set: no fit or
 * cross-validation script reads it, whatever it is asked. Earlier final sets (heldout5–heldout7) were
 * reported once before and once after their round and are tuning data since.
 */
export const FINAL_SETS = ['heldout8'] as const;

/** Throws when `sets` names a final set (or one of `alsoRefused`): they are never fitted on. */
export function refuseFinalSets(sets: string[], alsoRefused: string[] = []): void {
  const refused = sets.filter((s) => (FINAL_SETS as readonly string[]).includes(s) || alsoRefused.includes(s));
  if (refused.length) throw new Error(`${refused.join(', ')}: final test set, never fitted on or cross-validated here`);
}

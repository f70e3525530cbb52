/**
 * The question sets kept aside as final tests. `heldout7` is the lead's final blind set: no fit or
 * cross-validation script reads it, whatever it is asked. A script may refuse more (the ranking fit
 * still treats heldout5 and heldout6 as spent final sets; the answerability fit uses them).
 */
export const FINAL_SETS = ['heldout7'] as const;

/** Throws when `sets` names a final set (or one of `alsoRefused`): they are never fitted on. */
export function refuseFinalSets(sets: string[], alsoRefused: string[] = []): void {
  const refused = sets.filter((s) => (FINAL_SETS as readonly string[]).includes(s) || alsoRefused.includes(s));
  if (refused.length) throw new Error(`${refused.join(', ')}: final test set, never fitted on or cross-validated here`);
}

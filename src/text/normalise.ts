import { toSimplified } from './script.js';

/** Index form: Simplified script, no whitespace, full-width ASCII folded, lower case. */
export function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC')).replace(/\s+/gu, '').toLowerCase();
}

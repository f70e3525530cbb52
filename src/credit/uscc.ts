/**
 * 统一社会信用代码 (Unified Social Credit Code), GB 32100-2015.
 * 18 characters from a 31-symbol alphabet (digits and capitals without I, O, Z, S, V);
 * the 18th is a mod-31 check character over the first 17.
 */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export const USCC_LENGTH = 18;

/** Trims and upper-cases, so a code typed in lower case or with stray spaces still matches. */
export function normalizeUscc(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** The check character for the first 17 characters, or null when one of them is outside the alphabet. */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== WEIGHTS.length) return null;
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) {
    const value = ALPHABET.indexOf(first17[i]!);
    if (value < 0) return null;
    sum += value * WEIGHTS[i]!;
  }
  const check = 31 - (sum % 31);
  return ALPHABET[check === 31 ? 0 : check]!;
}

export type UsccProblem = 'length' | 'charset' | 'check';

/** Why a (normalised) code is invalid, or null when it is valid. */
export function usccProblem(code: string): UsccProblem | null {
  if (code.length !== USCC_LENGTH) return 'length';
  for (const ch of code) if (!ALPHABET.includes(ch)) return 'charset';
  return usccCheckChar(code.slice(0, 17)) === code[17] ? null : 'check';
}

export function isValidUscc(raw: string): boolean {
  return usccProblem(normalizeUscc(raw)) === null;
}

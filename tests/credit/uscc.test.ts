import { describe, expect, it } from 'vitest';
import { isValidUscc, normalizeUscc, usccCheckChar, usccProblem } from '../../src/credit/uscc.js';
import { VALID_USCC, VALID_USCC_ZERO_CHECK } from '../fixtures/credit/applications.js';

describe('USCC check character (GB 32100-2015)', () => {
  it('computes the check character of a code worked by hand', () => {
    // 9 1 3 5 0 1 0 0 M(21) 0 0 0 1 0 0 Y(30) 4 against weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    // 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640;
    // 1640 mod 31 = 28; 31 - 28 = 3.
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidUscc(VALID_USCC)).toBe(true);
  });

  it('maps 31 to the character 0', () => {
    // 9 + 3 + 36 + 108 + 0 + 78 + 0 + 0 + 140 + 29 + 125 + 26 + 48 + 168 + 20 + 180 + 84 = 1054 = 34 × 31
    expect(usccCheckChar('91440300715267263')).toBe('0');
    expect(isValidUscc(VALID_USCC_ZERO_CHECK)).toBe(true);
  });

  it('maps check values above 9 to letters of the 31-symbol alphabet', () => {
    // Changing the 17th character from 4 to 5 adds 28 to the sum: 1668 mod 31 = 25, 31 - 25 = 6.
    expect(usccCheckChar('91350100M000100Y5')).toBe('6');
    // 1640 - 112 + 0 = 1528 (17th char 0): 1528 mod 31 = 9, 31 - 9 = 22 → N (A=10 … H=17, J=18, K, L, M=21, N=22).
    expect(usccCheckChar('91350100M000100Y0')).toBe('N');
  });

  it('rejects a wrong check character, wrong length and forbidden letters', () => {
    expect(usccProblem('91350100M000100Y44')).toBe('check');
    expect(usccProblem('91350100M000100Y4')).toBe('length');
    expect(usccProblem('91350100M000100Y433')).toBe('length');
    // I, O, S, V, Z are not in the alphabet (they look like digits).
    expect(usccProblem('91350100I000100Y43')).toBe('charset');
    expect(usccProblem('91350100O000100Y43')).toBe('charset');
    expect(usccProblem('9135010OS000100Y43')).toBe('charset');
    expect(isValidUscc('')).toBe(false);
    // Swapping two characters changes the weighted sum and must be caught.
    expect(isValidUscc('19350100M000100Y43')).toBe(false);
  });

  it('normalises case and spaces before checking', () => {
    expect(normalizeUscc(' 91350100m000100y43 ')).toBe(VALID_USCC);
    expect(isValidUscc('91350100 m000 100y43')).toBe(true);
  });
});

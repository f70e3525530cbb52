import { readFileSync } from 'node:fs';
import { validateApplication, type FieldError } from './application.js';
import { loadCreditPolicy, type CreditPolicy } from './policy.js';
import { scoreApplication, type CreditScore } from './score.js';

export type CreditCliResult = CreditScore | { ok: false; errors: FieldError[] };

/**
 * `cli credit <file.json> --json`: scoring only, no workflow. A file that cannot be read or
 * parsed is reported like a field error (field `(file)`) so the caller has one error shape
 * and one exit code (2) for every bad input. A broken policy file throws DataFileError:
 * that is a deployment fault, not the rep's.
 */
export function creditFileToJson(
  file: string,
  options: { policy?: CreditPolicy; now?: Date } = {},
): CreditCliResult {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    return { ok: false, errors: [{ field: '(file)', message: `无法读取文件 / cannot read ${file} (${code})` }] };
  }
  let input: unknown;
  try {
    input = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch (err) {
    return {
      ok: false,
      errors: [{ field: '(file)', message: `不是有效的 JSON / not valid JSON: ${(err as Error).message}` }],
    };
  }
  const validated = validateApplication(input, options.now);
  if (!validated.ok) return { ok: false, errors: validated.errors };
  return scoreApplication(validated.application, options.policy ?? loadCreditPolicy());
}

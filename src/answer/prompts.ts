import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Prompt templates live in files so the compliance team can tune wording without touching code. */
export interface PromptTemplates {
  answerSystem: string;
  answerUser: string;
  condense: string;
  /** Rewrites a question into the handbook's vocabulary as search queries (multi-query). */
  rewrite: string;
}

const FILES: Record<keyof PromptTemplates, string> = {
  answerSystem: 'answer.system.md',
  answerUser: 'answer.user.md',
  condense: 'condense.md',
  rewrite: 'rewrite.md',
};

/** The repository's own prompts/ folder, for runs started from another working directory. */
const BUNDLED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts');

export class PromptsMissingError extends Error {
  constructor(public readonly missing: string[]) {
    super(`Prompt template files not found: ${missing.join(', ')}`);
    this.name = 'PromptsMissingError';
  }
}

/** Loads all templates from `dir` (falling back to the bundled folder per file); throws naming missing files. */
export function loadPromptTemplates(dir: string): PromptTemplates {
  const missing: string[] = [];
  const read = (file: string): string => {
    for (const base of [path.resolve(dir), BUNDLED_DIR]) {
      const p = path.join(base, file);
      if (existsSync(p)) return readFileSync(p, 'utf8');
    }
    missing.push(path.join(dir, file));
    return '';
  };
  const templates = {
    answerSystem: read(FILES.answerSystem),
    answerUser: read(FILES.answerUser),
    condense: read(FILES.condense),
    rewrite: read(FILES.rewrite),
  };
  if (missing.length) throw new PromptsMissingError(missing);
  return templates;
}

/**
 * Fills `{{name}}` placeholders in one pass, so text inserted for one placeholder (a question that
 * happens to contain "{{passages}}") is never expanded again. Unknown placeholders are left as is.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole,
  );
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadDataFile } from '../data-files/data-file.js';
import { normalise } from '../text/normalise.js';

/**
 * How a question asks (knowledge/question-forms.yaml): for a rule (may I, must I, what do I do, who
 * approves) or for a fact (how many, when, where, how it stands). Two features of the answerability
 * model, weighed there with coverage; not a decision on their own.
 */
export const QUESTION_FORMS = ['rule', 'fact'] as const;
export type QuestionForm = (typeof QUESTION_FORMS)[number];

const patterns = z.array(
  z.string().min(1).superRefine((source, ctx) => {
    try {
      new RegExp(source, 'u');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
    }
  }),
);
const formSchema = z
  .object({
    why: z.string().min(1),
    zh: patterns.default([]),
    en: patterns.default([]),
    /** A question matching one of these does not ask in this form, whatever else matches (Chinese and English alike). */
    unless: patterns.default([]),
  })
  .strict();
const formsSchema = z.object({ forms: z.object({ rule: formSchema, fact: formSchema }).strict() }).strict();

export interface QuestionForms {
  /** Whether the question asks in each form (QUESTION_FORMS order): 1 or 0. */
  of(question: string): number[];
}

export function buildQuestionForms(file: z.output<typeof formsSchema>): QuestionForms {
  const compile = (ps: string[]) => ps.map((p) => new RegExp(p, 'u'));
  const compiled = QUESTION_FORMS.map((f) => ({ zh: compile(file.forms[f].zh), en: compile(file.forms[f].en), unless: compile(file.forms[f].unless) }));
  return {
    of(question) {
      const simplified = normalise(question);
      const spaced = question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
      const asks = ({ zh, en, unless }: (typeof compiled)[number]) =>
        (zh.some((p) => p.test(simplified)) || en.some((p) => p.test(spaced))) && !unless.some((p) => p.test(simplified) || p.test(spaced));
      return compiled.map((form) => (asks(form) ? 1 : 0));
    },
  };
}

export function loadQuestionForms(file: string): QuestionForms {
  return buildQuestionForms(loadDataFile(file, formsSchema));
}

/** The shipped file; found next to the code both from src/ (tsx) and from dist/ (the build). */
export const DEFAULT_QUESTION_FORMS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../knowledge/question-forms.yaml');

let shipped: QuestionForms | undefined;

/** The shipped question forms of a question (QUESTION_FORMS order). */
export function questionForms(question: string): number[] {
  shipped ??= loadQuestionForms(DEFAULT_QUESTION_FORMS_FILE);
  return shipped.of(question);
}

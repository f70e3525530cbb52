import { z } from 'zod';
import { loadDataFile } from '../data-files/data-file.js';

const ruleSchema = z.object({
  id: z.string().min(1),
  why: z.string().optional(),
  pattern: z.string().min(1),
  flags: z.string().regex(/^[gimsuy]*$/, 'flags may only contain g, i, m, s, u, y').optional(),
  replace: z.string().optional(),
});

const compiles = (r: z.infer<typeof ruleSchema>, ctx: z.RefinementCtx) => {
  try {
    new RegExp(r.pattern, r.flags ?? 'u');
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['pattern'], message: `invalid regular expression: ${(err as Error).message}` });
  }
};

const checkedRule = ruleSchema.superRefine(compiles);

export const cleaningSchema = z.object({
  inline: z.array(checkedRule).default([]),
  titles: z.array(checkedRule).default([]),
  lines: z.array(checkedRule).default([]),
  truncate: z.array(checkedRule).default([]),
  tidy: z.array(checkedRule).default([]),
  titleStops: z.array(z.string().min(1)).default([]),
  sections: z
    .array(
      z
        .object({
          id: z.string().min(1),
          pattern: z.string().min(1),
          numerals: z.enum(['cjk', 'arabic']),
          title: z.enum(['line-or-inline', 'inline', 'colon', 'toc', 'none']),
          label: z.string().includes('{n}', { message: 'label must contain {n}' }),
          anywhere: z.boolean().default(false),
        })
        .superRefine((r, ctx) => compiles({ id: r.id, pattern: r.pattern }, ctx)),
    )
    .default([]),
});

export type CleaningRules = z.infer<typeof cleaningSchema>;

export function loadCleaningRules(file: string): CleaningRules {
  return loadDataFile(file, cleaningSchema);
}

export interface CleanedDocument {
  title: string | null;
  text: string;
}

/** Told what each rule took out (the knowledge-base upload preview shows it); `removed` is the text dropped. */
export type CleaningReport = (ruleId: string, removed: string) => void;

/** Applies the data-driven cleaning rules (see knowledge/cleaning.yaml for the why of each). */
export function cleanDocument(raw: string, rules: CleaningRules, report?: CleaningReport): CleanedDocument {
  let text = raw.replace(/\r\n?/g, '\n');
  for (const r of rules.inline) {
    const re = new RegExp(r.pattern, ensureGlobal(r.flags ?? 'gu'));
    if (report) for (const m of text.matchAll(re)) if (m[0]) report(r.id, m[0]);
    text = text.replace(re, r.replace ?? '');
  }

  let title: string | null = null;
  for (const r of rules.titles) {
    const m = new RegExp(r.pattern, withoutGlobal(r.flags ?? 'u')).exec(text);
    if (m?.[1]?.trim()) {
      title = m[1].trim();
      break;
    }
  }

  const dropLine = rules.lines.map((r) => new RegExp(r.pattern, withoutGlobal(r.flags ?? 'u')));
  const cutAt = rules.truncate.map((r) => new RegExp(r.pattern, withoutGlobal(r.flags ?? 'u')));
  const kept: string[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const cut = cutAt.findIndex((re) => re.test(line));
    if (cut >= 0) {
      report?.(rules.truncate[cut]!.id, lines.slice(i).join('\n'));
      break;
    }
    const drop = dropLine.findIndex((re) => re.test(line));
    if (drop >= 0) {
      report?.(rules.lines[drop]!.id, line);
      continue;
    }
    kept.push(line);
  }
  text = kept.join('\n');
  for (const r of rules.tidy) text = text.replace(new RegExp(r.pattern, ensureGlobal(r.flags ?? 'gu')), r.replace ?? '');
  text = text.trim();

  if (!title) {
    const first = text.split('\n').find((l) => l.trim())?.trim();
    if (first && [...first].length <= 40) title = first;
  }
  return { title, text };
}

function ensureGlobal(flags: string): string {
  return flags.includes('g') ? flags : `${flags}g`;
}
function withoutGlobal(flags: string): string {
  return flags.replace('g', '');
}

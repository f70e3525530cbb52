import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadDataFile } from '../data-files/data-file.js';
import { normalise } from '../text/normalise.js';

/**
 * What a question asks for, when it is something a policy handbook cannot hold whatever words it
 * shares with it: a place or the date of one particular event, a person's contact details, the
 * asker's own figures, a link or a template file, a password, a poem, live data. The patterns are
 * data (knowledge/asking-slots.yaml): an asking slot together with what fills it, never a topic
 * word alone, so 电话回访 asks for a rule and 张经理的电话是多少 for a number.
 */
export const UNANSWERABLE_KINDS = ['link', 'credential', 'task', 'it-support', 'contact', 'own-figure', 'identity', 'place', 'event-date', 'live-data'] as const;
export type UnanswerableKind = (typeof UNANSWERABLE_KINDS)[number];

const FRAGMENT_REF = /\{([a-z_]+)\}/g;

const slotsSchema = z
  .object({
    fragments: z.record(z.string().regex(/^[a-z_]+$/, 'fragment names are lower-case words'), z.string().min(1)).default({}),
    slots: z
      .array(
        z
          .object({
            kind: z.enum(UNANSWERABLE_KINDS),
            why: z.string().min(1),
            zh: z.array(z.string().min(1)).default([]),
            en: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    file.slots.forEach((slot, i) => {
      for (const lang of ['zh', 'en'] as const) {
        slot[lang].forEach((source, j) => {
          const path = ['slots', i, lang, j];
          for (const [, name] of source.matchAll(FRAGMENT_REF)) {
            if (!(name! in file.fragments)) ctx.addIssue({ code: 'custom', path, message: `unknown fragment {${name}}` });
          }
          try {
            compile(source, file.fragments);
          } catch (err) {
            ctx.addIssue({ code: 'custom', path, message: `not a valid regular expression: ${(err as Error).message}` });
          }
        });
      }
    });
  });

function compile(source: string, fragments: Record<string, string>): RegExp {
  return new RegExp(source.replace(FRAGMENT_REF, (whole, name: string) => (name in fragments ? `(?:${fragments[name]})` : whole)), 'u');
}

export interface AskingSlots {
  /** The kind of thing asked for, when no policy text can supply it; null for every other question. */
  kindOf(question: string): UnanswerableKind | null;
}

export function buildAskingSlots(file: z.output<typeof slotsSchema>): AskingSlots {
  const zh = file.slots.flatMap((s) => s.zh.map((p) => [s.kind, compile(p, file.fragments)] as const));
  const en = file.slots.flatMap((s) => s.en.map((p) => [s.kind, compile(p, file.fragments)] as const));
  return {
    kindOf(question) {
      const simplified = normalise(question);
      // Slot order is the file's order, whichever language matched.
      const spaced = question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
      for (const [kind, pattern] of zh) if (pattern.test(simplified)) return kind;
      for (const [kind, pattern] of en) if (pattern.test(spaced)) return kind;
      return null;
    },
  };
}

export function loadAskingSlots(file: string): AskingSlots {
  return buildAskingSlots(loadDataFile(file, slotsSchema));
}

/** The shipped file; found next to the code both from src/ (tsx) and from dist/ (the build). */
export const DEFAULT_ASKING_SLOTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../knowledge/asking-slots.yaml');

let shipped: AskingSlots | undefined;

/** The kind of thing asked for (shipped asking slots), or null when the question may ask for a rule. */
export function unanswerableKind(question: string): UnanswerableKind | null {
  shipped ??= loadAskingSlots(DEFAULT_ASKING_SLOTS_FILE);
  return shipped.kindOf(question);
}

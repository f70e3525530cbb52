import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { toSimplified } from '../text/script.js';
import { DataFileError } from '../data-files/data-file.js';
import type { CaseStudy, SourceProblem } from './types.js';
import { parseLocated } from '../data-files/located-yaml.js';

/**
 * The case library: one Markdown file per case under knowledge/cases/, YAML front matter plus
 * four fixed sections. Loading fails loudly, naming file and line, so a broken case never
 * silently drops out of the digest rotation.
 */

export const CASE_SECTIONS = {
  what: '经过',
  rule: '违反的规定',
  consequences: '后果',
  lesson: '教训',
} as const;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const caseFrontMatterSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'id: lowercase letters, digits and hyphens'),
    title: nonEmpty,
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'tags: lowercase letters, digits and hyphens')).min(1),
    riskArea: nonEmpty,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date: expected YYYY-MM-DD'),
    source: z.enum(['internal', 'external']),
    summary: nonEmpty.refine((s) => s.trim().split('\n').filter((l) => l.trim()).length <= 3, {
      message: 'summary: at most 3 lines',
    }),
    handbookRef: z.object({ document: nonEmpty, section: nonEmpty }).strict(),
    handbookTopic: nonEmpty,
  })
  .strict();

interface LoadCaseOptions {
  /** When given, handbookRef.document must name a document in this folder (file stem). */
  handbookDir?: string;
  /** Path used in messages (defaults to the path given). */
  displayPath?: string;
}

function splitFrontMatter(text: string): { yaml: string; body: string; bodyLine: number } | null {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return null;
  const bodyLine = m[0].split('\n').length; // line number (1-based) where the body starts, minus 1
  return { yaml: m[1]!, body: text.slice(m[0].length), bodyLine };
}

function splitSections(body: string, bodyLine: number): Map<string, { text: string; line: number }> {
  const out = new Map<string, { text: string; line: number }>();
  let current: string | null = null;
  let buf: string[] = [];
  let startLine = 0;
  const flush = () => {
    if (current !== null) out.set(current, { text: buf.join('\n').trim(), line: startLine });
  };
  body.split(/\r?\n/).forEach((line, i) => {
    const h = /^##\s+(.+?)\s*$/.exec(line);
    if (h) {
      flush();
      current = h[1]!;
      buf = [];
      startLine = bodyLine + i + 1;
    } else if (current !== null) buf.push(line);
  });
  flush();
  return out;
}

function handbookDocuments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => toSimplified(path.parse(f).name));
}

/** Parses one case file; problems are appended rather than thrown so a load reports them all. */
export function parseCase(
  text: string,
  file: string,
  problems: SourceProblem[],
  knownDocuments?: string[],
): CaseStudy | null {
  const before = problems.length;
  const fm = splitFrontMatter(text);
  if (!fm) {
    problems.push({ file, line: 1, message: "missing front matter (the file must start with '---')" });
    return null;
  }
  // Front matter starts on line 2 (after the opening '---').
  const located = parseLocated(fm.yaml, 1);
  for (const e of located.syntaxErrors) problems.push({ file, line: e.line, message: `YAML: ${e.message}` });
  if (problems.length > before) return null;

  const parsed = caseFrontMatterSchema.safeParse(located.doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.join('.') || '(front matter)';
      problems.push({ file, line: located.lineOf(issue.path), message: `${where}: ${issue.message}` });
    }
    return null;
  }
  const meta = parsed.data;
  if (knownDocuments && knownDocuments.length > 0) {
    const wanted = toSimplified(meta.handbookRef.document);
    if (!knownDocuments.some((d) => d === wanted || d.includes(wanted) || wanted.includes(d))) {
      problems.push({
        file,
        line: located.lineOf(['handbookRef', 'document']),
        message: `handbookRef.document: '${meta.handbookRef.document}' is not a handbook document`,
      });
    }
  }

  const sections = splitSections(fm.body, fm.bodyLine);
  const found: Partial<CaseStudy['sections']> = {};
  for (const [key, heading] of Object.entries(CASE_SECTIONS) as [keyof CaseStudy['sections'], string][]) {
    const s = sections.get(heading);
    if (!s) problems.push({ file, line: fm.bodyLine + 1, message: `missing section '## ${heading}'` });
    else if (!s.text) problems.push({ file, line: s.line, message: `section '## ${heading}' is empty` });
    else found[key] = s.text;
  }
  if (problems.length > before) return null;

  return {
    ...meta,
    summary: meta.summary.trim(),
    sections: found as CaseStudy['sections'],
    file,
  };
}

/** Loads every `*.md` in the folder (sorted by file name); throws DataFileError listing all problems. */
export function loadCases(dir: string, options: LoadCaseOptions = {}): CaseStudy[] {
  const shown = options.displayPath ?? dir;
  const problems: SourceProblem[] = [];
  const docs = options.handbookDir ? handbookDocuments(options.handbookDir) : undefined;
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
        .sort()
    : [];
  const cases: CaseStudy[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const display = path.join(shown, f);
    const c = parseCase(readFileSync(path.join(dir, f), 'utf8'), display, problems, docs);
    if (!c) continue;
    const other = seen.get(c.id);
    if (other) {
      problems.push({ file: display, line: 2, message: `id '${c.id}' is already used by ${other}` });
      continue;
    }
    seen.set(c.id, display);
    cases.push(c);
  }
  if (problems.length) throw new DataFileError(shown, problems, 'Invalid case library');
  return cases;
}

/** Cases matching a tag filter (any of the tags); no filter = all. */
export function filterCases(cases: readonly CaseStudy[], tags?: readonly string[]): CaseStudy[] {
  if (!tags || tags.length === 0) return [...cases];
  return cases.filter((c) => c.tags.some((t) => tags.includes(t)));
}

import { z } from 'zod';
import { TOPIC_PATTERN } from './send-policy.js';

// The few lines above an e-mail template's MJML (`---` / `subject: …` / `---`). Strict on purpose:
// a misspelt key (`categroy:`) or value (`category: transactionnal`) is an error with its line, never
// silently marketing mail, and never a transactional e-mail sent without consent by accident.

export const TemplateFrontMatter = z.strictObject({
  subject: z.string().min(1, 'subject is empty').max(998, 'a subject is at most 998 characters (RFC 5322 line length)'),
  /** Unset: the caller's category decides, else marketing (the safe side: consent is checked). */
  category: z.enum(['marketing', 'transactional'], 'category is marketing or transactional').optional(),
  topic: z.string().regex(TOPIC_PATTERN, 'a topic is lowercase letters, digits and _').optional(),
  /** `tracking: off` sends links as written and no open pixel. */
  tracking: z.enum(['on', 'off'], 'tracking is on or off').optional(),
  /** A named sender identity (MAIL_SENDERS). */
  sender: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a sender is the name of an identity in MAIL_SENDERS').optional(),
});
export type TemplateFrontMatter = z.infer<typeof TemplateFrontMatter>;

export interface FrontMatterProblem {
  line: number;
  reason: string;
}

export interface SplitTemplate {
  /** The raw `key: value` entries, each with its line in the source. */
  entries: { key: string; value: string; line: number; colon: boolean }[];
  body: string;
  /** Lines before the body in the source: a body line n is source line n + bodyLineOffset. */
  bodyLineOffset: number;
  /** Whether the source had a front-matter block at all. */
  present: boolean;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

/** Splits the front matter from the MJML body, keeping each entry's line for error messages. */
export function splitTemplateSource(source: string): SplitTemplate {
  const match = FRONT_MATTER.exec(source);
  if (match === null) return { entries: [], body: source, bodyLineOffset: 0, present: false };
  const entries: SplitTemplate['entries'] = [];
  (match[1] ?? '').split(/\r?\n/).forEach((text, index) => {
    if (text.trim() === '' || text.trimStart().startsWith('#')) return;
    const separator = text.indexOf(':');
    // Line 1 is the opening `---`.
    entries.push(separator > 0 ? { key: text.slice(0, separator).trim(), value: text.slice(separator + 1).trim(), line: index + 2, colon: true } : { key: text.trim(), value: '', line: index + 2, colon: false });
  });
  return { entries, body: source.slice(match[0].length), bodyLineOffset: match[0].split('\n').length - 1, present: true };
}

/** The front matter parsed by the schema, or every problem with its line. */
export function parseFrontMatter(split: SplitTemplate): { ok: true; value: TemplateFrontMatter } | { ok: false; problems: FrontMatterProblem[] } {
  const problems: FrontMatterProblem[] = [];
  const raw: Record<string, string> = {};
  const lineOf = new Map<string, number>();
  for (const entry of split.entries) {
    if (!entry.colon) {
      problems.push({ line: entry.line, reason: 'front matter line is not "key: value"' });
      continue;
    }
    if (lineOf.has(entry.key)) {
      problems.push({ line: entry.line, reason: `${entry.key} is set twice (first on line ${lineOf.get(entry.key)})` });
      continue;
    }
    raw[entry.key] = entry.value;
    lineOf.set(entry.key, entry.line);
  }
  const parsed = TemplateFrontMatter.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const known = Object.keys(TemplateFrontMatter.shape).join(', ');
        for (const key of issue.keys) problems.push({ line: lineOf.get(key) ?? 1, reason: `unknown front matter key "${key}": the keys are ${known}` });
        continue;
      }
      const key = String(issue.path[0] ?? '');
      if (key === 'subject' && !lineOf.has('subject')) problems.push({ line: 1, reason: 'front matter has no subject' });
      else problems.push({ line: lineOf.get(key) ?? 1, reason: issue.message });
    }
  }
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, value: parsed.data as TemplateFrontMatter };
}

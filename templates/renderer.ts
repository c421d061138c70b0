import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert as htmlToText } from 'html-to-text';
import { Liquid, type LiquidOptions } from 'liquidjs';
import mjml2html from 'mjml';
import { compileLiquid, type CompiledLiquid } from './liquid-compiler.js';
import { formatMoney } from '../domain/money.js';

export const TEMPLATES_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  meta: TemplateMeta;
}

/** What the front matter says beside the subject. */
export interface TemplateMeta {
  /** Unset: the caller's category decides, else marketing (the safe side: consent is checked). */
  category?: 'marketing' | 'transactional';
  topic?: string;
  /** `tracking: off` sends links as written and no open pixel. */
  tracking: boolean;
  /** A named sender identity (MAIL_SENDERS). */
  sender?: string;
}

/** A template ready to send: per recipient only these three functions run. */
export interface CompiledTemplate {
  subject: CompiledLiquid;
  html: CompiledLiquid;
  text: CompiledLiquid;
  meta: TemplateMeta;
  /** The Liquid each function was compiled from (the HTML and text with MJML already applied). */
  liquid: { subject: string; html: string; text: string };
}

/**
 * HTML output escapes personal data (a first name is not markup); the subject and text part do not.
 * Exported so tests and the bench can render the same Liquid with liquidjs itself.
 */
export const LIQUID_OPTIONS = {
  html: { outputEscape: 'escape' },
  text: {},
} as const satisfies Record<'html' | 'text', LiquidOptions>;

/**
 * The Liquid engines every e-mail is parsed with: liquidjs's filters plus `money` (amount, currency,
 * locale), so prices read as the recipient's language writes them.
 */
export function createEmailLiquid(kind: 'html' | 'text'): Liquid {
  const liquid = new Liquid(LIQUID_OPTIONS[kind]);
  liquid.registerFilter('money', (amount: unknown, currency?: unknown, locale?: unknown) => formatMoney(amount, currency, locale));
  return liquid;
}

function renderCompiled(template: CompiledTemplate, data: Record<string, unknown>): RenderedEmail {
  return { subject: template.subject(data).trim(), html: template.html(data), text: template.text(data), meta: template.meta };
}

/** The source line of the `subject:` front-matter entry (Liquid errors in the subject are reported on it). */
function subjectLineOf(source: string): number {
  const index = source.split(/\r?\n/).findIndex((line) => line.startsWith('subject:'));
  return index < 0 ? 1 : index + 1;
}

function metaOf(front: Record<string, string>): TemplateMeta {
  const category = front['category'];
  return {
    ...(category === 'marketing' || category === 'transactional' ? { category } : {}),
    ...(front['topic'] === undefined ? {} : { topic: front['topic'] }),
    tracking: front['tracking'] !== 'off',
    ...(front['sender'] === undefined ? {} : { sender: front['sender'] }),
  };
}

export interface TemplateProblem {
  line?: number;
  reason: string;
}

export interface TemplateReport {
  valid: boolean;
  problems: TemplateProblem[];
  /** As the send path will treat it: a template without a category is marketing. */
  category: 'marketing' | 'transactional' | null;
  /** Every Liquid variable the template reads, as dotted paths. */
  variables: string[];
}

const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * What the send path puts beside `contact`: callers add `event`, `coupon`, `newsletter` through `data`;
 * a sales hand-off notice adds `handoff` (the lead summary) and `notice` (first, reminder, escalation).
 */
export const KNOWN_VARIABLE_ROOTS = ['contact', 'event', 'lastEvent', 'journey', 'coupon', 'newsletter', 'site', 'handoff', 'notice', 'unsubscribe_url', 'preferences_url', 'confirm_url'] as const;

export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly problems: readonly { line?: number; reason: string }[],
  ) {
    super(
      `Template ${template}: ${problems.map((p) => (p.line === undefined ? p.reason : `line ${p.line}: ${p.reason}`)).join('; ')}`,
    );
    this.name = 'TemplateError';
  }
}

/**
 * Splits the optional front matter (`---` / `subject: ...` / `---`) from the MJML body.
 * The subject lives beside the body so a marketer edits one file per e-mail.
 */
function splitFrontMatter(source: string): { meta: Record<string, string>; body: string; bodyLineOffset: number } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(source);
  if (match === null) return { meta: {}, body: source, bodyLineOffset: 0 };
  const meta: Record<string, string> = {};
  for (const line of (match[1] ?? '').split(/\r?\n/)) {
    const separator = line.indexOf(':');
    if (separator > 0) meta[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return { meta, body: source.slice(match[0].length), bodyLineOffset: match[0].split('\n').length - 1 };
}

/**
 * Compiles each MJML template once (MJML → HTML costs milliseconds) and keeps the result with its
 * Liquid placeholders intact; per recipient only the Liquid personalisation runs.
 */
export class TemplateRenderer {
  private readonly compiled = new Map<string, Promise<CompiledTemplate>>();
  // liquidjs parses (its syntax, its errors); liquid-compiler.ts turns the parse into the functions that render.
  private readonly htmlLiquid = createEmailLiquid('html');
  private readonly textLiquid = createEmailLiquid('text');

  constructor(private readonly directory: string = TEMPLATES_DIR) {}

  render(name: string, data: Record<string, unknown>): Promise<RenderedEmail> {
    return this.compile(name).then((template) => renderCompiled(template, data));
  }

  compile(name: string): Promise<CompiledTemplate> {
    let compiled = this.compiled.get(name);
    if (compiled === undefined) {
      compiled = this.compileFromDisk(name);
      // A failed compile is not cached: the marketer fixes the file and the next send picks it up.
      compiled.catch(() => this.compiled.delete(name));
      this.compiled.set(name, compiled);
    }
    return compiled;
  }

  private async compileFromDisk(name: string): Promise<CompiledTemplate> {
    return this.compileSource(name, await this.readSource(name));
  }

  /** The MJML source of a template in the templates folder. */
  async readSource(name: string): Promise<string> {
    if (!TEMPLATE_NAME.test(name)) throw new TemplateError(name, [{ reason: 'invalid template name: lowercase letters, digits, - and _' }]);
    return readFile(path.join(this.directory, `${name}.mjml`), 'utf8').catch(() => {
      throw new TemplateError(name, [{ reason: `no file ${name}.mjml in ${this.directory}` }]);
    });
  }

  // The folder, not the file, is MJML's filePath: includes resolve from it, and a draft has no file yet.
  private async mjmlToHtml(body: string, bodyLineOffset: number): Promise<{ html: string; problems: TemplateProblem[] }> {
    // MJML 5 ignores <mj-include> unless told otherwise; partials are only read from the templates folder.
    const options = { validationLevel: 'strict', filePath: this.directory, fonts: {}, keepComments: false, ignoreIncludes: false, includePath: this.directory };
    // Strict validation throws its errors; MJML's own syntax errors come back in the result.
    const result = await mjml2html(body, options as Parameters<typeof mjml2html>[1]).catch((error: unknown) => {
      const errors = (error as { errors?: { line: number; message: string }[] }).errors;
      if (errors !== undefined) return { html: '', errors };
      // Input that is not MJML at all ("Parsing failed. Check your mjml.") is the author's error too.
      const message = error instanceof Error ? error.message : String(error);
      return { html: '', errors: [{ line: 1, message }] };
    });
    return { html: result.html, problems: result.errors.map((error) => ({ line: error.line + bodyLineOffset, reason: error.message })) };
  }

  /**
   * Liquid syntax errors and constructs the compiler does not support, each with its line in the
   * source (`lineOffset` lines precede `text` there); without a line when `lineOffset` is undefined
   * (HTML that MJML produced: its lines are nobody's).
   */
  private liquidProblems(liquid: Liquid, text: string, lineOffset: number | undefined): { render?: CompiledLiquid; problems: TemplateProblem[] } {
    const at = (line: number | undefined) => (line === undefined || lineOffset === undefined ? {} : { line: line + lineOffset });
    const where = lineOffset === undefined ? ' (in the HTML MJML made of the template and its partials)' : '';
    let parsed: ReturnType<Liquid['parse']>;
    try {
      parsed = liquid.parse(text);
    } catch (error) {
      const position = (error as { token?: { getPosition?: () => [number, number] } }).token?.getPosition?.();
      const message = error instanceof Error ? error.message.replace(/, line:\d+, col:\d+$/, '') : String(error);
      return { problems: [{ ...at(position?.[0]), reason: `Liquid: ${message}${where}` }] };
    }
    const compiled = compileLiquid(parsed, liquid);
    if (compiled.ok) return { render: compiled.render, problems: [] };
    return { problems: compiled.problems.map((problem) => ({ ...at(problem.line), reason: `Liquid: ${problem.reason}${where}` })) };
  }

  /** Compiles a template's source (from disk, or a draft being validated or previewed); not cached. */
  async compileSource(name: string, source: string): Promise<CompiledTemplate> {
    const { meta, body, bodyLineOffset } = splitFrontMatter(source);
    const subjectSource = meta['subject'];
    if (subjectSource === undefined) throw new TemplateError(name, [{ line: 1, reason: 'front matter has no subject' }]);
    // Checked on the source first, so a problem is reported on the marketer's line, not MJML's output.
    const subject = this.liquidProblems(this.textLiquid, subjectSource, subjectLineOf(source) - 1);
    const sourceProblems = [...subject.problems, ...this.liquidProblems(this.textLiquid, body, bodyLineOffset).problems];
    if (sourceProblems.length > 0) throw new TemplateError(name, sourceProblems);
    const { html, problems } = await this.mjmlToHtml(body, bodyLineOffset);
    if (problems.length > 0) throw new TemplateError(name, problems);
    const text = htmlToText(html, {
      wordwrap: 78,
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ],
    });
    const htmlPart = this.liquidProblems(this.htmlLiquid, html, undefined);
    const textPart = this.liquidProblems(this.textLiquid, text, undefined);
    if (subject.render === undefined || htmlPart.render === undefined || textPart.render === undefined) {
      throw new TemplateError(name, [...htmlPart.problems, ...textPart.problems]);
    }
    return { subject: subject.render, html: htmlPart.render, text: textPart.render, meta: metaOf(meta), liquid: { subject: subjectSource, html, text } };
  }

  /** Renders a template from its current source (or a draft), bypassing the send path's cache: for previews. */
  async preview(name: string, data: Record<string, unknown>, source?: string): Promise<RenderedEmail> {
    return renderCompiled(await this.compileSource(name, source ?? (await this.readSource(name))), data);
  }

  /**
   * Everything wrong with a template, each with its line where one is known: front matter, Liquid
   * syntax, MJML errors, variables the send path never provides, and a marketing e-mail without an
   * unsubscribe link. Nothing is thrown for a bad template; the report says why.
   */
  async validate(name: string, draft?: string, options: { extraVariables?: readonly string[] } = {}): Promise<TemplateReport> {
    let source: string;
    try {
      source = draft ?? (await this.readSource(name));
    } catch (error) {
      if (error instanceof TemplateError) return { valid: false, problems: [...error.problems], category: null, variables: [] };
      throw error;
    }
    const problems: TemplateProblem[] = [];
    const { meta, body, bodyLineOffset } = splitFrontMatter(source);
    const lines = source.split(/\r?\n/);
    const lineOf = (needle: string) => {
      const index = lines.findIndex((line) => line.includes(needle));
      return index < 0 ? undefined : index + 1;
    };
    if (meta['subject'] === undefined) problems.push({ line: 1, reason: 'front matter has no subject' });
    const category = meta['category'];
    if (category !== undefined && category !== 'marketing' && category !== 'transactional') problems.push({ line: lineOf('category:'), reason: 'category is marketing or transactional' });
    if (meta['tracking'] !== undefined && meta['tracking'] !== 'on' && meta['tracking'] !== 'off') problems.push({ line: lineOf('tracking:'), reason: 'tracking is on or off' });
    if (meta['topic'] !== undefined && !/^[a-z0-9][a-z0-9_]{0,39}$/.test(meta['topic'])) problems.push({ line: lineOf('topic:'), reason: 'a topic is lowercase letters, digits and _' });

    // Liquid syntax and constructs the compiler refuses, on the source so the line is the marketer's line.
    problems.push(...this.liquidProblems(this.textLiquid, meta['subject'] ?? '', subjectLineOf(source) - 1).problems);
    problems.push(...this.liquidProblems(this.textLiquid, body, bodyLineOffset).problems);

    const { html, problems: mjmlProblems } = await this.mjmlToHtml(body, bodyLineOffset);
    problems.push(...mjmlProblems.map((problem) => ({ ...problem, reason: `MJML: ${problem.reason}` })));
    // Partials arrive with MJML's output: what they hold is checked there.
    if (mjmlProblems.length === 0 && !problems.some((problem) => problem.reason.startsWith('Liquid:'))) {
      problems.push(...this.liquidProblems(this.htmlLiquid, html, undefined).problems);
    }

    let variables: string[] = [];
    if (mjmlProblems.length === 0 && !problems.some((problem) => problem.reason.startsWith('Liquid:'))) {
      // Variables as the send path sees them: the compiled HTML holds the partials' variables too.
      const segments = [...this.textLiquid.globalVariableSegmentsSync(this.textLiquid.parse(meta['subject'] ?? '')), ...this.htmlLiquid.globalVariableSegmentsSync(this.htmlLiquid.parse(html))];
      variables = [...new Set(segments.map((segment) => segment.map(String).join('.')))].sort();
      const known = new Set([...KNOWN_VARIABLE_ROOTS, ...(options.extraVariables ?? [])]);
      for (const variable of variables) {
        const root = variable.split('.')[0] ?? variable;
        if (!known.has(root)) problems.push({ line: lineOf(variable), reason: `unknown variable ${variable}: the send path provides ${[...known].join(', ')}` });
      }
      if (category !== 'transactional' && !variables.includes('unsubscribe_url')) {
        problems.push({ reason: 'a marketing e-mail needs an unsubscribe link: include ./partials/footer.mjml or link {{ unsubscribe_url }} (or set category: transactional)' });
      }
    }
    return { valid: problems.length === 0, problems, category: category === 'transactional' ? 'transactional' : 'marketing', variables };
  }
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert as htmlToText } from 'html-to-text';
import { Liquid, type LiquidOptions } from 'liquidjs';
import mjml2html from 'mjml';
import { compileLiquid, type CompiledLiquid } from './liquid-compiler.js';
import { formatMoney } from '../domain/money.js';
import { parseFrontMatter, splitTemplateSource, type TemplateFrontMatter } from '../domain/template-front-matter.js';

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

/** A template as the send path uses it: compiled, with the version it was compiled from. */
export interface ResolvedTemplate extends CompiledTemplate {
  /** The published version (a built-in file is version 1), written on the e-mail's row. */
  version: number;
}

export type TemplateKind = 'email' | 'partial';

/**
 * Templates stored through the API (db/template.repository.ts). Without one, the renderer sends
 * the files of its folder, each as version 1.
 */
export interface TemplateStore {
  /**
   * One read per send: the template's own row (absent for a file never mirrored) and every partial
   * stored through the API that has a published version.
   */
  lookup(name: string): Promise<TemplateLookup>;
  /** The source of one published version; undefined when there is no such version. */
  versionSource(name: string, version: number): Promise<string | undefined>;
}

export interface TemplateLookup {
  template?: { kind: TemplateKind; builtIn: boolean; publishedVersion: number | null };
  /** Published, not built-in partials: name → version. */
  partials: ReadonlyMap<string, number>;
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

/** Per recipient: the compiled template's three functions on the recipient's data. */
export function renderCompiled(template: CompiledTemplate, data: Record<string, unknown>): RenderedEmail {
  return { subject: template.subject(data).trim(), html: template.html(data), text: template.text(data), meta: template.meta };
}

function metaOf(front: TemplateFrontMatter): TemplateMeta {
  return {
    ...(front.category === undefined ? {} : { category: front.category }),
    ...(front.topic === undefined ? {} : { topic: front.topic }),
    tracking: front.tracking !== 'off',
    ...(front.sender === undefined ? {} : { sender: front.sender }),
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

const NO_STORED_TEMPLATES: TemplateLookup = { partials: new Map() };
// `<mj-include path="./partials/footer.mjml" />`, as the built-in templates write it.
const INCLUDE = /<mj-include\b([^>]*?)\/?>(?:\s*<\/mj-include>)?/g;
const PARTIAL_PATH = /^(?:\.{1,2}\/)*(?:partials\/)?([a-z0-9][a-z0-9_-]*)\.mjml$/;
const MAX_INCLUDE_DEPTH = 5;
// Compiled versions kept per process: a template, its versions in use, times the partial changes.
const COMPILED_LIMIT = 256;

/** A partial is MJML to put inside mj-body; it is checked and previewed inside an empty e-mail, lines unchanged. */
function wrapPartial(source: string): string {
  return `<mjml><mj-body>${source}\n</mj-body></mjml>`;
}

function newlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

/** Which stored partial versions a compile used: part of the cache key, so a published partial reaches every template. */
function stampOf(partials: ReadonlyMap<string, number>): string {
  if (partials.size === 0) return '';
  return `#${[...partials].map(([name, version]) => `${name}@${version}`).sort().join(',')}`;
}

/**
 * Compiles each MJML template once (MJML → HTML costs milliseconds) and keeps the result with its
 * Liquid placeholders intact; per recipient only the Liquid personalisation runs. With a store,
 * the send path sends the version published at send time (a stored template first, else the file
 * of the same name); compiled versions are cached by (name, version, partial versions).
 */
export class TemplateRenderer {
  private readonly compiled = new Map<string, Promise<ResolvedTemplate>>();
  // liquidjs parses (its syntax, its errors); liquid-compiler.ts turns the parse into the functions that render.
  private readonly htmlLiquid = createEmailLiquid('html');
  private readonly textLiquid = createEmailLiquid('text');

  constructor(
    readonly directory: string = TEMPLATES_DIR,
    private readonly store?: TemplateStore,
  ) {}

  render(name: string, data: Record<string, unknown>): Promise<RenderedEmail> {
    return this.resolve(name).then((template) => renderCompiled(template, data));
  }

  compile(name: string): Promise<ResolvedTemplate> {
    return this.resolve(name);
  }

  /** The template the send path sends now: its published version, compiled (once per version). */
  resolve(name: string): Promise<ResolvedTemplate> {
    if (!TEMPLATE_NAME.test(name)) return Promise.reject(new TemplateError(name, [{ reason: 'invalid template name: lowercase letters, digits, - and _' }]));
    // Without a store (tests of files, the render bench) the cached promise is answered as it is.
    if (this.store === undefined) return this.compiledFor(name, NO_STORED_TEMPLATES);
    return this.store.lookup(name).then((lookup) => this.compiledFor(name, lookup));
  }

  private compiledFor(name: string, lookup: TemplateLookup): Promise<ResolvedTemplate> {
    const row = lookup.template;
    if (row?.kind === 'partial') return Promise.reject(new TemplateError(name, [{ reason: `${name} is a partial: include it with <mj-include path="./partials/${name}.mjml" />` }]));
    const stored = row !== undefined && !row.builtIn;
    if (stored && row.publishedVersion === null) return Promise.reject(new TemplateError(name, [{ reason: `template ${name} has no published version: publish it first` }]));
    const version = stored ? (row.publishedVersion as number) : 1;
    const key = `${name}@${version}${stampOf(lookup.partials)}`;
    let compiled = this.compiled.get(key);
    if (compiled === undefined) {
      compiled = (async () => {
        const source = stored ? await this.storedSource(name, version) : await this.readSource(name);
        return { ...(await this.compileSource(name, source, { partials: lookup.partials })), version };
      })();
      // A failed compile is not cached: the marketer fixes the file and the next send picks it up.
      compiled.catch(() => this.compiled.delete(key));
      if (this.compiled.size >= COMPILED_LIMIT) this.compiled.delete(this.compiled.keys().next().value as string);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  private async storedSource(name: string, version: number): Promise<string> {
    const source = await this.store?.versionSource(name, version);
    if (source === undefined) throw new TemplateError(name, [{ reason: `template ${name} has no version ${version}` }]);
    return source;
  }

  /** The MJML source of a template in the templates folder. */
  async readSource(name: string): Promise<string> {
    if (!TEMPLATE_NAME.test(name)) throw new TemplateError(name, [{ reason: 'invalid template name: lowercase letters, digits, - and _' }]);
    return readFile(path.join(this.directory, `${name}.mjml`), 'utf8').catch(() => {
      throw new TemplateError(name, [{ reason: `no file ${name}.mjml in ${this.directory}` }]);
    });
  }

  /** What the send path would send now: the published stored version, else the file. */
  private async currentSource(name: string): Promise<string> {
    const row = this.store === undefined ? undefined : (await this.store.lookup(name)).template;
    if (row !== undefined && !row.builtIn && row.publishedVersion !== null) return this.storedSource(name, row.publishedVersion);
    return this.readSource(name);
  }

  private async publishedPartials(name: string): Promise<ReadonlyMap<string, number>> {
    return this.store === undefined ? NO_STORED_TEMPLATES.partials : (await this.store.lookup(name)).partials;
  }

  /** A partial's source: its published stored version, else the file in partials/. */
  private async partialSource(name: string, partials: ReadonlyMap<string, number>): Promise<string | undefined> {
    const version = partials.get(name);
    if (version !== undefined) return this.store?.versionSource(name, version);
    return readFile(path.join(this.directory, 'partials', `${name}.mjml`), 'utf8').catch(() => undefined);
  }

  /**
   * Puts each included partial in place of its `<mj-include>`, so a partial published through the
   * API reaches every template that includes it and no template reads an arbitrary file. `lineMap`
   * gives each output line's line in `body` (a partial's lines are its include's line).
   */
  private async expandIncludes(body: string, partials: ReadonlyMap<string, number>, stack: readonly string[]): Promise<{ mjml: string; lineMap: number[]; problems: TemplateProblem[] }> {
    const problems: TemplateProblem[] = [];
    const lineMap = [1];
    let line = 1;
    let mjml = '';
    let last = 0;
    const copy = (text: string) => {
      mjml += text;
      for (let i = newlines(text); i > 0; i--) lineMap.push(++line);
    };
    for (const match of body.matchAll(INCLUDE)) {
      copy(body.slice(last, match.index));
      last = match.index + match[0].length;
      const at = line;
      const attributes = match[1] ?? '';
      const includePath = /\bpath\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attributes);
      const type = /\btype\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attributes);
      const partial = PARTIAL_PATH.exec(includePath?.[1] ?? includePath?.[2] ?? '')?.[1];
      line += newlines(match[0]);
      if (partial === undefined || (type !== null && (type[1] ?? type[2]) !== 'mjml')) {
        problems.push({ line: at, reason: 'mj-include names a partial: <mj-include path="./partials/NAME.mjml" />' });
        continue;
      }
      if (stack.includes(partial) || stack.length >= MAX_INCLUDE_DEPTH) {
        problems.push({ line: at, reason: `partial ${partial} includes itself (${[...stack, partial].join(' → ')})` });
        continue;
      }
      const source = await this.partialSource(partial, partials);
      if (source === undefined) {
        problems.push({ line: at, reason: `no partial ${partial}: create and publish it, or include one of templates/partials/` });
        continue;
      }
      if (/^\s*<mjml[\s>]/.test(source)) {
        problems.push({ line: at, reason: `partial ${partial} is a whole <mjml> document: a partial is MJML put inside mj-body` });
        continue;
      }
      const inner = await this.expandIncludes(source, partials, [...stack, partial]);
      problems.push(...inner.problems.map((problem) => ({ line: at, reason: `in partial ${partial}: ${problem.reason}` })));
      mjml += inner.mjml;
      for (let i = newlines(inner.mjml); i > 0; i--) lineMap.push(at);
    }
    copy(body.slice(last));
    return { mjml, lineMap, problems };
  }

  // The folder, not the file, is MJML's filePath: a draft has no file yet. Includes are expanded before MJML sees the body.
  private async mjmlToHtml(body: string, bodyLineOffset: number, partials: ReadonlyMap<string, number>): Promise<{ html: string; problems: TemplateProblem[] }> {
    const expanded = await this.expandIncludes(body, partials, []);
    const sourceLine = (line: number) => (expanded.lineMap[line - 1] ?? line) + bodyLineOffset;
    if (expanded.problems.length > 0) return { html: '', problems: expanded.problems.map((problem) => ({ ...problem, line: sourceLine(problem.line ?? 1) })) };
    const options = { validationLevel: 'strict', filePath: this.directory, fonts: {}, keepComments: false, ignoreIncludes: true };
    // Strict validation throws its errors; MJML's own syntax errors come back in the result.
    const result = await mjml2html(expanded.mjml, options as Parameters<typeof mjml2html>[1]).catch((error: unknown) => {
      const errors = (error as { errors?: { line: number; message: string }[] }).errors;
      if (errors !== undefined) return { html: '', errors };
      // Input that is not MJML at all ("Parsing failed. Check your mjml.") is the author's error too.
      const message = error instanceof Error ? error.message : String(error);
      return { html: '', errors: [{ line: 1, message }] };
    });
    return { html: result.html, problems: result.errors.map((error) => ({ line: sourceLine(error.line), reason: error.message })) };
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

  /** The front matter (none for a partial), the MJML body and where each starts in the source. */
  private parts(source: string, kind: TemplateKind) {
    if (kind === 'partial') return { front: { ok: true as const, value: { subject: '' } }, body: wrapPartial(source), bodyLineOffset: 0, subjectLine: 1 };
    const split = splitTemplateSource(source);
    return { front: parseFrontMatter(split), body: split.body, bodyLineOffset: split.bodyLineOffset, subjectLine: split.entries.find((entry) => entry.key === 'subject')?.line ?? 1 };
  }

  /** Compiles a template's source (a stored version, a file, or a draft being validated or previewed); not cached. */
  async compileSource(name: string, source: string, options: { kind?: TemplateKind; partials?: ReadonlyMap<string, number> } = {}): Promise<CompiledTemplate> {
    const { front, body, bodyLineOffset, subjectLine } = this.parts(source, options.kind ?? 'email');
    if (!front.ok) throw new TemplateError(name, front.problems);
    const subjectSource = front.value.subject;
    // Checked on the source first, so a problem is reported on the marketer's line, not MJML's output.
    const subject = this.liquidProblems(this.textLiquid, subjectSource, subjectLine - 1);
    const sourceProblems = [...subject.problems, ...this.liquidProblems(this.textLiquid, body, bodyLineOffset).problems];
    if (sourceProblems.length > 0) throw new TemplateError(name, sourceProblems);
    const { html, problems } = await this.mjmlToHtml(body, bodyLineOffset, options.partials ?? (await this.publishedPartials(name)));
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
    return { subject: subject.render, html: htmlPart.render, text: textPart.render, meta: metaOf(front.value), liquid: { subject: subjectSource, html, text } };
  }

  /** Renders a template as the send path would now (or a draft), bypassing the send path's cache: for previews. */
  async preview(name: string, data: Record<string, unknown>, source?: string, kind: TemplateKind = 'email'): Promise<RenderedEmail> {
    return renderCompiled(await this.compileSource(name, source ?? (await this.currentSource(name)), { kind }), data);
  }

  /**
   * Everything wrong with a template, each with its line where one is known: front matter, Liquid
   * syntax, MJML errors, variables the send path never provides, and a marketing e-mail without an
   * unsubscribe link. Nothing is thrown for a bad template; the report says why.
   */
  async validate(name: string, draft?: string, options: { extraVariables?: readonly string[]; kind?: TemplateKind } = {}): Promise<TemplateReport> {
    const kind = options.kind ?? 'email';
    let source: string;
    try {
      source = draft ?? (await this.currentSource(name));
    } catch (error) {
      if (error instanceof TemplateError) return { valid: false, problems: [...error.problems], category: null, variables: [] };
      throw error;
    }
    const problems: TemplateProblem[] = [];
    const { front, body, bodyLineOffset, subjectLine } = this.parts(source, kind);
    const lines = source.split(/\r?\n/);
    const lineOf = (needle: string) => {
      const index = lines.findIndex((line) => line.includes(needle));
      return index < 0 ? undefined : index + 1;
    };
    if (!front.ok) problems.push(...front.problems);
    // An invalid front matter still has a subject line worth checking.
    const subjectSource = front.ok ? front.value.subject : kind === 'email' ? (splitTemplateSource(source).entries.find((entry) => entry.key === 'subject')?.value ?? '') : '';
    const category = front.ok ? ('category' in front.value ? front.value.category : undefined) : undefined;

    // Liquid syntax and constructs the compiler refuses, on the source so the line is the marketer's line.
    problems.push(...this.liquidProblems(this.textLiquid, subjectSource, subjectLine - 1).problems);
    problems.push(...this.liquidProblems(this.textLiquid, body, bodyLineOffset).problems);

    const { html, problems: mjmlProblems } = await this.mjmlToHtml(body, bodyLineOffset, await this.publishedPartials(name));
    problems.push(...mjmlProblems.map((problem) => ({ ...problem, reason: `MJML: ${problem.reason}` })));
    // Partials arrive with MJML's output: what they hold is checked there.
    if (mjmlProblems.length === 0 && !problems.some((problem) => problem.reason.startsWith('Liquid:'))) {
      problems.push(...this.liquidProblems(this.htmlLiquid, html, undefined).problems);
    }

    let variables: string[] = [];
    if (mjmlProblems.length === 0 && !problems.some((problem) => problem.reason.startsWith('Liquid:'))) {
      // Variables as the send path sees them: the compiled HTML holds the partials' variables too.
      const segments = [...this.textLiquid.globalVariableSegmentsSync(this.textLiquid.parse(subjectSource)), ...this.htmlLiquid.globalVariableSegmentsSync(this.htmlLiquid.parse(html))];
      variables = [...new Set(segments.map((segment) => segment.map(String).join('.')))].sort();
      const known = new Set([...KNOWN_VARIABLE_ROOTS, ...(options.extraVariables ?? [])]);
      for (const variable of variables) {
        const root = variable.split('.')[0] ?? variable;
        if (!known.has(root)) problems.push({ line: lineOf(variable), reason: `unknown variable ${variable}: the send path provides ${[...known].join(', ')}` });
      }
      if (kind === 'email' && category !== 'transactional' && !variables.includes('unsubscribe_url')) {
        problems.push({ reason: 'a marketing e-mail needs an unsubscribe link: include ./partials/footer.mjml or link {{ unsubscribe_url }} (or set category: transactional)' });
      }
    }
    return { valid: problems.length === 0, problems, category: kind === 'partial' ? null : category === 'transactional' ? 'transactional' : 'marketing', variables };
  }
}

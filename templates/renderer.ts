import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert as htmlToText } from 'html-to-text';
import { Liquid, type Template } from 'liquidjs';
import mjml2html from 'mjml';

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

interface CompiledTemplate {
  subject: Template[];
  html: Template[];
  text: Template[];
  meta: TemplateMeta;
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
  // HTML output escapes personal data (a first name is not markup); the subject and text part do not.
  private readonly htmlLiquid = new Liquid({ outputEscape: 'escape', cache: true });
  private readonly textLiquid = new Liquid({ cache: true });

  constructor(private readonly directory: string = TEMPLATES_DIR) {}

  render(name: string, data: Record<string, unknown>): Promise<RenderedEmail> {
    return this.compile(name).then(async (template) => {
      const [subject, html, text] = await Promise.all([
        this.textLiquid.render(template.subject, data),
        this.htmlLiquid.render(template.html, data),
        this.textLiquid.render(template.text, data),
      ]);
      return { subject: subject.trim(), html, text, meta: template.meta };
    });
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
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) throw new TemplateError(name, [{ reason: 'invalid template name' }]);
    const filePath = path.join(this.directory, `${name}.mjml`);
    const source = await readFile(filePath, 'utf8').catch(() => {
      throw new TemplateError(name, [{ reason: `no file ${name}.mjml in ${this.directory}` }]);
    });
    const { meta, body, bodyLineOffset } = splitFrontMatter(source);
    if (meta['subject'] === undefined) throw new TemplateError(name, [{ line: 1, reason: 'front matter has no subject' }]);
    // MJML 5 ignores <mj-include> unless told otherwise; partials are only read from the templates folder.
    const options = { validationLevel: 'strict', filePath, fonts: {}, keepComments: false, ignoreIncludes: false, includePath: this.directory };
    // Strict validation throws its errors; MJML's own syntax errors come back in the result.
    const result = await mjml2html(body, options as Parameters<typeof mjml2html>[1]).catch((error: unknown) => {
      const errors = (error as { errors?: { line: number; message: string }[] }).errors;
      if (errors === undefined) throw error;
      return { html: '', errors };
    });
    if (result.errors.length > 0) {
      throw new TemplateError(
        name,
        result.errors.map((error) => ({ line: error.line + bodyLineOffset, reason: error.message })),
      );
    }
    const text = htmlToText(result.html, {
      wordwrap: 78,
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      ],
    });
    return {
      subject: this.textLiquid.parse(meta['subject']),
      html: this.htmlLiquid.parse(result.html),
      text: this.textLiquid.parse(text),
      meta: metaOf(meta),
    };
  }
}

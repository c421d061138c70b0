import type { Db } from '../db/connection.js';
import { findContact } from '../db/contact.repository.js';
import {
  archiveTemplate,
  createTemplate,
  deleteTemplate,
  findTemplate,
  findTemplateVersion,
  listTemplates,
  listTemplateVersions,
  publishTemplateVersion,
  templateUsage,
  templatesNamed,
  updateTemplateDraft,
  upsertBuiltInTemplates,
  type TemplateRecord,
} from '../db/template.repository.js';
import type { TemplateKind } from '../db/template.types.js';
import type { Config } from '../domain/config.js';
import { traitValues } from '../domain/traits.js';
import { readBuiltInTemplates } from '../templates/built-ins.js';
import { TemplateError, type TemplateProblem, type TemplateRenderer, type TemplateReport } from '../templates/renderer.js';
import { HttpError } from './errors.js';

/** What a test send needs of the mail path: nodemailer's transport satisfies it. */
export interface TestMailTransport {
  sendMail(message: {
    from: string;
    replyTo?: string;
    to: string;
    subject: string;
    html: string;
    text: string;
    headers: Record<string, string>;
    textEncoding: 'base64';
  }): Promise<{ messageId: string; response?: string }>;
}

/** The API's own way to SMTP, for test sends only (every real e-mail goes through the worker's outbox). */
export interface TestMailSettings {
  transport: TestMailTransport;
  mailFrom: string;
  /** MAIL_SENDERS: the identities a template picks with `sender:`. */
  senders?: Readonly<Record<string, { from: string; replyTo?: string }>>;
  site?: { name?: string; url?: string };
}

/** Test sends speak as the worker's e-mails do: the same sender identities and site. */
export function testMailFromConfig(config: Pick<Config, 'MAIL_FROM' | 'MAIL_SENDERS' | 'SITE_NAME' | 'SITE_URL'>, transport: TestMailTransport): TestMailSettings {
  return {
    transport,
    mailFrom: config.MAIL_FROM,
    senders: config.MAIL_SENDERS,
    site: { ...(config.SITE_NAME === undefined ? {} : { name: config.SITE_NAME }), ...(config.SITE_URL === undefined ? {} : { url: config.SITE_URL.replace(/\/+$/, '') }) },
  };
}

// Links in a preview or a test send go nowhere: a marketer clicking "unsubscribe" in one must not unsubscribe anyone.
export const PREVIEW_LINKS = { unsubscribe_url: 'https://preview.invalid/unsubscribe', preferences_url: 'https://preview.invalid/preferences', confirm_url: 'https://preview.invalid/confirm' };

/** The line-and-reason form of a problem, as one string (error messages, issues). */
export const describeProblem = (problem: TemplateProblem) => (problem.line === undefined ? problem.reason : `line ${problem.line}: ${problem.reason}`);

export type PublishOutcome = { ok: true; name: string; version: number } | { ok: false; problems: TemplateProblem[] };

const notFound = (name: string): never => {
  throw new HttpError(404, 'not_found', `no template ${name}`);
};

function requireEditable(template: TemplateRecord): void {
  if (template.builtIn) throw new HttpError(409, 'built_in', `${template.name} is a built-in template and read-only: copy it with POST /v1/templates/${template.name}/copy`);
  if (template.archivedAt !== null) throw new HttpError(409, 'archived', `template ${template.name} is archived`);
}

export function createTemplatesService(deps: { db: Db; renderer: TemplateRenderer; testMail?: TestMailSettings }) {
  const { db, renderer } = deps;

  async function template(name: string): Promise<TemplateRecord> {
    return (await findTemplate(db, name)) ?? notFound(name);
  }

  /** The source a route works on: the posted one, else the stored draft, else (a file never mirrored) the renderer's. */
  async function sourceOf(name: string, source: string | undefined): Promise<{ source?: string; kind: TemplateKind }> {
    const stored = await findTemplate(db, name);
    if (source !== undefined) return { source, kind: stored?.kind ?? 'email' };
    return stored === undefined ? { kind: 'email' } : { source: stored.draft, kind: stored.kind };
  }

  async function validate(name: string, source?: string): Promise<TemplateReport> {
    const target = await sourceOf(name, source);
    const report = await renderer.validate(name, target.source, { kind: target.kind });
    if (target.source === undefined && report.problems.some((problem) => problem.reason.startsWith('no file '))) notFound(name);
    return report;
  }

  async function contactData(contactId: string | undefined, data: Record<string, unknown>): Promise<unknown> {
    if (contactId === undefined) return data['contact'] ?? {};
    const found = await findContact(db, contactId);
    if (found === undefined) throw new HttpError(404, 'not_found', `no contact ${contactId}`);
    return traitValues(found.traits);
  }

  async function render(name: string, request: { source?: string; contactId?: string; data: Record<string, unknown> }, site?: TestMailSettings['site']) {
    const contact = await contactData(request.contactId, request.data);
    const target = await sourceOf(name, request.source);
    try {
      return await renderer.preview(name, { ...(site === undefined ? {} : { site }), ...request.data, contact, ...PREVIEW_LINKS }, target.source, target.kind);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      if (target.source === undefined && error.problems.some((problem) => problem.reason.startsWith('no file '))) notFound(name);
      throw new HttpError(422, 'invalid_template', error.message, error.problems.map((problem) => ({ path: 'source', message: describeProblem(problem) })));
    }
  }

  return {
    /** The files of templates/ as read-only version 1, on every start (a deploy that changed one updates it). */
    async seedBuiltIns(): Promise<void> {
      await upsertBuiltInTemplates(db, await readBuiltInTemplates(renderer.directory));
    },

    list: (options: { archived: boolean; kind?: TemplateKind }) => listTemplates(db, options),

    get: template,

    async create(input: { name: string; kind: TemplateKind; source: string; createdBy: string }): Promise<TemplateRecord> {
      if (!(await createTemplate(db, { name: input.name, kind: input.kind, draft: input.source, createdBy: input.createdBy }))) {
        throw new HttpError(409, 'template_exists', `a template ${input.name} exists: edit its draft with PUT /v1/templates/${input.name}/draft`);
      }
      return template(input.name);
    },

    /** Saves the draft whatever it holds (a marketer saves half-done work); the answer says what publishing would refuse. */
    async saveDraft(name: string, source: string): Promise<{ template: TemplateRecord; report: TemplateReport }> {
      requireEditable(await template(name));
      if (!(await updateTemplateDraft(db, name, source))) requireEditable(await template(name));
      return { template: await template(name), report: await validate(name, source) };
    },

    validate,

    preview: (name: string, request: { source?: string; contactId?: string; data: Record<string, unknown> }) => render(name, request, deps.testMail?.site),

    /** Validates the draft and freezes it as the next version, the one sent from now on. */
    async publish(name: string, publishedBy: string): Promise<PublishOutcome> {
      const current = await template(name);
      requireEditable(current);
      const report = await renderer.validate(name, current.draft, { kind: current.kind });
      if (!report.valid) return { ok: false, problems: report.problems };
      const version = await publishTemplateVersion(db, name, current.draft, publishedBy);
      if (version === undefined) requireEditable(await template(name));
      return { ok: true, name, version: version as number };
    },

    async versions(name: string) {
      await template(name);
      return listTemplateVersions(db, name);
    },

    async version(name: string, version: number) {
      return (await findTemplateVersion(db, name, version)) ?? notFound(`${name} version ${version}`);
    },

    /** Archived: listed apart, no longer edited or named by new journeys; e-mails already planned still send its last version. */
    async archive(name: string): Promise<TemplateRecord> {
      requireEditable(await template(name));
      await archiveTemplate(db, name);
      return template(name);
    },

    async delete(name: string): Promise<void> {
      const current = await template(name);
      if (current.builtIn) throw new HttpError(409, 'built_in', `${name} is a built-in template: it cannot be deleted`);
      const usage = await templateUsage(db, name);
      const users = [
        ...usage.journeys.map((id) => `journey ${id}`),
        ...usage.newsletters.map((id) => `newsletter ${id}`),
        ...usage.templates.map((other) => `template ${other}`),
        ...(usage.emails ? ['e-mails already written from it (archive it instead)'] : []),
      ];
      if (users.length > 0) throw new HttpError(409, 'template_in_use', `template ${name} is in use by ${users.join(', ')}`);
      await deleteTemplate(db, name);
    },

    /** An editable copy (of the published version, else the draft): how a built-in becomes a marketer's own. */
    async copy(name: string, input: { name: string; createdBy: string }): Promise<TemplateRecord> {
      const original = await template(name);
      const published = original.publishedVersion === null ? undefined : await findTemplateVersion(db, name, original.publishedVersion);
      if (!(await createTemplate(db, { name: input.name, kind: original.kind, draft: published?.source ?? original.draft, createdBy: input.createdBy }))) {
        throw new HttpError(409, 'template_exists', `a template ${input.name} exists`);
      }
      return template(input.name);
    },

    /**
     * Renders the draft (or a posted source) for a contact or sample data and sends it to `to` through
     * SMTP, marked as a test in its subject and headers. It writes no outbox row: not a campaign
     * send, not in any analytics, budget or frequency cap; its links go nowhere.
     */
    async testSend(name: string, request: { to: string; source?: string; contactId?: string; data: Record<string, unknown> }) {
      const mail = deps.testMail;
      if (mail === undefined) throw new HttpError(503, 'no_smtp', 'this API process has no SMTP settings for test sends (SMTP_URL)');
      const email = await render(name, request, mail.site);
      const sender = email.meta.sender === undefined ? { from: mail.mailFrom } : mail.senders?.[email.meta.sender];
      if (sender === undefined) throw new HttpError(422, 'unknown_sender', `template ${name} names an unknown sender ${email.meta.sender ?? ''} (MAIL_SENDERS)`);
      const subject = `[Test] ${email.subject}`;
      const info = await mail.transport.sendMail({
        from: sender.from,
        ...(sender.replyTo === undefined ? {} : { replyTo: sender.replyTo }),
        to: request.to,
        subject,
        html: email.html,
        text: email.text,
        headers: { 'X-Relance-Test': 'true', 'X-Relance-Template': name },
        textEncoding: 'base64',
      });
      return { to: request.to, subject, messageId: info.messageId };
    },

    /** The names among `names` that no template answers to, or that cannot be sent (a partial, archived, never published). */
    async unsendable(names: readonly string[]): Promise<{ name: string; reason: string }[]> {
      const found = await templatesNamed(db, names);
      const problems: { name: string; reason: string }[] = [];
      for (const name of new Set(names)) {
        const row = found.get(name);
        if (row === undefined) {
          // A file of templates/ not mirrored yet (a test's own folder) still sends.
          if ((await renderer.readSource(name).then(() => true, () => false)) === false) problems.push({ name, reason: `no template ${name} (GET /v1/templates lists them)` });
        } else if (row.kind === 'partial') problems.push({ name, reason: `${name} is a partial, not an e-mail template` });
        else if (row.archived) problems.push({ name, reason: `template ${name} is archived` });
        else if (row.publishedVersion === null) problems.push({ name, reason: `template ${name} has no published version: publish it first` });
      }
      return problems;
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;

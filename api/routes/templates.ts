import { z } from 'zod';
import type { TemplateRecord } from '../../db/template.repository.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import { ErrorResponse } from '../errors.js';
import { describeProblem, type TemplatesService } from '../templates.service.js';

const TemplateName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _').max(100);
const TemplateParams = z.object({ name: TemplateName });
const VersionParams = z.object({ name: TemplateName, version: z.coerce.number().int().positive() });
const Kind = z.enum(['email', 'partial']);
const Source = z.string().min(1).max(512 * 1024);
// A draft is validated or previewed without being saved.
const source = Source.optional().describe('a draft of the template (front matter + MJML); defaults to its saved draft (a built-in: its file)');
const TEMPLATE_BODY_LIMIT = 600 * 1024;

const Problem = z.object({ line: z.number().optional(), reason: z.string() });
const TemplateView = z.object({
  name: z.string(),
  kind: Kind,
  builtIn: z.boolean().describe('a file of templates/: read-only, copy it to edit'),
  publishedVersion: z.number().nullable().describe('the version sent now; null until the first publication'),
  draftChanged: z.boolean().describe('the draft differs from the published version'),
  archivedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const TemplateDetail = TemplateView.extend({ draft: z.string() });
const toView = (template: TemplateRecord) => ({
  name: template.name,
  kind: template.kind,
  builtIn: template.builtIn,
  publishedVersion: template.publishedVersion,
  draftChanged: template.draftChanged,
  archivedAt: template.archivedAt?.toISOString() ?? null,
  createdBy: template.createdBy,
  createdAt: template.createdAt.toISOString(),
  updatedAt: template.updatedAt.toISOString(),
});
const toDetail = (template: TemplateRecord) => ({ ...toView(template), draft: template.draft });

const ListQuery = z.object({ archived: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'), kind: Kind.optional() });
const CreateBody = z.object({ name: TemplateName, kind: Kind.default('email'), source: Source.describe('front matter + MJML (a partial: MJML to put inside mj-body)') });
const DraftBody = z.object({ source: Source });
const CopyBody = z.object({ name: TemplateName.describe('the name of the copy') });

const ValidateBody = z.object({ source }).default({});
const ValidateResponse = z.object({
  template: z.string(),
  valid: z.boolean(),
  category: z.enum(['marketing', 'transactional']).nullable(),
  problems: z.array(Problem),
  variables: z.array(z.string()),
});
const DraftResponse = z.object({ template: TemplateDetail, valid: z.boolean(), problems: z.array(Problem).describe('what publishing this draft would refuse') });

const RenderRequest = {
  source,
  contactId: z.uuid().optional().describe("render with this contact's traits"),
  data: z.record(z.string(), z.unknown()).default({}).describe('sample variables: contact, event, coupon...'),
};
const PreviewBody = z.object(RenderRequest).default({ data: {} });
const PreviewResponse = z.object({ subject: z.string(), html: z.string(), text: z.string(), category: z.string(), tracking: z.boolean() });
const TestSendBody = z.object({ ...RenderRequest, to: z.email().max(320).describe('where the test goes: it is sent to this address only') });
const TestSendResponse = z.object({ to: z.string(), subject: z.string(), messageId: z.string() });

const PublishResponse = z.object({ name: z.string(), version: z.number() });
const InvalidTemplateResponse = ErrorResponse.extend({ problems: z.array(Problem) });
const VersionView = z.object({ version: z.number(), publishedAt: z.string(), publishedBy: z.string() });
const VersionDetail = VersionView.extend({ source: z.string() });

export function registerTemplateRoutes(app: ApiInstance, deps: { auth: Authenticator; templates: TemplatesService }): void {
  // Console marketers act as admin here (api/console-auth.ts): templates are their work.
  const admin = deps.auth.requireRole('admin');
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
  const tags = ['templates'];
  const service = deps.templates;

  app.get(
    '/v1/templates',
    { onRequest: admin, schema: { summary: 'List e-mail templates and partials (your own first, then the built-ins)', tags, querystring: ListQuery, response: { 200: z.object({ templates: z.array(TemplateView) }), ...errors } } },
    async (request) => ({ templates: (await service.list(request.query)).map(toView) }),
  );

  app.post(
    '/v1/templates',
    { onRequest: admin, bodyLimit: TEMPLATE_BODY_LIMIT, schema: { summary: 'Create a template (its draft); publish it to send it', tags, body: CreateBody, response: { 201: TemplateDetail, ...errors } } },
    async (request, reply) => reply.status(201).send(toDetail(await service.create({ ...request.body, createdBy: requirePrincipal(request).name }))),
  );

  app.get(
    '/v1/templates/:name',
    { onRequest: admin, schema: { summary: 'A template with its draft', tags, params: TemplateParams, response: { 200: TemplateDetail, ...errors } } },
    async (request) => toDetail(await service.get(request.params.name)),
  );

  app.put(
    '/v1/templates/:name/draft',
    {
      onRequest: admin,
      bodyLimit: TEMPLATE_BODY_LIMIT,
      schema: { summary: 'Save the draft (even an invalid one); the answer lists what publishing would refuse', tags, params: TemplateParams, body: DraftBody, response: { 200: DraftResponse, ...errors } },
    },
    async (request) => {
      const { template, report } = await service.saveDraft(request.params.name, request.body.source);
      return { template: toDetail(template), valid: report.valid, problems: report.problems };
    },
  );

  app.post(
    '/v1/templates/:name/validate',
    {
      onRequest: admin,
      bodyLimit: TEMPLATE_BODY_LIMIT,
      schema: {
        summary: 'Check a template before publishing: MJML errors with their line, unknown variables, a marketing e-mail without unsubscribe link',
        tags,
        params: TemplateParams,
        body: ValidateBody,
        response: { 200: ValidateResponse, ...errors },
      },
    },
    async (request) => ({ template: request.params.name, ...(await service.validate(request.params.name, request.body.source)) }),
  );

  app.post(
    '/v1/templates/:name/preview',
    {
      onRequest: admin,
      bodyLimit: TEMPLATE_BODY_LIMIT,
      schema: { summary: 'Render a template (its draft, or a posted source) for a contact or for sample data, links disabled', tags, params: TemplateParams, body: PreviewBody, response: { 200: PreviewResponse, ...errors } },
    },
    async (request) => {
      const email = await service.preview(request.params.name, request.body);
      return { subject: email.subject, html: email.html, text: email.text, category: email.meta.category ?? 'marketing', tracking: email.meta.tracking };
    },
  );

  app.post(
    '/v1/templates/:name/publish',
    {
      onRequest: admin,
      schema: {
        summary: 'Publish the draft as the next version, sent from now on; refused (422) with each problem and its line when validation refuses it',
        tags,
        params: TemplateParams,
        response: { 200: PublishResponse, ...errors, 422: InvalidTemplateResponse },
      },
    },
    async (request, reply) => {
      const outcome = await service.publish(request.params.name, requirePrincipal(request).name);
      if (outcome.ok) return { name: outcome.name, version: outcome.version };
      const messages = outcome.problems.map(describeProblem);
      return reply.status(422).send({
        error: 'invalid_template',
        message: `template ${request.params.name} cannot be published: ${messages.join('; ')}`,
        issues: messages.map((message) => ({ path: 'draft', message })),
        problems: outcome.problems,
      });
    },
  );

  app.get(
    '/v1/templates/:name/versions',
    { onRequest: admin, schema: { summary: 'Published versions, newest first', tags, params: TemplateParams, response: { 200: z.object({ versions: z.array(VersionView) }), ...errors } } },
    async (request) => ({
      versions: (await service.versions(request.params.name)).map((version) => ({ version: version.version, publishedAt: version.publishedAt.toISOString(), publishedBy: version.publishedBy })),
    }),
  );

  app.get(
    '/v1/templates/:name/versions/:version',
    { onRequest: admin, schema: { summary: 'One published version with its source (what an e-mail naming it was rendered from)', tags, params: VersionParams, response: { 200: VersionDetail, ...errors } } },
    async (request) => {
      const version = await service.version(request.params.name, request.params.version);
      return { version: version.version, source: version.source, publishedAt: version.publishedAt.toISOString(), publishedBy: version.publishedBy };
    },
  );

  app.post(
    '/v1/templates/:name/archive',
    { onRequest: admin, schema: { summary: 'Archive a template: no more edits or new journeys naming it; e-mails already planned still send', tags, params: TemplateParams, response: { 200: TemplateDetail, ...errors } } },
    async (request) => toDetail(await service.archive(request.params.name)),
  );

  app.delete(
    '/v1/templates/:name',
    { onRequest: admin, schema: { summary: 'Delete a template nothing uses (409 names the journeys, newsletters or templates that do)', tags, params: TemplateParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.delete(request.params.name);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/templates/:name/copy',
    { onRequest: admin, schema: { summary: 'Copy a template (a built-in, say) into an editable one', tags, params: TemplateParams, body: CopyBody, response: { 201: TemplateDetail, ...errors } } },
    async (request, reply) => reply.status(201).send(toDetail(await service.copy(request.params.name, { name: request.body.name, createdBy: requirePrincipal(request).name }))),
  );

  app.post(
    '/v1/templates/:name/test-send',
    {
      onRequest: admin,
      bodyLimit: TEMPLATE_BODY_LIMIT,
      schema: {
        summary: 'Send the draft (or a posted source) to one address, marked as a test: no outbox row, not in analytics or budgets',
        tags,
        params: TemplateParams,
        body: TestSendBody,
        response: { 200: TestSendResponse, ...errors, 503: ErrorResponse },
      },
    },
    async (request) => service.testSend(request.params.name, request.body),
  );
}

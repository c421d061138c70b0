import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import { findContact } from '../../db/contact.repository.js';
import { traitValues } from '../../domain/traits.js';
import { TemplateError, type TemplateRenderer } from '../../templates/renderer.js';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { ErrorResponse, HttpError } from '../errors.js';

const TemplateParams = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _').max(100) });
// A draft is validated or previewed without being saved: the file in templates/ is what gets sent.
const source = z.string().min(1).max(512 * 1024).optional().describe('a draft of the template (front matter + MJML); defaults to the file in templates/');
const TEMPLATE_BODY_LIMIT = 600 * 1024;

const ValidateBody = z.object({ source }).default({});
const ValidateResponse = z.object({
  template: z.string(),
  valid: z.boolean(),
  category: z.enum(['marketing', 'transactional']).nullable(),
  problems: z.array(z.object({ line: z.number().optional(), reason: z.string() })),
  variables: z.array(z.string()),
});

const PreviewBody = z
  .object({
    source,
    contactId: z.uuid().optional().describe("render with this contact's traits"),
    data: z.record(z.string(), z.unknown()).default({}).describe('sample variables: contact, event, coupon...'),
  })
  .default({ data: {} });
const PreviewResponse = z.object({ subject: z.string(), html: z.string(), text: z.string(), category: z.string(), tracking: z.boolean() });

// Links in a preview go nowhere: a marketer clicking "unsubscribe" in a preview must not unsubscribe anyone.
const PREVIEW_LINKS = { unsubscribe_url: 'https://preview.invalid/unsubscribe', preferences_url: 'https://preview.invalid/preferences', confirm_url: 'https://preview.invalid/confirm' };

export function registerTemplateRoutes(app: ApiInstance, deps: { db: Db; auth: Authenticator; templates: TemplateRenderer }): void {
  const admin = deps.auth.requireRole('admin');
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse };

  app.post(
    '/v1/templates/:name/validate',
    {
      onRequest: admin,
      bodyLimit: TEMPLATE_BODY_LIMIT,
      schema: {
        summary: 'Check a template before publishing: MJML errors with their line, unknown variables, a marketing e-mail without unsubscribe link',
        tags: ['templates'],
        params: TemplateParams,
        body: ValidateBody,
        response: { 200: ValidateResponse, ...errors },
      },
    },
    async (request) => {
      const report = await deps.templates.validate(request.params.name, request.body.source);
      if (request.body.source === undefined && report.problems.some((problem) => problem.reason.startsWith('no file '))) {
        throw new HttpError(404, 'not_found', `no template ${request.params.name}`);
      }
      return { template: request.params.name, ...report };
    },
  );

  app.post(
    '/v1/templates/:name/preview',
    {
      onRequest: admin,
      bodyLimit: TEMPLATE_BODY_LIMIT,
      schema: {
        summary: 'Render a template for a contact or for sample data, links disabled',
        tags: ['templates'],
        params: TemplateParams,
        body: PreviewBody,
        response: { 200: PreviewResponse, ...errors },
      },
    },
    async (request) => {
      let contact = request.body.data['contact'] ?? {};
      if (request.body.contactId !== undefined) {
        const found = await findContact(deps.db, request.body.contactId);
        if (found === undefined) throw new HttpError(404, 'not_found', `no contact ${request.body.contactId}`);
        contact = traitValues(found.traits);
      }
      try {
        const email = await deps.templates.preview(request.params.name, { ...request.body.data, contact, ...PREVIEW_LINKS }, request.body.source);
        return { subject: email.subject, html: email.html, text: email.text, category: email.meta.category ?? 'marketing', tracking: email.meta.tracking };
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        if (request.body.source === undefined && error.problems.some((problem) => problem.reason.startsWith('no file '))) throw new HttpError(404, 'not_found', `no template ${request.params.name}`);
        throw new HttpError(422, 'invalid_template', error.message);
      }
    },
  );
}

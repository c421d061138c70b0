import { z } from 'zod';
import { CampaignId } from '../../domain/coupons.js';
import { AudienceSegment, NEWSLETTER_STATUSES, NewsletterSchedule } from '../../domain/newsletter.js';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { ErrorResponse } from '../errors.js';
import { PROGRESS_QUERY_MS, type NewsletterService } from '../newsletters.service.js';

const CreateNewsletter = z.strictObject({
  name: z.string().trim().min(1).max(200),
  template: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'template names are lower-case letters, digits, - and _').describe('a template in templates/'),
  topic: z.string().regex(/^[a-z0-9_-]+$/, 'topics are lower-case letters, digits, - and _').default('newsletter').describe('the subscription topic recipients must belong to'),
  audience: AudienceSegment.default({}),
  schedule: NewsletterSchedule.default({ kind: 'now' }),
  ratePerSecond: z.number().int().positive().max(10_000).optional().describe('a cap of this newsletter’s own (a provider quota)'),
  couponCampaign: CampaignId.optional().describe('a coupon campaign: each recipient gets a code of it ({{ coupon.code }}), issued when the copy is sent'),
});

const NewsletterParams = z.object({ id: z.uuid() });

const Counts = z.object({ total: z.number(), queued: z.number(), sent: z.number(), skipped: z.record(z.string(), z.number()), failed: z.number() });

const NewsletterSummary = z.object({
  id: z.string(),
  name: z.string(),
  template: z.string(),
  topic: z.string(),
  audience: z.record(z.string(), z.unknown()),
  schedule: z.record(z.string(), z.unknown()),
  ratePerSecond: z.number().nullable(),
  couponCampaign: z.string().nullable(),
  status: z.enum(NEWSLETTER_STATUSES),
  counts: Counts.describe('from the recipients table: every recipient is in exactly one bucket'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const NewsletterView = NewsletterSummary.extend({
  progress: z
    .object({ status: z.string(), counts: Counts, nextSendAt: z.string().nullable() })
    .nullable()
    .describe(`the broadcast workflow’s own view, while it runs; null when it does not answer within ${PROGRESS_QUERY_MS / 1000} s (a busy worker): counts still answer`),
  workflowId: z.string(),
});

const ListQuery = z.object({
  after: z.string().max(200).optional().describe('the nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const NewsletterPage = z.object({ newsletters: z.array(NewsletterSummary).describe('newest first'), nextCursor: z.string().nullable() });

const AudienceQuestion = z.strictObject({ topic: CreateNewsletter.shape.topic, audience: AudienceSegment.default({}) });

const Created = NewsletterView.extend({ audienceSize: z.number().describe('contacts matching the audience now') });

export function registerNewsletterRoutes(app: ApiInstance, deps: { newsletters: NewsletterService; auth: Authenticator }): void {
  const admin = deps.auth.requireRole('admin');
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
  const { newsletters } = deps;

  app.get(
    '/v1/newsletters',
    { onRequest: admin, schema: { summary: 'Newsletters, newest first, with their counts; paginated by cursor', tags: ['newsletters'], querystring: ListQuery, response: { 200: NewsletterPage, ...errors } } },
    async (request) => newsletters.list(request.query),
  );

  app.post(
    '/v1/newsletters/audience-size',
    {
      onRequest: admin,
      schema: { summary: 'How many contacts a segment and topic reach now (the composer’s live count); nothing is stored', tags: ['newsletters'], body: AudienceQuestion, response: { 200: z.object({ size: z.number() }), ...errors } },
    },
    async (request) => ({ size: await newsletters.audienceSize({ segment: request.body.audience, topic: request.body.topic }) }),
  );

  app.post(
    '/v1/newsletters',
    {
      onRequest: admin,
      schema: { summary: 'Create a newsletter (a draft): template, audience, schedule', tags: ['newsletters'], body: CreateNewsletter, response: { 201: Created, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await newsletters.create(request.body, request.log)),
  );

  app.get(
    '/v1/newsletters/:id',
    { onRequest: admin, schema: { summary: 'A newsletter with its progress: queued, sent, skipped per reason, failed', tags: ['newsletters'], params: NewsletterParams, response: { 200: NewsletterView, ...errors } } },
    async (request) => newsletters.view(request.params.id, request.log),
  );

  app.post(
    '/v1/newsletters/:id/send',
    {
      onRequest: admin,
      schema: { summary: 'Send a draft now or on its schedule; sending twice is refused', tags: ['newsletters'], params: NewsletterParams, response: { 202: NewsletterView, ...errors } },
    },
    async (request, reply) => reply.status(202).send(await newsletters.send(request.params.id, request.log)),
  );

  const steering = [
    ['pause', 'Pause sending; copies already handed to SMTP finish'],
    ['resume', 'Resume a paused newsletter where it stopped'],
    ['cancel', 'Cancel; everyone not reached yet is counted as skipped, reason cancelled'],
  ] as const;
  for (const [action, summary] of steering) {
    app.post(
      `/v1/newsletters/:id/${action}`,
      { onRequest: admin, schema: { summary, tags: ['newsletters'], params: NewsletterParams, response: { 202: NewsletterView, ...errors } } },
      async (request, reply) => reply.status(202).send(await newsletters.steer(request.params.id, action, request.log)),
    );
  }
}

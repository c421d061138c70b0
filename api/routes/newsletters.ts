import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import { createNewsletter, findNewsletter, recipientCounts, scheduleDraft } from '../../db/newsletter.repository.js';
import { findCampaign } from '../../db/coupon-campaign.repository.js';
import { CampaignId } from '../../domain/coupons.js';
import type { ScoringModelStore } from '../../db/scoring.repository.js';
import { AudienceSegment, broadcastStartsAt, NEWSLETTER_STATUSES, NewsletterSchedule } from '../../domain/newsletter.js';
import { TemplateError, type TemplateRenderer } from '../../templates/renderer.js';
import { newsletterWorkflowId } from '../../workflows/ids.js';
import { cancelSignal, pauseSignal, progressQuery, resumeSignal, type NewsletterProgress } from '../../workflows/newsletter.messages.js';
import type { newsletterWorkflow } from '../../workflows/newsletter.workflow.js';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { ErrorResponse, HttpError } from '../errors.js';
import { createNewsletterService } from '../newsletters.service.js';

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

/**
 * How long a view waits for the broadcast workflow's progress query. A query needs a worker's
 * attention, and a worker busy sending can leave it unanswered for a minute; the recipients table
 * holds the same counts, so the view answers from it rather than waiting or failing.
 */
const PROGRESS_QUERY_MS = 2_000;

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

const RUNNING = new Set(['scheduled', 'sending', 'paused']);

export function registerNewsletterRoutes(
  app: ApiInstance,
  deps: { db: Db; models: ScoringModelStore; auth: Authenticator; temporal: Client; taskQueue: string; templates: TemplateRenderer },
): void {
  const admin = deps.auth.requireRole('admin');
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

  async function existing(id: string) {
    return (await findNewsletter(deps.db, id)) ?? notFound(id);
  }

  async function progressOf(workflowId: string, log: FastifyBaseLogger): Promise<NewsletterProgress | null> {
    const handle = deps.temporal.workflow.getHandle<typeof newsletterWorkflow>(workflowId);
    try {
      return await deps.temporal.withDeadline(Date.now() + PROGRESS_QUERY_MS, () => handle.query(progressQuery));
    } catch (error) {
      // Scheduled a moment ago and not started yet: nothing to ask, the table answers.
      if (!(error instanceof WorkflowNotFoundError)) log.warn({ workflowId, error: String(error) }, 'newsletter progress query unanswered; counts from the recipients table');
      return null;
    }
  }

  const service = createNewsletterService(deps);

  function summaryOf(row: NonNullable<Awaited<ReturnType<typeof findNewsletter>>>, counts: z.infer<typeof Counts>): z.infer<typeof NewsletterSummary> {
    return {
      id: row.id,
      name: row.name,
      template: row.template,
      topic: row.topic,
      audience: row.audience,
      schedule: row.schedule,
      ratePerSecond: row.rate_per_second,
      couponCampaign: row.coupon_campaign_id,
      status: row.status,
      counts,
      createdAt: row.created_at.toISOString(),
      startedAt: row.started_at?.toISOString() ?? null,
      finishedAt: row.finished_at?.toISOString() ?? null,
    };
  }

  async function view(id: string, log: FastifyBaseLogger): Promise<z.infer<typeof NewsletterView>> {
    const row = await existing(id);
    const workflowId = newsletterWorkflowId(row.id);
    const progress = RUNNING.has(row.status) ? await progressOf(workflowId, log) : null;
    return { ...summaryOf(row, await recipientCounts(deps.db, row.id)), progress, workflowId };
  }

  app.get(
    '/v1/newsletters',
    { onRequest: admin, schema: { summary: 'Newsletters, newest first, with their counts; paginated by cursor', tags: ['newsletters'], querystring: ListQuery, response: { 200: NewsletterPage, ...errors } } },
    async (request) => {
      const page = await service.list(request.query);
      return { newsletters: page.newsletters.map(({ row, counts }) => summaryOf(row, counts)), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/v1/newsletters/audience-size',
    {
      onRequest: admin,
      schema: { summary: 'How many contacts a segment and topic reach now (the composer’s live count); nothing is stored', tags: ['newsletters'], body: AudienceQuestion, response: { 200: z.object({ size: z.number() }), ...errors } },
    },
    async (request) => ({ size: await service.audienceSize({ segment: request.body.audience, topic: request.body.topic }) }),
  );

  app.post(
    '/v1/newsletters',
    {
      onRequest: admin,
      schema: { summary: 'Create a newsletter (a draft): template, audience, schedule', tags: ['newsletters'], body: CreateNewsletter, response: { 201: Created, ...errors } },
    },
    async (request, reply) => {
      const body = request.body;
      try {
        await deps.templates.compile(body.template);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        const message = error.problems.map((problem) => (problem.line === undefined ? problem.reason : `line ${problem.line}: ${problem.reason}`)).join('; ');
        return reply.status(400).send({ error: 'invalid_request', message: `template: ${message}`, issues: [{ path: 'template', message }] });
      }
      if (body.couponCampaign !== undefined && (await findCampaign(deps.db, body.couponCampaign)) === undefined) {
        return reply.status(400).send({ error: 'invalid_request', message: `couponCampaign: no coupon campaign "${body.couponCampaign}"`, issues: [{ path: 'couponCampaign', message: 'no such coupon campaign' }] });
      }
      const row = await createNewsletter(deps.db, body);
      const size = await service.audienceSize({ segment: body.audience, topic: body.topic });
      return reply.status(201).send({ ...(await view(row.id, request.log)), audienceSize: size });
    },
  );

  app.get(
    '/v1/newsletters/:id',
    { onRequest: admin, schema: { summary: 'A newsletter with its progress: queued, sent, skipped per reason, failed', tags: ['newsletters'], params: NewsletterParams, response: { 200: NewsletterView, ...errors } } },
    async (request) => view(request.params.id, request.log),
  );

  app.post(
    '/v1/newsletters/:id/send',
    {
      onRequest: admin,
      schema: { summary: 'Send a draft now or on its schedule; sending twice is refused', tags: ['newsletters'], params: NewsletterParams, response: { 202: NewsletterView, ...errors } },
    },
    async (request, reply) => {
      const row = await existing(request.params.id);
      if (row.status !== 'draft') throw new HttpError(409, 'conflict', `newsletter ${row.id} is ${row.status}, not a draft: it is sent once`);
      const startAt = broadcastStartsAt(row.schedule);
      try {
        await deps.temporal.workflow.start<typeof newsletterWorkflow>('newsletterWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId: newsletterWorkflowId(row.id),
          args: [{ newsletterId: row.id, startAt: startAt === null || startAt.getTime() <= Date.now() ? null : startAt.toISOString() }],
          // A newsletter is broadcast once: a repeated request starts nothing.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        // A start that timed out may still have started the broadcast: the server is asked before
        // anything is reported, and a send that started is never answered with an error.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError) && !(await broadcastExists(newsletterWorkflowId(row.id)))) throw error;
      }
      await scheduleDraft(deps.db, row.id);
      return reply.status(202).send(await view(row.id, request.log));
    },
  );

  async function broadcastExists(workflowId: string): Promise<boolean> {
    return deps.temporal.workflow
      .getHandle(workflowId)
      .describe()
      .then(() => true)
      .catch(() => false);
  }

  const steering = [
    ['pause', pauseSignal, 'Pause sending; copies already handed to SMTP finish'],
    ['resume', resumeSignal, 'Resume a paused newsletter where it stopped'],
    ['cancel', cancelSignal, 'Cancel; everyone not reached yet is counted as skipped, reason cancelled'],
  ] as const;
  for (const [action, signal, summary] of steering) {
    app.post(
      `/v1/newsletters/:id/${action}`,
      { onRequest: admin, schema: { summary, tags: ['newsletters'], params: NewsletterParams, response: { 202: NewsletterView, ...errors } } },
      async (request, reply) => {
        const row = await existing(request.params.id);
        if (!RUNNING.has(row.status)) throw new HttpError(409, 'conflict', `newsletter ${row.id} is ${row.status}: only a scheduled, sending or paused newsletter can ${action}`);
        await deps.temporal.workflow.getHandle(newsletterWorkflowId(row.id)).signal(signal);
        return reply.status(202).send(await view(row.id, request.log));
      },
    );
  }
}

function notFound(id: string): never {
  throw new HttpError(404, 'not_found', `no newsletter ${id}`);
}

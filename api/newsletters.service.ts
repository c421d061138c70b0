import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connection.js';
import { audienceSize } from '../db/audience.queries.js';
import { findCampaign } from '../db/coupon-campaign.repository.js';
import { createNewsletter, findNewsletter, listNewsletters, recipientCounts, recipientCountsOf, scheduleDraft, type NewNewsletter } from '../db/newsletter.repository.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';
import { broadcastStartsAt, type AudienceSegment, type NewsletterCounts } from '../domain/newsletter.js';
import { TemplateError, type TemplateRenderer } from '../templates/renderer.js';
import { newsletterWorkflowId } from '../workflows/ids.js';
import { cancelSignal, pauseSignal, progressQuery, resumeSignal, type NewsletterProgress } from '../workflows/newsletter.messages.js';
import type { newsletterWorkflow } from '../workflows/newsletter.workflow.js';
import { HttpError } from './errors.js';

// Newsletters as the console composes and steers them: a draft is checked (its template compiles,
// its coupon campaign exists) and stored; sending hands the broadcast to a Temporal workflow once;
// pause, resume and cancel are signals to that workflow; a view reads the recipients table and,
// while the broadcast runs, the workflow's own progress.

interface Cursor {
  createdAt: Date;
  id: string;
}

const encodeCursor = (cursor: Cursor) => Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');

function decodeCursor(text: string): Cursor {
  const [at, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (id === undefined || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new HttpError(400, 'invalid_request', 'after: not a cursor this API gave', [{ path: 'after', message: 'not a cursor this API gave' }]);
  }
  return { createdAt, id };
}

/**
 * How long a view waits for the broadcast workflow's progress query. A query needs a worker's
 * attention, and a worker busy sending can leave it unanswered for a minute; the recipients table
 * holds the same counts, so the view answers from it rather than waiting or failing.
 */
export const PROGRESS_QUERY_MS = 2_000;

const RUNNING = new Set(['scheduled', 'sending', 'paused']);

const STEERING_SIGNALS = { pause: pauseSignal, resume: resumeSignal, cancel: cancelSignal } as const;
export type SteeringAction = keyof typeof STEERING_SIGNALS;

type NewsletterRow = NonNullable<Awaited<ReturnType<typeof findNewsletter>>>;

function summaryOf(row: NewsletterRow, counts: NewsletterCounts) {
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

function notFound(id: string): never {
  throw new HttpError(404, 'not_found', `no newsletter ${id}`);
}

export function createNewsletterService(deps: { db: Db; models: ScoringModelStore; temporal: Client; taskQueue: string; templates: TemplateRenderer }) {
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

  async function broadcastExists(workflowId: string): Promise<boolean> {
    return deps.temporal.workflow
      .getHandle(workflowId)
      .describe()
      .then(() => true)
      .catch(() => false);
  }

  /** Contacts the segment and topic reach if the newsletter were sent now: the count `create` answers too. */
  async function audienceSizeOf(audience: { segment: AudienceSegment; topic: string }, at = new Date()): Promise<number> {
    return audienceSize(deps.db, audience, await deps.models.active(), at);
  }

  /** One newsletter with its counts, and the workflow's progress while it runs; 404 when there is none. */
  async function view(id: string, log: FastifyBaseLogger) {
    const row = await existing(id);
    const workflowId = newsletterWorkflowId(row.id);
    const progress = RUNNING.has(row.status) ? await progressOf(workflowId, log) : null;
    return { ...summaryOf(row, await recipientCounts(deps.db, row.id)), progress, workflowId };
  }

  return {
    async list(page: { after?: string | undefined; limit: number }) {
      // One row more than asked says whether there is a next page without a count.
      const rows = await listNewsletters(deps.db, { after: page.after === undefined ? null : decodeCursor(page.after), limit: page.limit + 1 });
      const shown = rows.slice(0, page.limit);
      const counts = await recipientCountsOf(
        deps.db,
        shown.map((row) => row.id),
      );
      const last = shown.at(-1);
      return {
        newsletters: shown.map((row) => summaryOf(row, counts.get(row.id)!)),
        nextCursor: rows.length > page.limit && last !== undefined ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
      };
    },

    audienceSize: audienceSizeOf,

    view,

    /** Stores a draft; a template that does not compile or an unknown coupon campaign is a 400 on that field. */
    async create(newsletter: NewNewsletter, log: FastifyBaseLogger) {
      try {
        await deps.templates.compile(newsletter.template);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        const message = error.problems.map((problem) => (problem.line === undefined ? problem.reason : `line ${problem.line}: ${problem.reason}`)).join('; ');
        throw new HttpError(400, 'invalid_request', `template: ${message}`, [{ path: 'template', message }]);
      }
      if (newsletter.couponCampaign !== undefined && (await findCampaign(deps.db, newsletter.couponCampaign)) === undefined) {
        throw new HttpError(400, 'invalid_request', `couponCampaign: no coupon campaign "${newsletter.couponCampaign}"`, [{ path: 'couponCampaign', message: 'no such coupon campaign' }]);
      }
      const row = await createNewsletter(deps.db, newsletter);
      const size = await audienceSizeOf({ segment: newsletter.audience, topic: newsletter.topic });
      return { ...(await view(row.id, log)), audienceSize: size };
    },

    /** Starts the broadcast of a draft, now or at its schedule; anything but a draft is a 409. */
    async send(id: string, log: FastifyBaseLogger) {
      const row = await existing(id);
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
      return view(row.id, log);
    },

    /** Signals a running broadcast; a newsletter not scheduled, sending or paused is a 409. */
    async steer(id: string, action: SteeringAction, log: FastifyBaseLogger) {
      const row = await existing(id);
      if (!RUNNING.has(row.status)) throw new HttpError(409, 'conflict', `newsletter ${row.id} is ${row.status}: only a scheduled, sending or paused newsletter can ${action}`);
      await deps.temporal.workflow.getHandle(newsletterWorkflowId(row.id)).signal(STEERING_SIGNALS[action]);
      return view(row.id, log);
    },
  };
}

export type NewsletterService = ReturnType<typeof createNewsletterService>;

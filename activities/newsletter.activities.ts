import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { audiencePage } from '../db/audience.queries.js';
import {
  addRecipients,
  dueRecipients,
  findNewsletter,
  nextDueAt,
  recipientCounts,
  recordNewsletterStatus,
  recordRecipientOutcomes,
  saveCounters,
  skipQueued,
  CANCELLED,
  type RecipientOutcome,
} from '../db/newsletter.repository.js';
import { recipientSendAt, type NewsletterCounts, type NewsletterStatus } from '../domain/newsletter.js';
import { createEmailSender, type EmailDependencies, type SendSession } from './email.activities.js';
import type { ScoringDependencies } from './scoring.activities.js';

export interface NewsletterDependencies extends EmailDependencies, ScoringDependencies {
  /** Copies in flight at once per page: enough to keep the SMTP pool busy. */
  newsletterConcurrency?: number;
}

/** The cause of one recipient's copy: the same newsletter and contact always give the same e-mail id. */
export function newsletterCause(newsletterId: string, contactId: string): string {
  return `newsletter:${newsletterId}/${contactId}`;
}

export const MATERIALISE_PAGE_SIZE = 1_000;
export const SEND_PAGE_SIZE = 200;
/** Recipient outcomes written per statement. */
const OUTCOME_BATCH = 25;

export interface MaterialisePageInput {
  newsletterId: string;
  after: string | null;
  /** The send time the audience is evaluated at (score decay, last activity), the same for every page. */
  at: string;
}

export interface MaterialisePageResult {
  lastContactId: string | null;
  done: boolean;
  counts: NewsletterCounts;
}

export interface SendPageInput {
  newsletterId: string;
  /** Copies due by this time (the workflow's clock) are sent. */
  dueBy: string;
  after: string | null;
}

export interface SendPageResult {
  lastContactId: string | null;
  /** No due recipient is left after `lastContactId`. */
  exhausted: boolean;
  /** When the next queued copy is due, if any is left. */
  nextDueAt: string | null;
  counts: NewsletterCounts;
}

interface PageHeartbeat {
  /** Every recipient up to this id is done: a retried attempt starts after it. */
  after: string | null;
}

/** Spaces starts 1/rate apart: a provider's quota, on top of the worker's SMTP rate limit. */
function pacer(ratePerSecond: number | null): () => Promise<void> {
  if (ratePerSecond === null) return async () => undefined;
  const interval = 1000 / ratePerSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    const wait = Math.max(0, next - now);
    next = Math.max(now, next) + interval;
    if (wait > 0) await sleep(wait);
  };
}

/** The send logic's permanent refusals that concern one recipient, not the newsletter. */
const SKIP_REASONS: Record<string, string> = {
  ContactNotFound: 'contact-not-found',
  NoEmailAddress: 'no-email-address',
};

export function createNewsletterActivities(deps: NewsletterDependencies) {
  const { openSendSession } = createEmailSender(deps);
  const concurrency = deps.newsletterConcurrency ?? 8;

  async function requireNewsletter(id: string) {
    const newsletter = await findNewsletter(deps.db, id);
    if (newsletter === undefined) throw ApplicationFailure.nonRetryable(`newsletter ${id} does not exist`, 'NewsletterNotFound');
    return newsletter;
  }

  async function countAndSave(newsletterId: string): Promise<NewsletterCounts> {
    const counts = await recipientCounts(deps.db, newsletterId);
    await saveCounters(deps.db, newsletterId, counts);
    return counts;
  }

  /**
   * Adds one page of the audience (keyset on contact id) as recipients, each due at its own time.
   * A contact without an address is accounted for at once: skipped, `no-email-address`.
   */
  async function materialiseNewsletterPage(input: MaterialisePageInput): Promise<MaterialisePageResult> {
    const newsletter = await requireNewsletter(input.newsletterId);
    const at = new Date(input.at);
    const members = await audiencePage(deps.db, { segment: newsletter.audience, topic: newsletter.topic }, await deps.models.active(), at, {
      after: input.after,
      limit: MATERIALISE_PAGE_SIZE,
    });
    await addRecipients(
      deps.db,
      newsletter.id,
      members.map((member) =>
        member.hasEmail
          ? { contactId: member.id, status: 'queued', reason: null, sendAt: recipientSendAt(newsletter.schedule, member.timeZone, at) }
          : { contactId: member.id, status: 'skipped', reason: 'no-email-address', sendAt: at },
      ),
    );
    return { lastContactId: members.at(-1)?.id ?? input.after, done: members.length < MATERIALISE_PAGE_SIZE, counts: await countAndSave(newsletter.id) };
  }

  async function sendToRecipient(session: SendSession, newsletterId: string, template: string, topic: string, contactId: string, couponCampaign: string | null): Promise<RecipientOutcome> {
    try {
      const result = await session.send({
        cause: newsletterCause(newsletterId, contactId),
        contactId,
        template,
        category: 'marketing',
        topic,
        data: { newsletter: { id: newsletterId } },
        // The newsletter is the cause: a retried page, or a copy sent again, finds the recipient's code.
        ...(couponCampaign === null ? {} : { coupon: { campaignId: couponCampaign, cause: `newsletter:${newsletterId}` } }),
      });
      switch (result.status) {
        case 'sent':
        case 'already-sent':
          return { status: 'sent', emailId: result.emailId };
        case 'skipped':
          return { status: 'skipped', reason: result.reason, emailId: result.emailId };
        case 'deferred':
          return { status: 'deferred', until: new Date(result.until), reason: result.reason };
      }
    } catch (error) {
      if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
      const skip = SKIP_REASONS[error.type ?? ''];
      return skip === undefined ? { status: 'failed', reason: error.type ?? 'failed', emailId: null } : { status: 'skipped', reason: skip, emailId: null };
    }
  }

  /**
   * Sends one page of due recipients through the same send logic as every e-mail (consent, budget,
   * exactly-once outbox), several at a time under the newsletter's rate. One activity per page, not
   * per recipient, keeps the workflow history small; outcomes are written every few recipients, and
   * the heartbeat carries the prefix already written, so a retried attempt goes on where this one
   * stopped, and a copy sent but not yet written is found in the outbox rather than sent again.
   */
  async function sendNewsletterPage(input: SendPageInput): Promise<SendPageResult> {
    const context = Context.current();
    const newsletter = await requireNewsletter(input.newsletterId);
    const resumed = context.info.heartbeatDetails as PageHeartbeat | undefined;
    const after = resumed?.after ?? input.after;
    // A page lasts about two seconds at most under a quota, so pause and cancel take effect between
    // pages that soon even before the cancellation reaches the page through its heartbeat.
    const limit = newsletter.rate_per_second === null ? SEND_PAGE_SIZE : Math.max(1, Math.min(SEND_PAGE_SIZE, newsletter.rate_per_second * 2));
    const ids = await dueRecipients(deps.db, newsletter.id, { dueBy: new Date(input.dueBy), after, limit });
    const pace = pacer(newsletter.rate_per_second);
    const session = openSendSession();
    // Outcomes are written in batches; the heartbeat only moves past recipients whose outcome is stored.
    const stored = new Array<boolean>(ids.length).fill(false);
    let pending: { index: number; contactId: string; outcome: RecipientOutcome }[] = [];
    let prefix = 0;
    let next = 0;
    let failure: unknown;
    const stopped = () => failure !== undefined || context.cancellationSignal.aborted;

    // After every recipient (the SDK throttles what reaches the server): a slow page stays alive, and
    // a pause or cancel reaches it.
    const beat = () => context.heartbeat({ after: prefix === 0 ? after : ids[prefix - 1]! } satisfies PageHeartbeat);
    const flush = async () => {
      const batch = pending;
      pending = [];
      // The e-mails' own rows first: a recipient counted sent has its e-mail's answer on record.
      await session.flush();
      if (batch.length === 0) return;
      await recordRecipientOutcomes(deps.db, newsletter.id, batch);
      for (const { index } of batch) stored[index] = true;
      while (prefix < ids.length && stored[prefix]) prefix += 1;
    };

    const lane = async () => {
      while (next < ids.length && !stopped()) {
        const index = next++;
        const contactId = ids[index]!;
        try {
          await pace();
          if (context.cancellationSignal.aborted) return;
          const outcome = await sendToRecipient(session, newsletter.id, newsletter.template, newsletter.topic, contactId, newsletter.coupon_campaign_id);
          // Pushed once the send is over, into the batch pending then: `pending.push(await send)` reads
          // `pending` before the send, and another lane's flush meanwhile would leave the outcome in a
          // batch already written, the copy delivered but its recipient still queued (cancelled, after a cancel).
          pending.push({ index, contactId, outcome });
          if (pending.length >= OUTCOME_BATCH) await flush();
          beat();
        } catch (error) {
          failure ??= error;
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, lane));
    // What was sent before a failure or an interruption is recorded before the page gives up.
    await flush();

    if (failure !== undefined) throw failure;
    if (context.cancellationSignal.aborted) {
      // The workflow asked (pause, cancel): confirm. Anything else (worker shutdown) fails the attempt,
      // so Temporal retries the page on another worker from the heartbeat.
      if (context.cancellationDetails?.cancelRequested) throw new CancelledFailure('newsletter page interrupted');
      throw ApplicationFailure.retryable('newsletter page interrupted by worker shutdown', 'PageInterrupted');
    }
    const nextDue = await nextDueAt(deps.db, newsletter.id);
    return {
      lastContactId: ids.at(-1) ?? after,
      exhausted: ids.length < limit,
      nextDueAt: nextDue?.toISOString() ?? null,
      counts: await countAndSave(newsletter.id),
    };
  }

  /** Writes the newsletter's status and counts; a cancelled one accounts for everyone not reached. */
  async function recordNewsletterProgress(input: { newsletterId: string; status: NewsletterStatus }): Promise<NewsletterCounts> {
    if (input.status === 'cancelled') await skipQueued(deps.db, input.newsletterId, CANCELLED);
    const counts = await recipientCounts(deps.db, input.newsletterId);
    await recordNewsletterStatus(deps.db, input.newsletterId, input.status, counts);
    return counts;
  }

  return { materialiseNewsletterPage, sendNewsletterPage, recordNewsletterProgress };
}

import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NewsletterCounts, NewsletterStatus } from '../domain/newsletter.js';
import { cancelSignal, pauseSignal, progressQuery, resumeSignal } from './newsletter.messages.js';

const { materialiseNewsletterPage, sendNewsletterPage } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  // A page heartbeats after every recipient (the SDK sends one every 80 % of this at most): a dead
  // worker's page moves on within half a minute, and a pause reaches the page in flight. Shorter, a
  // worker starved of CPU for a few seconds saw its live page given up on and retried beside it.
  heartbeatTimeout: '30 seconds',
  // Pause and cancel wait for the page to stop, so the counts they report are final.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['NewsletterNotFound'] },
});

const { recordNewsletterProgress } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type Phase = 'materialise' | 'send' | 'done';

/** What one run hands to the next when it continues as new. */
export interface NewsletterCarriedState {
  phase: Exclude<Phase, 'done'>;
  cursor: string | null;
  audienceAt: string;
  paused: boolean;
  counts: NewsletterCounts;
  nextSendAt: string | null;
}

export interface NewsletterWorkflowInput {
  newsletterId: string;
  /** When to build the audience and start sending (a scheduled or local-time send); null: at once. */
  startAt: string | null;
  /** Pages per run before the history starts afresh (continue-as-new). */
  pagesPerRun?: number;
  carried?: NewsletterCarriedState;
}

export interface NewsletterWorkflowResult {
  status: NewsletterStatus;
  counts: NewsletterCounts;
}

const DEFAULT_PAGES_PER_RUN = 100;

/**
 * Broadcasts a newsletter (workflow id `newsletter:<id>`): waits for its time, adds the audience as
 * recipients page by page (keyset on contact id), then sends page by page what is due, sleeping until
 * the next time zone's hour or deferral, until nobody is left queued. Pause, resume and cancel arrive
 * as signals; `progress` answers from the counts of the last page. Histories stay small however large
 * the audience: one activity per page, and a fresh run every `pagesPerRun` pages.
 */
export async function newsletterWorkflow(input: NewsletterWorkflowInput): Promise<NewsletterWorkflowResult> {
  const { newsletterId } = input;
  const carried = input.carried;
  let status: NewsletterStatus = carried === undefined ? 'scheduled' : carried.paused ? 'paused' : 'sending';
  let counts: NewsletterCounts = carried?.counts ?? { total: 0, queued: 0, sent: 0, skipped: {}, failed: 0 };
  let nextSendAt = carried?.nextSendAt ?? input.startAt;
  let paused = carried?.paused ?? false;
  let cancelled = false;
  let pageInFlight: CancellationScope | undefined;

  setHandler(pauseSignal, () => {
    paused = true;
    pageInFlight?.cancel();
  });
  setHandler(resumeSignal, () => {
    paused = false;
  });
  setHandler(cancelSignal, () => {
    cancelled = true;
    pageInFlight?.cancel();
  });
  setHandler(progressQuery, () => ({ status, counts, nextSendAt }));

  // The query shows the new status together with the counts written with it, never with stale ones.
  const record = async (next: NewsletterStatus) => {
    counts = await recordNewsletterProgress({ newsletterId, status: next });
    status = next;
  };

  /** Runs a page unless paused or cancelled; a pause or cancel stops the page in flight (undefined). */
  const interruptibly = async <T>(page: () => Promise<T>): Promise<T | undefined> => {
    if (paused || cancelled) return undefined;
    const scope = new CancellationScope();
    pageInFlight = scope;
    try {
      return await scope.run(page);
    } catch (error) {
      if (isCancellation(error) && (paused || cancelled)) return undefined;
      throw error;
    } finally {
      pageInFlight = undefined;
    }
  };

  /** Wakes early on cancel or pause. */
  const waitUntil = async (time: string) => {
    const ms = Date.parse(time) - Date.now();
    if (ms > 0) await condition(() => cancelled || paused, ms);
  };

  try {
    if (carried === undefined && input.startAt !== null) {
      await waitUntil(input.startAt);
    }
    let phase: Phase = carried?.phase ?? 'materialise';
    let cursor = carried?.cursor ?? null;
    // The audience is taken as of one instant, the same for every page.
    const audienceAt = carried?.audienceAt ?? new Date().toISOString();
    if (carried === undefined && !cancelled && !paused) await record('sending');

    for (let pages = 0; !cancelled && phase !== 'done'; ) {
      if (paused) {
        await record('paused');
        await condition(() => !paused || cancelled);
        if (cancelled) break;
        await record('sending');
      }
      if (phase === 'materialise') {
        const page = await interruptibly(() => materialiseNewsletterPage({ newsletterId, after: cursor, at: audienceAt }));
        if (page === undefined) continue;
        counts = page.counts;
        cursor = page.lastContactId;
        if (page.done) [phase, cursor] = ['send', null];
      } else {
        const page = await interruptibly(() => sendNewsletterPage({ newsletterId, dueBy: new Date().toISOString(), after: cursor }));
        if (page === undefined) continue;
        counts = page.counts;
        cursor = page.lastContactId;
        nextSendAt = page.nextDueAt;
        if (page.exhausted) {
          cursor = null;
          if (page.nextDueAt === null) phase = 'done';
          else await waitUntil(page.nextDueAt);
        }
      }
      pages += 1;
      if (phase !== 'done' && (pages >= (input.pagesPerRun ?? DEFAULT_PAGES_PER_RUN) || workflowInfo().continueAsNewSuggested)) {
        await continueAsNew<typeof newsletterWorkflow>({ ...input, carried: { phase, cursor, audienceAt, paused, counts, nextSendAt } });
      }
    }
  } catch (error) {
    // Cancelled from outside (Temporal's UI or CLI) rather than by the signal: still account for everyone.
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(() => record('cancelled'));
    throw error;
  }
  nextSendAt = null;
  await record(cancelled ? 'cancelled' : 'completed');
  return { status, counts };
}

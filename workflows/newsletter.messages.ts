import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { NewsletterCounts, NewsletterStatus } from '../domain/newsletter.js';

// Shared by the broadcast workflow and the API that steers it; only message definitions live here.

export interface NewsletterProgress {
  status: NewsletterStatus;
  counts: NewsletterCounts;
  /** When the next copies are due (a later time zone, a deferral), while some wait. */
  nextSendAt: string | null;
}

/** Stops taking recipients; copies already handed to SMTP finish. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Ends the broadcast; everyone not reached yet is counted as skipped, reason `cancelled`. */
export const cancelSignal = defineSignal('cancel');
export const progressQuery = defineQuery<NewsletterProgress>('progress');

// Workflow ids are business keys: starting a workflow that already runs (or ran) for the same key is
// a no-op, not a second journey. Shared with the API, so this file imports nothing.

export function welcomeWorkflowId(contactId: string): string {
  return `welcome:contact:${contactId}`;
}

/** The e-mail the welcome workflow sends; a journey sending it too takes the welcome over. */
export const WELCOME_TEMPLATE = 'welcome';

export function rescoreWorkflowId(modelId: string, version: number): string {
  return `rescore:model:${modelId}:v${version}`;
}

export const STAGE_REVIEW_WORKFLOW_ID = 'maintenance:stage-review';

/** One hand-off at a time per contact: a second MQL or journey request finds the running one. */
export function handoffWorkflowId(contactId: string): string {
  return `handoff:${contactId}`;
}

/** One confirmation e-mail per double opt-in request: asking again later is a new request. */
export function subscriptionConfirmationWorkflowId(contactId: string, topic: string, requestedAt: string): string {
  return `consent:contact:${contactId}:topic:${topic}:${requestedAt}`;
}

/** One run per contact (and per cart or order when the journey has an entry key). */
export function journeyWorkflowId(journeyId: string, contactId: string, entryKey?: string): string {
  const base = `journey:${journeyId}:contact:${contactId}`;
  return entryKey === undefined ? base : `${base}:key:${encodeURIComponent(entryKey)}`;
}

export function newsletterWorkflowId(newsletterId: string): string {
  return `newsletter:${newsletterId}`;
}

/** The Temporal Schedule of a journey that enters contacts on a calendar (an occasion, a weekly digest). */
export function journeyScheduleId(journeyId: string): string {
  return `journey-schedule:${journeyId}`;
}

/** The schedule appends each tick's time to this id: the tick workflow's id is the cause its entries are kept under. */
export function journeyTickWorkflowId(journeyId: string): string {
  return `journey-tick:${journeyId}`;
}

/**
 * The run id of a cohort's member, in `journey_runs` and in its e-mail causes: unique per member as a
 * run id of its own would be, and kept when the member leaves for a workflow of its own.
 */
export function cohortMemberRunId(cohortRunId: string, memberIndex: number): string {
  return `${cohortRunId}/${memberIndex}`;
}

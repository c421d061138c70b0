import type { Db } from '../db/connection.js';
import { scheduledCohortPage, scheduledJourneys } from '../db/journey-schedule.queries.js';
import { enqueueIntents } from '../db/outbox.repository.js';

export interface EnqueueScheduledEntriesInput {
  journeyId: string;
  /** The tick workflow's id: the cause every entry of this tick is kept under. */
  tick: string;
  after?: string;
  limit?: number;
}

const COHORT_PAGE = 1_000;

export function createJourneyScheduleActivities(deps: { db: Db }) {
  return {
    /** One page of a calendar tick's cohort into the outbox; `next` is where the following page starts. */
    async enqueueScheduledEntries(input: EnqueueScheduledEntriesInput): Promise<{ enqueued: number; next?: string }> {
      const limit = input.limit ?? COHORT_PAGE;
      const [journey] = await scheduledJourneys(deps.db, input.journeyId);
      // Paused, archived or republished without a calendar since the tick fired: nobody enters.
      if (journey === undefined || journey.status !== 'active') return { enqueued: 0 };
      const contactIds = await scheduledCohortPage(deps.db, { ...(journey.entry.stages === undefined ? {} : { stages: journey.entry.stages }), ...(input.after === undefined ? {} : { after: input.after }), limit });
      await deps.db.transaction().execute((trx) =>
        enqueueIntents(trx, contactIds.map((contactId) => ({ kind: 'scheduled_entry' as const, journeyId: input.journeyId, contactId, tick: input.tick }))),
      );
      return { enqueued: contactIds.length, ...(contactIds.length === limit ? { next: contactIds.at(-1)! } : {}) };
    },
  };
}

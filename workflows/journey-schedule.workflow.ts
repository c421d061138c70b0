import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { enqueueScheduledEntries } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes' },
});

export interface JourneyScheduleTickInput {
  journeyId: string;
  /** Where the previous execution stopped paging (after continueAsNew). */
  after?: string;
}

/**
 * One calendar tick of a scheduled journey, started by its Temporal Schedule: pages through the
 * cohort and hands each contact to the outbox as a `scheduled_entry`, whose cause is this
 * workflow's id (the schedule makes it unique per tick). The router then admits each contact as it
 * admits any entry (re-entry policy, one entry per cause), so a retried page enters nobody twice.
 */
export async function journeyScheduleTickWorkflow(input: JourneyScheduleTickInput): Promise<{ enqueued: number }> {
  const tick = workflowInfo().workflowId;
  let after = input.after;
  let enqueued = 0;
  for (;;) {
    const page = await enqueueScheduledEntries({ journeyId: input.journeyId, tick, ...(after === undefined ? {} : { after }) });
    enqueued += page.enqueued;
    if (page.next === undefined) return { enqueued };
    after = page.next;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof journeyScheduleTickWorkflow>({ journeyId: input.journeyId, after });
  }
}

import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { reviewStages } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export interface StageReviewInput {
  /** How often decayed scores are reviewed. */
  intervalMinutes: number;
}

const PAGE = 500;

/**
 * Runs for as long as the engine does (one per namespace, id `maintenance:stage-review`): demotes
 * MQLs whose engagement decayed under the threshold, on the workflow's own clock, so the review is
 * exact in time-skipping tests and survives restarts.
 */
export async function stageReviewWorkflow(input: StageReviewInput): Promise<void> {
  for (;;) {
    const at = new Date().toISOString();
    // Each page demotes what it reviews; the bound only guards against a page that keeps coming back.
    for (let page = 0, reviewed = PAGE; reviewed === PAGE && page < 1_000; page += 1) {
      ({ reviewed } = await reviewStages({ at, limit: PAGE }));
    }
    await sleep(`${input.intervalMinutes} minutes`);
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof stageReviewWorkflow>(input);
  }
}

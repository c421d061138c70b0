import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { rescorePage } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['ModelSuperseded'] },
});

export interface RescoreWorkflowInput {
  modelId: string;
  version: number;
  afterContactId: string | null;
  rescored: number;
}

const PAGE_SIZE = 200;

/** Re-scores every contact after a scoring model change, page by page, without stopping ingestion. */
export async function rescoreWorkflow(input: RescoreWorkflowInput): Promise<{ rescored: number }> {
  let { afterContactId, rescored } = input;
  for (;;) {
    const page = await rescorePage({ modelId: input.modelId, version: input.version, afterContactId, limit: PAGE_SIZE });
    rescored += page.rescored;
    if (page.rescored < PAGE_SIZE || page.lastContactId === null) return { rescored };
    afterContactId = page.lastContactId;
    // A large audience stays a short history: start afresh when Temporal suggests it.
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof rescoreWorkflow>({ ...input, afterContactId, rescored });
    }
  }
}

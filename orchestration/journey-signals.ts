import type { Client } from '@temporalio/client';
import { journeyCohortMemberSignal, signalOwnWorkflow, type JourneyRunCommand } from '../workflows/journey-cohort.contract.js';

/** A run as `journey_runs` knows it: its id, and the cohort it runs in when it has no workflow of its own. */
export interface AddressedRun {
  workflowId: string;
  cohortId: string | null;
}

/**
 * Tells one journey run something, wherever it runs: its own workflow's signal, or its cohort's
 * signal naming it. The one way the router, the API and an erasure reach a run.
 * Throws WorkflowNotFoundError when the workflow has ended, as a signal does.
 */
export async function tellJourneyRun(temporal: Client, run: AddressedRun, command: JourneyRunCommand): Promise<void> {
  if (run.cohortId !== null) {
    await temporal.workflow.getHandle(run.cohortId).signal(journeyCohortMemberSignal, { memberId: run.workflowId, command });
    return;
  }
  await signalOwnWorkflow(temporal.workflow.getHandle(run.workflowId), command);
}

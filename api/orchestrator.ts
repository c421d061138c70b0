import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import { dispatchPending, type OrchestrationIntent } from '../db/outbox.repository.js';
import type { JourneyRouter } from './journey-router.js';
import { STAGE_REVIEW_WORKFLOW_ID, welcomeWorkflowId } from '../workflows/ids.js';
import type { stageReviewWorkflow } from '../workflows/stage-review.workflow.js';
import type { welcomeWorkflow } from '../workflows/welcome.workflow.js';

/** Hands one outbox intent to Temporal. Idempotent: workflow ids are business keys. */
export type Orchestrator = (intent: OrchestrationIntent) => Promise<void>;

export function createTemporalOrchestrator(client: Client, taskQueue: string, journeys?: JourneyRouter): Orchestrator {
  return async (intent) => {
    switch (intent.kind) {
      case 'welcome':
        try {
          await client.workflow.start<typeof welcomeWorkflow>('welcomeWorkflow', {
            taskQueue,
            workflowId: welcomeWorkflowId(intent.contactId),
            args: [{ contactId: intent.contactId }],
            // A contact is welcomed once in its life: a replayed sign-up starts nothing.
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'USE_EXISTING',
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
        return;
      case 'stage_changed':
        // Recorded as a `stage_changed` event; journeys that start on a stage subscribe here.
        await journeys?.routeStageChange(intent);
        return;
      case 'journey_event':
        // Without a router the intent must stay pending, not be marked done.
        if (journeys === undefined) throw new Error('journey_event intent but no journey router in this process');
        await journeys.routeEvent(intent);
        return;
    }
  };
}

/**
 * Sends outbox intents to Temporal right after the commit that wrote them, and sweeps every second
 * for any that failed (Temporal unreachable, process killed between commit and dispatch).
 */
export function createOutboxDispatcher(db: Db, orchestrate: Orchestrator, log: (error: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();

  return {
    async dispatchNow(ids: readonly number[]): Promise<void> {
      if (ids.length === 0) return;
      await dispatchPending(db, orchestrate, { ids }).catch(log);
    },
    startSweeper(intervalMs = 1_000): void {
      const sweep = () => {
        sweeping = dispatchPending(db, orchestrate).catch(log).finally(() => {
          timer = setTimeout(sweep, intervalMs);
          timer.unref();
        });
      };
      timer = setTimeout(sweep, intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearTimeout(timer);
      timer = undefined;
      await sweeping;
    },
  };
}
export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;

/** Starts the long-running stage review once per namespace; a second API process finds it running. */
export async function ensureStageReview(client: Client, taskQueue: string, intervalMinutes = 60): Promise<void> {
  try {
    await client.workflow.start<typeof stageReviewWorkflow>('stageReviewWorkflow', {
      taskQueue,
      workflowId: STAGE_REVIEW_WORKFLOW_ID,
      args: [{ intervalMinutes }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

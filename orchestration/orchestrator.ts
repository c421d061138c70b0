import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import { dispatchPending, type BeginSweep, type OrchestrationIntent } from '../db/outbox.repository.js';
import type { handoffWorkflow, HandoffWorkflowInput } from '../workflows/handoff.workflow.js';
import { handoffWorkflowId, STAGE_REVIEW_WORKFLOW_ID, subscriptionConfirmationWorkflowId, welcomeWorkflowId } from '../workflows/ids.js';
import type { stageReviewWorkflow } from '../workflows/stage-review.workflow.js';
import type { subscriptionConfirmationWorkflow } from '../workflows/subscription-confirmation.workflow.js';
import type { welcomeWorkflow } from '../workflows/welcome.workflow.js';
import type { JourneyRouter } from './journey-router.js';

/** Hands claimed outbox intents to Temporal. Idempotent: workflow ids are business keys, journey entries are kept per cause. */
export type Orchestrator = BeginSweep;

export function createTemporalOrchestrator(client: Client, taskQueue: string, journeys?: JourneyRouter): Orchestrator {
  return async (trx, intents) => {
    const routing = await journeys?.begin(trx, intents);
    const dispatch = async (intent: OrchestrationIntent): Promise<void> => {
      switch (intent.kind) {
        case 'welcome':
          // A published journey that admits this sign-up and sends the welcome itself: one welcome per person.
          if (intent.eventId !== undefined && routing?.welcomesSignUp(intent.eventId) === true) return;
          // A contact is welcomed once in its life: a replayed sign-up starts nothing.
          await startOnce(client, 'welcomeWorkflow', { taskQueue, workflowId: welcomeWorkflowId(intent.contactId), args: [{ contactId: intent.contactId }] });
          return;
        case 'stage_changed':
          // An MQL goes to sales; journeys that start on (or wait for) a stage hear of it too.
          if (intent.to === 'mql') await startHandoff(client, taskQueue, { contactId: intent.contactId, reason: 'became MQL', source: 'mql', transitionId: intent.transitionId });
          await routing?.routeStageChange(intent);
          return;
        case 'handoff_requested':
          await startHandoff(client, taskQueue, { contactId: intent.contactId, reason: intent.reason, source: intent.source });
          return;
        case 'subscription_confirmation':
          await startOnce(client, 'subscriptionConfirmationWorkflow', {
            taskQueue,
            workflowId: subscriptionConfirmationWorkflowId(intent.contactId, intent.topic, intent.requestedAt),
            args: [{ contactId: intent.contactId, topic: intent.topic }],
          });
          return;
        case 'journey_event':
          // Without a router the intent must stay pending, not be marked done.
          if (routing === undefined) throw new Error('journey_event intent but no journey router in this process');
          await routing.routeEvent(intent);
          return;
        case 'scheduled_entry':
          if (routing === undefined) throw new Error('scheduled_entry intent but no journey router in this process');
          await routing.routeScheduledEntry(intent);
          return;
      }
    };
    return {
      laneOf: (intent) => routing?.contactOf(intent) ?? intent.contactId,
      dispatch,
      finish: async () => routing?.record(),
    };
  };
}

/** Starts a workflow whose id may run once ever: a second start, while it runs or after, does nothing. */
async function startOnce<W extends typeof welcomeWorkflow | typeof subscriptionConfirmationWorkflow>(
  client: Client,
  workflowType: string,
  options: { taskQueue: string; workflowId: string; args: Parameters<W> },
): Promise<void> {
  try {
    await client.workflow.start<W>(workflowType, { ...options, workflowIdReusePolicy: 'REJECT_DUPLICATE', workflowIdConflictPolicy: 'USE_EXISTING' });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** One hand-off per contact at a time: a second MQL or journey request while one runs joins it. */
async function startHandoff(client: Client, taskQueue: string, input: HandoffWorkflowInput): Promise<void> {
  await client.workflow.start<typeof handoffWorkflow>('handoffWorkflow', {
    taskQueue,
    workflowId: handoffWorkflowId(input.contactId),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/** Intents one sweep claims; a journey's crowd admitted in one claim runs as one cohort. */
const SWEEP_CLAIM = 200;

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
        let backlog = false;
        sweeping = dispatchPending(db, orchestrate, { limit: SWEEP_CLAIM })
          .then(({ dispatched, failed }) => {
            // A full claim means more are waiting (a calendar tick's crowd, an import): take the next at once.
            backlog = dispatched > 0 && dispatched + failed >= SWEEP_CLAIM;
          })
          .catch(log)
          .finally(() => {
            timer = setTimeout(sweep, backlog ? 0 : intervalMs);
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

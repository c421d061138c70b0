import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { welcomeWorkflowId } from '../workflows/ids.js';
import type { welcomeWorkflow } from '../workflows/welcome.workflow.js';

/** Hands to Temporal only what needs orchestration; everything else stays a row in PostgreSQL. */
export interface Orchestrator {
  welcomeContact(contactId: string): Promise<void>;
}

export function createOrchestrator(client: Client, taskQueue: string): Orchestrator {
  return {
    async welcomeContact(contactId) {
      try {
        await client.workflow.start<typeof welcomeWorkflow>('welcomeWorkflow', {
          taskQueue,
          workflowId: welcomeWorkflowId(contactId),
          args: [{ contactId }],
          // A contact is welcomed once in its life: a retried or replayed sign-up starts nothing.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
  };
}

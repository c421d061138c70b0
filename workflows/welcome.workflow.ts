import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { WELCOME_TEMPLATE } from './ids.js';

const { sendEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface WelcomeWorkflowInput {
  // Only the id travels in the history: the address and name are read by the activity.
  contactId: string;
}

/** Sends the welcome e-mail to a contact who just gave us their address. */
export async function welcomeWorkflow(input: WelcomeWorkflowInput): Promise<{ emailId: string }> {
  const result = await sendEmail({
    cause: `${workflowInfo().workflowId}/welcome`,
    contactId: input.contactId,
    template: WELCOME_TEMPLATE,
  });
  return { emailId: result.emailId };
}

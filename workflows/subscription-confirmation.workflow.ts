import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { sendEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface SubscriptionConfirmationInput {
  contactId: string;
  topic: string;
}

/**
 * Double opt-in: sends the e-mail whose signed link confirms a pending subscription. Transactional (the
 * contact just asked for it), so neither quiet hours nor the marketing budget hold it back.
 */
export async function subscriptionConfirmationWorkflow(input: SubscriptionConfirmationInput): Promise<{ status: string; emailId: string }> {
  const result = await sendEmail({
    cause: `${workflowInfo().workflowId}/confirm`,
    contactId: input.contactId,
    template: 'confirm-subscription',
    category: 'transactional',
    topic: input.topic,
  });
  return { status: result.status, emailId: result.emailId };
}

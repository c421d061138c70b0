// Workflow ids are business keys: starting a workflow that already runs (or ran) for the same key is
// a no-op, not a second journey. Shared with the API, so this file imports nothing.

export function welcomeWorkflowId(contactId: string): string {
  return `welcome:contact:${contactId}`;
}

export function rescoreWorkflowId(modelId: string, version: number): string {
  return `rescore:model:${modelId}:v${version}`;
}

export const STAGE_REVIEW_WORKFLOW_ID = 'maintenance:stage-review';

export function newsletterWorkflowId(newsletterId: string): string {
  return `newsletter:${newsletterId}`;
}

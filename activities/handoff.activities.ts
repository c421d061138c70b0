import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../db/connection.js';
import {
  activeRoutingRules,
  assignHandoff,
  breachSla,
  buildLeadSummary,
  findStageTransition,
  claimCrmDelivery,
  crmPayload,
  markCrmDeadLetter,
  markReminded,
  openHandoff,
  recordCrmAttempt,
  recycleHandoff,
  RoutingNotConfiguredError,
  storeLeadSummary,
  type Assignment,
  type OpenHandoffResult,
  type SlaOutcome,
} from '../db/handoff/index.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';
import { signedWebhookHeaders } from './webhook-signature.js';

export interface HandoffDependencies {
  db: Db;
  models: ScoringModelStore;
  /** Signs CRM webhook bodies; without it no hand-off is delivered (each ends in dead letter, saying why). */
  webhookSecret?: string | undefined;
}


const CRM_TIMEOUT_MS = 10_000;

export function createHandoffActivities(deps: HandoffDependencies) {
  async function openLeadHandoff(input: {
    contactId: string;
    workflowId: string;
    runId: string;
    reason: string;
    source: string;
    transitionId?: number | undefined;
    at: string;
  }): Promise<OpenHandoffResult> {
    const transition = input.transitionId === undefined ? undefined : await findStageTransition(deps.db, input.transitionId);
    const reason = transition === undefined ? input.reason : `${input.reason}: ${transition.reason}`;
    return openHandoff(deps.db, { contactId: input.contactId, workflowId: input.workflowId, runId: input.runId, source: input.source, reason, at: new Date(input.at) });
  }

  async function assignLead(input: { handoffId: string; at: string; reassign: boolean }): Promise<Assignment> {
    try {
      return await assignHandoff(deps.db, { handoffId: input.handoffId, at: new Date(input.at), reassign: input.reassign });
    } catch (error) {
      // Retried with backoff: an admin who PUTs the rules gets the waiting leads routed.
      if (error instanceof RoutingNotConfiguredError) throw ApplicationFailure.retryable(error.message, 'RoutingNotConfigured');
      throw error;
    }
  }

  /** Builds the rep's view of the lead and stores it with the hand-off: the history keeps only the id. */
  async function summarizeLead(input: { handoffId: string; at: string }): Promise<void> {
    const summary = await buildLeadSummary(deps.db, input.handoffId, await deps.models.active(), new Date(input.at));
    await storeLeadSummary(deps.db, input.handoffId, summary);
  }

  async function recordReminder(input: { handoffId: string; at: string }): Promise<{ stillWaiting: boolean }> {
    return { stillWaiting: await markReminded(deps.db, input.handoffId, new Date(input.at)) };
  }

  async function handleSlaBreach(input: { handoffId: string; at: string; reassignmentsSoFar: number }): Promise<SlaOutcome> {
    return breachSla(deps.db, { handoffId: input.handoffId, at: new Date(input.at), reassignmentsSoFar: input.reassignmentsSoFar });
  }

  async function recycleLead(input: { handoffId: string; at: string }): Promise<{ recycled: boolean }> {
    // The outbox sweeper hands the stage change to Temporal, as for the scoring activities.
    const { recycled } = await recycleHandoff(deps.db, { handoffId: input.handoffId, at: new Date(input.at) });
    return { recycled };
  }

  /**
   * One delivery attempt of the hand-off to the CRM. Temporal retries it with backoff; every
   * attempt carries the same Idempotency-Key (the delivery id), so a CRM that received a request
   * whose answer got lost recognises the retry.
   */
  async function deliverToCrm(input: { handoffId: string }): Promise<{ status: 'delivered' | 'already-delivered' }> {
    const rules = (await activeRoutingRules(deps.db))?.rules;
    const target = rules?.crmWebhook;
    if (target === undefined) throw ApplicationFailure.nonRetryable('no CRM webhook is configured any more', 'CrmWebhookNotConfigured');
    const delivery = await claimCrmDelivery(deps.db, input.handoffId, target.url);
    if (delivery.status === 'delivered') return { status: 'already-delivered' };
    const fail = async (statusCode: number | null, message: string, retryable: boolean): Promise<never> => {
      await recordCrmAttempt(deps.db, delivery.id, { delivered: false, statusCode, error: message });
      if (retryable) throw ApplicationFailure.retryable(message, 'CrmDeliveryFailed');
      throw ApplicationFailure.nonRetryable(message, 'CrmDeliveryRefused');
    };
    if (deps.webhookSecret === undefined) return fail(null, 'WEBHOOK_SECRET is not set: hand-offs cannot be signed', false);

    const payload = await crmPayload(deps.db, input.handoffId);
    const body = JSON.stringify({ type: 'handoff.assigned', deliveryId: delivery.id, handoff: payload });
    let response: Response;
    try {
      response = await fetch(delivery.url, {
        method: 'POST',
        headers: signedWebhookHeaders(deps.webhookSecret, body, delivery.id, new Date()),
        body,
        signal: AbortSignal.any([AbortSignal.timeout(CRM_TIMEOUT_MS), Context.current().cancellationSignal]),
      });
      await response.body?.cancel();
    } catch (error) {
      return fail(null, `request failed: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    if (response.ok) {
      await recordCrmAttempt(deps.db, delivery.id, { delivered: true, statusCode: response.status, error: null });
      return { status: 'delivered' };
    }
    // 4xx other than timeouts and rate limits says the request itself is wrong: retrying cannot help.
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    return fail(response.status, `CRM answered ${response.status}`, retryable);
  }

  async function deadLetterCrmDelivery(input: { handoffId: string; error: string }): Promise<void> {
    await markCrmDeadLetter(deps.db, input.handoffId, input.error);
  }

  return { openLeadHandoff, assignLead, summarizeLead, recordReminder, handleSlaBreach, recycleLead, deliverToCrm, deadLetterCrmDelivery };
}

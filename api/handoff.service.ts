import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import { applySalesAction, type ActionResult, type Actor } from '../db/handoff/index.js';
import type { SalesAction } from '../domain/handoff/index.js';
import { salesActionSignal } from '../workflows/handoff.signals.js';

/**
 * Stores a rep's action (and its stage change) first, then tells the hand-off's workflow run. The
 * answer comes from the database, so a repeated action gets the same answer whether or not the
 * workflow still runs.
 */
export async function takeSalesAction(
  deps: { db: Db; temporal: Client; dispatchNow?: (ids: readonly number[]) => Promise<void> },
  input: { handoffId: string; action: SalesAction; actor: Actor; at?: Date },
): Promise<ActionResult> {
  const result = await applySalesAction(deps.db, { ...input, at: input.at ?? new Date() });
  if (result.kind !== 'done') return result;
  await deps.dispatchNow?.(result.outboxIds);
  const status = result.handoff.status;
  if (!result.repeated && status !== 'routing') {
    try {
      await deps.temporal.workflow.getHandle(result.handoff.workflowId, result.handoff.runId).signal(salesActionSignal, { status });
    } catch (error) {
      // A finished run has nothing left to wait for; the action is stored either way.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return result;
}

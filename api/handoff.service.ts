import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import type { StoredHandoffStatus } from '../db/handoff.types.js';
import { activeRoutingRules, applySalesAction, findHandoff, listLeadsOf, listReps, saveRoutingRules, upsertRep, type ActionResult, type Actor, type SalesRep } from '../db/handoff/index.js';
import type { RoutingRules, SalesAction } from '../domain/handoff/index.js';
import type { OutboxDispatcher } from '../orchestration/orchestrator.js';
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

/**
 * Sales hand-offs as the API reads and changes them: reps, the routing rules, a rep's inbox, one
 * hand-off with its CRM deliveries and actions, and a rep's action on it. `undefined` means none.
 */
export function createHandoffService(deps: { db: Db; temporal: Client; dispatcher: OutboxDispatcher }) {
  return {
    /** The rep as stored, with its open leads; the address is matched without case, as upsertRep stores it. */
    async saveRep(rep: SalesRep) {
      await upsertRep(deps.db, rep);
      const saved = (await listReps(deps.db)).find((candidate) => candidate.email === rep.email.toLowerCase());
      if (saved === undefined) throw new Error('rep vanished after its upsert');
      return saved;
    },
    reps: () => listReps(deps.db),
    /** The version number of the rules now in force. */
    saveRoutingRules: (rules: RoutingRules) => saveRoutingRules(deps.db, rules),
    routingRules: () => activeRoutingRules(deps.db),
    leadsOf: (owner: string, statuses: readonly StoredHandoffStatus[] | undefined, limit: number) => listLeadsOf(deps.db, owner, statuses, limit),
    handoff: (id: string) => findHandoff(deps.db, id),
    takeAction: (input: { handoffId: string; action: SalesAction; actor: Actor }) =>
      takeSalesAction({ db: deps.db, temporal: deps.temporal, dispatchNow: (ids) => deps.dispatcher.dispatchNow(ids) }, input),
  };
}

export type HandoffService = ReturnType<typeof createHandoffService>;

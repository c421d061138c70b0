import { HandoffStatus, decideSlaBreach } from '../../domain/handoff/index.js';
import type { Db } from '../connection.js';
import { activeRoutingRules } from './reps.repository.js';
import { moveStage } from './stage-moves.js';

// SLA

export type SlaOutcome =
  | { kind: 'answered'; status: HandoffStatus }
  | { kind: 'reassign' }
  | { kind: 'escalated'; to: string | null };

export async function markReminded(db: Db, handoffId: string, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('handoffs')
    .set({ reminded_at: at, updated_at: at })
    .where('id', '=', handoffId)
    .where('status', 'in', ['assigned', 'escalated'])
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The SLA ran out: unless the owner answered meanwhile (checked under the row lock), the lead is
 * reassigned (when the rules say so and reassignments are left) or escalated to the owner's
 * manager, or to the fallback queue when the owner has no manager.
 */
export async function breachSla(db: Db, input: { handoffId: string; at: Date; reassignmentsSoFar: number }): Promise<SlaOutcome> {
  return db.transaction().execute(async (trx) => {
    const handoff = await trx.selectFrom('handoffs').select(['status', 'owner']).where('id', '=', input.handoffId).forUpdate().executeTakeFirstOrThrow();
    const rep = handoff.owner === null ? undefined : await trx.selectFrom('sales_reps').select('manager_email').where('email', '=', handoff.owner).executeTakeFirst();
    const decision = decideSlaBreach({
      status: HandoffStatus.catch('assigned').parse(handoff.status),
      owner: handoff.owner,
      managerEmail: rep?.manager_email ?? null,
      rules: (await activeRoutingRules(trx))?.rules,
      reassignmentsSoFar: input.reassignmentsSoFar,
    });
    if (decision.kind !== 'escalate') return decision;
    const to = decision.to;
    await trx.updateTable('handoffs').set({ status: 'escalated', escalated_at: input.at, escalated_to: to, updated_at: input.at }).where('id', '=', input.handoffId).execute();
    return { kind: 'escalated', to };
  });
}

/** After the cooldown a rejected lead goes back to `lead`, so nurture journeys take it again. */
export async function recycleHandoff(db: Db, input: { handoffId: string; at: Date }): Promise<{ recycled: boolean; outboxIds: number[] }> {
  return db.transaction().execute(async (trx) => {
    const handoff = await trx
      .selectFrom('handoffs')
      .select(['status', 'contact_id', 'rejection_reason'])
      .where('id', '=', input.handoffId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (handoff.status !== 'rejected') return { recycled: handoff.status === 'recycled', outboxIds: [] };
    await trx.updateTable('handoffs').set({ status: 'recycled', recycled_at: input.at, updated_at: input.at }).where('id', '=', input.handoffId).execute();
    const outboxIds = await moveStage(trx, {
      contactId: handoff.contact_id,
      to: 'lead',
      reason: `recycled into nurture after the cooldown: rejected by sales (${handoff.rejection_reason ?? 'no reason'})`,
      actor: 'handoff',
      at: input.at,
      onlyFrom: ['mql'],
    });
    return { recycled: true, outboxIds };
  });
}

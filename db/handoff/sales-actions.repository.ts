import type { Selectable } from 'kysely';
import { closingProbability, decideSalesAction, HandoffStatus, OpportunityStage, type HandoffState, type SalesAction } from '../../domain/handoff/index.js';
import type { Db } from '../connection.js';
import type { HandoffTable, StoredHandoffStatus } from '../handoff.types.js';
import { before, moveStage } from './stage-moves.js';

// Sales actions

export interface HandoffView {
  id: string;
  contactId: string;
  status: HandoffStatus | 'routing';
  owner: string | null;
  reason: string;
  source: string;
  rule: unknown;
  opportunity: { stage: string; probability: number } | null;
  rejectionReason: string | null;
  lostReason: string | null;
  slaDueAt: string | null;
  escalatedTo: string | null;
  createdAt: string;
  updatedAt: string;
  workflowId: string;
  runId: string;
}

const HANDOFF_COLUMNS = [
  'id', 'contact_id', 'status', 'owner', 'reason', 'source', 'routing_rule', 'opportunity_stage', 'rejection_reason', 'lost_reason',
  'sla_due_at', 'escalated_to', 'created_at', 'updated_at', 'workflow_id', 'workflow_run_id', 'summary',
] as const;

type HandoffRow = Pick<Selectable<HandoffTable>, (typeof HANDOFF_COLUMNS)[number]>;

function viewOf(row: HandoffRow): HandoffView {
  const stage = OpportunityStage.safeParse(row.opportunity_stage);
  return {
    id: row.id,
    contactId: row.contact_id,
    status: row.status as HandoffView['status'],
    owner: row.owner,
    reason: row.reason,
    source: row.source,
    rule: row.routing_rule,
    opportunity: stage.success ? { stage: stage.data, probability: closingProbability(stage.data) } : null,
    rejectionReason: row.rejection_reason,
    lostReason: row.lost_reason,
    slaDueAt: row.sla_due_at?.toISOString() ?? null,
    escalatedTo: row.escalated_to,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    workflowId: row.workflow_id,
    runId: row.workflow_run_id,
  };
}

export async function findHandoff(db: Db, id: string) {
  const row = await db.selectFrom('handoffs').select(HANDOFF_COLUMNS).where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  const [deliveries, actions] = await Promise.all([
    db.selectFrom('crm_deliveries').selectAll().where('handoff_id', '=', id).execute(),
    db.selectFrom('handoff_actions').select(['action', 'details', 'actor', 'occurred_at']).where('handoff_id', '=', id).orderBy('id').execute(),
  ]);
  return { ...viewOf(row), summary: row.summary, deliveries, actions };
}

/** A rep's inbox: the leads assigned to them, oldest first. */
export async function listLeadsOf(db: Db, owner: string, statuses: readonly StoredHandoffStatus[] | undefined, limit: number) {
  let query = db.selectFrom('handoffs').select(HANDOFF_COLUMNS).where('owner', '=', owner.toLowerCase()).orderBy('created_at').orderBy('id').limit(limit);
  if (statuses !== undefined) query = query.where('status', 'in', statuses);
  const rows = await query.execute();
  return rows.map((row) => ({ ...viewOf(row), summary: row.summary }));
}

export type ActionResult =
  | { kind: 'not-found' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'done'; handoff: HandoffView; repeated: boolean; outboxIds: number[] };

export interface Actor {
  /** `sales:<owner>` or `admin:<key name>`, stored with the action. */
  label: string;
  /** The rep (or team) a sales key acts for; null for an admin, who may act on any lead. */
  rep: string | null;
}

/**
 * Applies a rep's action under the hand-off's row lock. Accepting makes the contact an SQL and
 * winning a customer, in the same transaction as the action; a rejected lead stays where it is
 * until the workflow recycles it after the cooldown. The same action twice gives the same answer.
 */
export async function applySalesAction(db: Db, input: { handoffId: string; action: SalesAction; actor: Actor; at: Date }): Promise<ActionResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('handoffs').select(HANDOFF_COLUMNS).where('id', '=', input.handoffId).forUpdate().executeTakeFirst();
    if (row === undefined) return { kind: 'not-found' };
    if (input.actor.rep !== null && input.actor.rep.toLowerCase() !== row.owner) {
      return { kind: 'forbidden', message: 'this lead is assigned to another rep' };
    }
    const status = HandoffStatus.safeParse(row.status);
    if (!status.success) return { kind: 'conflict', message: 'the lead is still being routed' };
    const state: HandoffState = {
      status: status.data,
      opportunityStage: OpportunityStage.nullable().catch(null).parse(row.opportunity_stage),
      rejectionReason: row.rejection_reason,
      lostReason: row.lost_reason,
    };
    const outcome = decideSalesAction(state, input.action);
    if (outcome.kind === 'conflict') return outcome;
    if (outcome.kind === 'repeat') return { kind: 'done', handoff: viewOf(row), repeated: true, outboxIds: [] };

    const { next } = outcome;
    const at = input.at;
    const updated = await trx
      .updateTable('handoffs')
      .set({
        status: next.status,
        opportunity_stage: next.opportunityStage,
        rejection_reason: next.rejectionReason,
        lost_reason: next.lostReason,
        updated_at: at,
        ...(input.action.action === 'accept' ? { accepted_at: at } : {}),
        ...(input.action.action === 'reject' ? { rejected_at: at } : {}),
        ...(input.action.action === 'won' || input.action.action === 'lost' ? { closed_at: at } : {}),
      })
      .where('id', '=', input.handoffId)
      .returning(HANDOFF_COLUMNS)
      .executeTakeFirstOrThrow();
    await trx.insertInto('handoff_actions').values({ handoff_id: input.handoffId, action: input.action.action, details: JSON.stringify(input.action), actor: input.actor.label, occurred_at: at }).execute();

    let outboxIds: number[] = [];
    if (input.action.action === 'accept') {
      outboxIds = await moveStage(trx, { contactId: row.contact_id, to: 'sql', reason: `accepted by sales (${row.owner ?? 'owner'})`, actor: input.actor.label, at, onlyFrom: before('sql') });
    } else if (input.action.action === 'won') {
      outboxIds = await moveStage(trx, { contactId: row.contact_id, to: 'customer', reason: 'opportunity won by sales', actor: input.actor.label, at, onlyFrom: before('customer') });
    }
    return { kind: 'done', handoff: viewOf(updated), repeated: false, outboxIds };
  });
}

import { sql } from 'kysely';
import { addBusinessHours, routeLead, type RoutingRules, type LeadForRouting, type MatchedRule, type RepLoad, textOf } from '../../domain/handoff/index.js';
import { traitValues } from '../../domain/traits.js';
import { ACCOUNT_ID_TRAIT } from '../../domain/accounts.js';
import type { Db } from '../connection.js';
import { activeRoutingRules, listReps } from './reps.repository.js';

// Hand-offs

export type OpenHandoffResult = { status: 'opened'; handoffId: string } | { status: 'already-open'; handoffId: string };

/** Creates the hand-off of a workflow run, or finds it on a retry; refuses a second open hand-off for the contact. */
export async function openHandoff(
  db: Db,
  input: { contactId: string; workflowId: string; runId: string; reason: string; source: string; at: Date },
): Promise<OpenHandoffResult> {
  const existing = await db.selectFrom('handoffs').select('id').where('workflow_run_id', '=', input.runId).executeTakeFirst();
  if (existing !== undefined) return { status: 'opened', handoffId: existing.id };
  const open = await db
    .selectFrom('handoffs')
    .select('id')
    .where('contact_id', '=', input.contactId)
    .where('status', 'in', ['routing', 'assigned', 'escalated', 'accepted', 'rejected'])
    .executeTakeFirst();
  if (open !== undefined) return { status: 'already-open', handoffId: open.id };
  const row = await db
    .insertInto('handoffs')
    .values({
      contact_id: input.contactId,
      workflow_id: input.workflowId,
      workflow_run_id: input.runId,
      status: 'routing',
      reason: input.reason,
      source: input.source,
      owner: null,
      routing_rule: null,
      rules_version: null,
      summary: null,
      opportunity_stage: null,
      rejection_reason: null,
      lost_reason: null,
      sla_due_at: null,
      reminded_at: null,
      escalated_at: null,
      escalated_to: null,
      assigned_at: null,
      accepted_at: null,
      rejected_at: null,
      recycled_at: null,
      closed_at: null,
      created_at: input.at,
      updated_at: input.at,
    })
    .onConflict((oc) => oc.column('workflow_run_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row !== undefined) return { status: 'opened', handoffId: row.id };
  const raced = await db.selectFrom('handoffs').select('id').where('workflow_run_id', '=', input.runId).executeTakeFirstOrThrow();
  return { status: 'opened', handoffId: raced.id };
}

export interface Assignment {
  owner: string;
  rule: MatchedRule;
  rulesVersion: number;
  reminderAt: string;
  slaDueAt: string;
  onBreach: RoutingRules['sla']['onBreach'];
  maxReassignments: number;
  recycleCooldownDays: number;
  crmWebhook: boolean;
  crmMaxAttempts: number;
}

export class RoutingNotConfiguredError extends Error {
  constructor() {
    super('no routing rules: PUT /v1/handoff/routing-rules first');
    this.name = 'RoutingNotConfiguredError';
  }
}

/**
 * Routes (or re-routes, leaving out earlier owners) a hand-off and starts its SLA clock at `at`.
 * Routing is serialised: two leads routed at once must not both see the same rep with room, nor
 * the same round-robin turn.
 */
export async function assignHandoff(db: Db, input: { handoffId: string; at: Date; reassign: boolean }): Promise<Assignment> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('relance:handoff-routing'))`.execute(trx);
    const active = await activeRoutingRules(trx);
    if (active === undefined) throw new RoutingNotConfiguredError();
    const { rules, version } = active;
    const handoff = await trx
      .selectFrom('handoffs')
      .innerJoin('contacts', 'contacts.id', 'handoffs.contact_id')
      .select(['handoffs.status', 'handoffs.owner', 'handoffs.previous_owners', 'handoffs.routing_rule', 'handoffs.rules_version', 'handoffs.sla_due_at', 'contacts.traits', 'contacts.email'])
      .where('handoffs.id', '=', input.handoffId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const exclude = input.reassign && handoff.owner !== null ? [...handoff.previous_owners, handoff.owner] : handoff.previous_owners;

    const settings = (owner: string, rule: MatchedRule, ruleVersion: number, dueAt: Date, reminderAt: Date): Assignment => ({
      owner,
      rule,
      rulesVersion: ruleVersion,
      reminderAt: reminderAt.toISOString(),
      slaDueAt: dueAt.toISOString(),
      onBreach: rules.sla.onBreach,
      maxReassignments: rules.sla.maxReassignments,
      recycleCooldownDays: rules.recycleCooldownDays,
      crmWebhook: rules.crmWebhook !== undefined,
      crmMaxAttempts: rules.crmWebhook?.maxAttempts ?? 0,
    });
    const reminderAt = addBusinessHours(input.at, rules.sla.reminderAfterHours, rules.sla.businessHours);
    const dueAt = addBusinessHours(input.at, rules.sla.acceptWithinHours, rules.sla.businessHours);
    // A retried activity finds the assignment it already made.
    if (!input.reassign && handoff.status !== 'routing' && handoff.owner !== null && handoff.sla_due_at !== null) {
      return settings(handoff.owner, handoff.routing_rule as MatchedRule, handoff.rules_version ?? version, handoff.sla_due_at, new Date(handoff.sla_due_at.getTime() - (dueAt.getTime() - reminderAt.getTime())));
    }

    const traits = traitValues(handoff.traits);
    const lead = {
      email: handoff.email,
      company: textOf(traits['company']),
      website: textOf(traits['website']),
      country: textOf(traits['country']),
      region: textOf(traits['region']),
      postcode: textOf(traits['postcode'] ?? traits['postalCode']),
      // Its account (group call), as the member's `account.` traits carry it (domain/accounts.ts).
      account: accountOf(traits),
    };
    const reps: RepLoad[] = await listReps(trx);
    const cursors = Object.fromEntries((await trx.selectFrom('routing_cursors').select(['pool', 'last_owner']).execute()).map((row) => [row.pool, row.last_owner]));
    const decision = routeLead(rules, lead, reps, cursors, exclude);
    for (const [pool, owner] of Object.entries(decision.cursors)) {
      await trx.insertInto('routing_cursors').values({ pool, last_owner: owner }).onConflict((oc) => oc.column('pool').doUpdateSet({ last_owner: owner })).execute();
    }
    await trx
      .updateTable('handoffs')
      .set({
        status: 'assigned',
        owner: decision.owner,
        previous_owners: JSON.stringify(exclude),
        routing_rule: JSON.stringify(decision.rule),
        rules_version: version,
        sla_due_at: dueAt,
        reminded_at: null,
        assigned_at: input.at,
        updated_at: input.at,
      })
      .where('id', '=', input.handoffId)
      .execute();
    return settings(decision.owner, decision.rule, version, dueAt, reminderAt);
  });
}

function accountOf(traits: Record<string, unknown>): LeadForRouting['account'] {
  const id = textOf(traits[ACCOUNT_ID_TRAIT]);
  if (id === null) return null;
  return { id, name: textOf(traits['account.name']), website: textOf(traits['account.website'] ?? traits['account.domain']) };
}

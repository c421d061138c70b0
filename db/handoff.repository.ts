import { sql, type Selectable, type Transaction } from 'kysely';
import {
  addBusinessHours,
  closingProbability,
  decideSalesAction,
  HandoffStatus,
  OPEN_STATUSES,
  OpportunityStage,
  routeLead,
  RoutingRules,
  type HandoffState,
  type LeadForRouting,
  type MatchedRule,
  type RepLoad,
  type SalesAction,
} from '../domain/handoff/index.js';
import { LifecycleStage, stageOrVisitor, type CompiledScoringModel } from '../domain/scoring/index.js';
import { traitValues } from '../domain/traits.js';
import { ACCOUNT_ID_TRAIT } from '../domain/accounts.js';
import type { Db } from './connection.js';
import { recordStageChanges } from './contact-scoring.js';
import { scoreBreakdown } from './contact.queries.js';
import type { Database } from './database.js';
import type { HandoffTable, StoredHandoffStatus } from './handoff.types.js';
import { enqueueIntents } from './outbox.repository.js';

type Trx = Transaction<Database>;

// ---------------------------------------------------------------------------------------------
// Reps and routing rules

export interface SalesRep {
  email: string;
  name: string;
  managerEmail: string | null;
  territories: string[];
  capacity: number;
  available: boolean;
}

export async function upsertRep(db: Db, rep: SalesRep): Promise<void> {
  const values = {
    email: rep.email.toLowerCase(),
    name: rep.name,
    manager_email: rep.managerEmail?.toLowerCase() ?? null,
    territories: JSON.stringify(rep.territories),
    capacity: rep.capacity,
    available: rep.available,
    updated_at: new Date(),
  };
  await db
    .insertInto('sales_reps')
    .values(values)
    .onConflict((oc) => oc.column('email').doUpdateSet({ ...values, email: undefined }))
    .execute();
}

export async function listReps(db: Db | Trx): Promise<(SalesRep & { openLeads: number })[]> {
  const rows = await db
    .selectFrom('sales_reps')
    .select((eb) => [
      'email',
      'name',
      'manager_email',
      'territories',
      'capacity',
      'available',
      eb
        .selectFrom('handoffs')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('handoffs.owner', '=', 'sales_reps.email')
        .where('handoffs.status', 'in', OPEN_STATUSES)
        .as('open_leads'),
    ])
    .orderBy('email')
    .execute();
  return rows.map((row) => ({
    email: row.email,
    name: row.name,
    managerEmail: row.manager_email,
    territories: row.territories,
    capacity: row.capacity,
    available: row.available,
    openLeads: row.open_leads ?? 0,
  }));
}

export async function saveRoutingRules(db: Db, rules: RoutingRules): Promise<number> {
  const row = await db.insertInto('routing_rules').values({ document: JSON.stringify(rules) }).returning('version').executeTakeFirstOrThrow();
  return row.version;
}

export async function activeRoutingRules(db: Db | Trx): Promise<{ version: number; rules: RoutingRules } | undefined> {
  const row = await db.selectFrom('routing_rules').select(['version', 'document']).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : { version: row.version, rules: RoutingRules.parse(row.document) };
}

// ---------------------------------------------------------------------------------------------
// Stage moves caused by sales

const FUNNEL = LifecycleStage.options;

/**
 * Moves a contact to `to` with its reason, through the one path every stage change takes (stored
 * transition, `stage_changed` event, outbox intent). Returns the outbox ids to dispatch.
 * `onlyFrom` guards against moving a contact that has gone elsewhere meanwhile.
 */
async function moveStage(
  trx: Trx,
  input: { contactId: string; to: LifecycleStage; reason: string; actor: string; at: Date; onlyFrom: readonly LifecycleStage[] },
): Promise<number[]> {
  const contact = await trx.selectFrom('contacts').select('stage').where('id', '=', input.contactId).forUpdate().executeTakeFirst();
  if (contact === undefined) return [];
  const from = stageOrVisitor(contact.stage);
  if (from === input.to || !input.onlyFrom.includes(from)) return [];
  const transition = await trx
    .insertInto('stage_transitions')
    .values({ contact_id: input.contactId, from_stage: from, to_stage: input.to, reason: input.reason, actor: input.actor, occurred_at: input.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.updateTable('contacts').set({ stage: input.to, updated_at: input.at }).where('id', '=', input.contactId).execute();
  const intents = await recordStageChanges(trx, [{ contactId: input.contactId, from, to: input.to, reason: input.reason, transitionId: Number(transition.id) }], input.at);
  return enqueueIntents(trx, intents);
}

export async function findStageTransition(db: Db, id: number) {
  return db.selectFrom('stage_transitions').select(['reason', 'to_stage']).where('id', '=', id).executeTakeFirst();
}

const before = (stage: LifecycleStage) => FUNNEL.slice(0, FUNNEL.indexOf(stage));

// ---------------------------------------------------------------------------------------------
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

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null);

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
      company: str(traits['company']),
      website: str(traits['website']),
      country: str(traits['country']),
      region: str(traits['region']),
      postcode: str(traits['postcode'] ?? traits['postalCode']),
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
  const id = str(traits[ACCOUNT_ID_TRAIT]);
  if (id === null) return null;
  return { id, name: str(traits['account.name']), website: str(traits['account.website'] ?? traits['account.domain']) };
}

// ---------------------------------------------------------------------------------------------
// The lead summary a rep reads

export interface LeadSummary {
  who: { contactId: string; name: string | null; email: string | null; jobTitle: string | null; phone: string | null };
  company: { name: string | null; size: number | null; website: string | null; country: string | null; region: string | null; postcode: string | null };
  handoff: { reason: string; source: string };
  leadSource: { firstSeenAt: string | null; firstEvent: string | null; campaign: string | null; referrer: string | null };
  score: {
    engagement: number;
    fitGrade: string;
    fitPoints: number;
    /** The ledger lines that weigh most now (decayed), each with its reason. */
    reasons: { reason: string; points: number; at: string }[];
    fitReasons: { trait: string; points: number; source: string }[];
  };
  pages: { path: string; views: number; lastViewedAt: string }[];
  forms: { type: string; form: string | null; at: string }[];
  lastActivityAt: string | null;
}

const FORM_EVENTS = ['form_submitted', 'quote_requested', 'guide_requested', 'newsletter_subscribed'];

/** Everything a rep needs to call the lead, from the profile, the events and the score ledger. */
export async function buildLeadSummary(db: Db, handoffId: string, model: CompiledScoringModel, at: Date): Promise<LeadSummary> {
  const handoff = await db.selectFrom('handoffs').select(['contact_id', 'reason', 'source']).where('id', '=', handoffId).executeTakeFirstOrThrow();
  const contactId = handoff.contact_id;
  const [contact, first, pages, forms, score] = await Promise.all([
    db.selectFrom('contacts').select(['email', 'traits', 'last_activity_at']).where('id', '=', contactId).executeTakeFirstOrThrow(),
    db.selectFrom('events').select(['type', 'occurred_at', 'properties', 'context']).where('contact_id', '=', contactId).where('type', '!=', 'stage_changed').orderBy('occurred_at').orderBy('id').limit(1).executeTakeFirst(),
    db
      .selectFrom('events')
      .select([sql<string>`coalesce(properties->>'path', properties->>'url', properties->>'name')`.as('path'), sql<number>`count(*)::int`.as('views'), sql<Date>`max(occurred_at)`.as('last')])
      .where('contact_id', '=', contactId)
      .where('type', '=', 'page_viewed')
      .groupBy(sql`1`)
      .orderBy(sql`count(*)`, 'desc')
      .orderBy(sql`max(occurred_at)`, 'desc')
      .limit(10)
      .execute(),
    db.selectFrom('events').select(['type', 'properties', 'occurred_at']).where('contact_id', '=', contactId).where('type', 'in', FORM_EVENTS).orderBy('occurred_at', 'desc').limit(10).execute(),
    scoreBreakdown(db, contactId, model, at),
  ]);
  const traits = traitValues(contact.traits);
  const name = [str(traits['firstName']), str(traits['lastName'])].filter(Boolean).join(' ') || str(traits['name']);
  const context = (first?.context ?? {}) as Record<string, unknown>;
  const campaign = (context['campaign'] ?? {}) as Record<string, unknown>;
  const page = (context['page'] ?? {}) as Record<string, unknown>;
  const size = Number(traits['companySize']);
  const reasons = (score?.engagement.lines ?? [])
    .filter((line) => line.points > 0)
    .sort((a, b) => b.decayedPoints - a.decayedPoints || (a.occurredAt < b.occurredAt ? 1 : -1))
    .slice(0, 10)
    .map((line) => ({ reason: line.reason, points: line.decayedPoints, at: line.occurredAt }));
  return {
    who: { contactId, name: name ?? null, email: contact.email, jobTitle: str(traits['jobTitle']), phone: str(traits['phone']) },
    company: {
      name: str(traits['company']),
      size: Number.isFinite(size) && traits['companySize'] !== undefined ? size : null,
      website: str(traits['website']),
      country: str(traits['country']),
      region: str(traits['region']),
      postcode: str(traits['postcode'] ?? traits['postalCode']),
    },
    handoff: { reason: handoff.reason, source: handoff.source },
    leadSource: {
      firstSeenAt: first?.occurred_at.toISOString() ?? null,
      firstEvent: first?.type ?? null,
      campaign: str(campaign['source']) ?? str(campaign['name']) ?? str(first?.properties['utm_source']),
      referrer: str(page['referrer']) ?? str(first?.properties['referrer']),
    },
    score: {
      engagement: score?.engagement.total ?? 0,
      fitGrade: score?.fit.grade ?? 'D',
      fitPoints: score?.fit.points ?? 0,
      reasons,
      fitReasons: (score?.fit.lines ?? []).map(({ trait, points, source }) => ({ trait, points, source })),
    },
    pages: pages.filter((row) => row.path !== null).map((row) => ({ path: row.path, views: row.views, lastViewedAt: new Date(row.last).toISOString() })),
    forms: forms.map((row) => ({ type: row.type, form: str(row.properties['form']), at: row.occurred_at.toISOString() })),
    lastActivityAt: contact.last_activity_at?.toISOString() ?? null,
  };
}

export async function storeLeadSummary(db: Db, handoffId: string, summary: LeadSummary): Promise<void> {
  await db.updateTable('handoffs').set({ summary: JSON.stringify(summary), updated_at: new Date() }).where('id', '=', handoffId).execute();
}

/** Who an e-mail about a hand-off goes to, and what it shows: the summary with its score reasons. */
export async function handoffNotice(db: Db, handoffId: string, role: 'owner' | 'manager') {
  const row = await db
    .selectFrom('handoffs')
    .select(['id', 'owner', 'escalated_to', 'summary', 'sla_due_at', 'reason', 'status', 'routing_rule'])
    .where('id', '=', handoffId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const to = role === 'owner' ? row.owner : row.escalated_to;
  return {
    to,
    data: {
      handoff: { id: row.id, owner: row.owner, reason: row.reason, status: row.status, slaDueAt: row.sla_due_at?.toISOString() ?? null, rule: row.routing_rule, summary: row.summary },
    },
  };
}

// ---------------------------------------------------------------------------------------------
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
    if (handoff.status !== 'assigned') return { kind: 'answered', status: HandoffStatus.catch('assigned').parse(handoff.status) };
    const active = await activeRoutingRules(trx);
    const sla = active?.rules.sla;
    if (sla?.onBreach === 'reassign' && input.reassignmentsSoFar < sla.maxReassignments) return { kind: 'reassign' };
    const rep = handoff.owner === null ? undefined : await trx.selectFrom('sales_reps').select('manager_email').where('email', '=', handoff.owner).executeTakeFirst();
    const fallback = active?.rules.fallbackQueue ?? null;
    const to = rep?.manager_email ?? (fallback !== handoff.owner ? fallback : null);
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// CRM deliveries

export async function claimCrmDelivery(db: Db, handoffId: string, url: string) {
  await db.insertInto('crm_deliveries').values({ handoff_id: handoffId, url }).onConflict((oc) => oc.column('handoff_id').doNothing()).execute();
  return db
    .updateTable('crm_deliveries')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_attempt_at: new Date() }))
    .where('handoff_id', '=', handoffId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function recordCrmAttempt(db: Db, deliveryId: string, result: { delivered: boolean; statusCode: number | null; error: string | null }): Promise<void> {
  await db
    .updateTable('crm_deliveries')
    .set(result.delivered ? { status: 'delivered', delivered_at: new Date(), last_status_code: result.statusCode, last_error: null } : { last_status_code: result.statusCode, last_error: result.error })
    .where('id', '=', deliveryId)
    .where('status', '!=', 'delivered')
    .execute();
}

export async function markCrmDeadLetter(db: Db, handoffId: string, error: string): Promise<void> {
  await db
    .updateTable('crm_deliveries')
    .set((eb) => ({ status: 'dead_letter', last_error: eb.fn.coalesce('last_error', eb.val(error)) }))
    .where('handoff_id', '=', handoffId)
    .where('status', '=', 'pending')
    .execute();
}

export async function crmPayload(db: Db, handoffId: string) {
  const handoff = await findHandoff(db, handoffId);
  if (handoff === undefined) return undefined;
  const { deliveries: _deliveries, actions: _actions, workflowId: _w, runId: _r, ...rest } = handoff;
  return rest;
}

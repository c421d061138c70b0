import { sql, type Transaction } from 'kysely';
import {
  LifecycleStage,
  ScoringState,
  fitScore,
  isLate,
  nextStageFromScore,
  scoreEvent,
  scoreEvents,
  type CompiledScoringModel,
  type Contribution,
  type ScoringEvent,
} from '../domain/scoring/index.js';
import { jsonRows } from './bulk-insert.js';
import type { Database } from './database.js';
import type { OrchestrationIntent } from './outbox.repository.js';

type Trx = Transaction<Database>;

export interface StageChange {
  contactId: string;
  from: LifecycleStage;
  to: LifecycleStage;
  reason: string;
  transitionId: number;
}

interface LedgerRow {
  contact_id: string;
  event_id: number;
  rule_id: string;
  points: number;
  occurred_at: string;
  reason: string;
  model_version: number;
}

function ledgerRows(contactId: string, contributions: readonly Contribution[], version: number): LedgerRow[] {
  return contributions.map((line) => ({
    contact_id: contactId,
    event_id: Number(line.eventId),
    rule_id: line.ruleId,
    points: line.points,
    occurred_at: line.occurredAt,
    reason: line.reason,
    model_version: version,
  }));
}

async function insertLedger(trx: Trx, rows: LedgerRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into score_ledger (contact_id, event_id, rule_id, points, occurred_at, reason, model_version)
    select contact_id, event_id, rule_id, points, occurred_at, reason, model_version
    from jsonb_to_recordset(${jsonRows(rows)}) as r(
      contact_id uuid, event_id bigint, rule_id text, points float8, occurred_at timestamptz, reason text, model_version integer)`.execute(trx);
}

async function saveStates(trx: Trx, states: Map<string, ScoringState>): Promise<void> {
  if (states.size === 0) return;
  await sql`
    insert into contact_scores (contact_id, model_id, model_version, state, updated_at)
    select contact_id, model_id, model_version, state, ${new Date()}::timestamptz
    from jsonb_to_recordset(${jsonRows([...states].map(([contactId, state]) => ({ contact_id: contactId, model_id: state.modelId, model_version: state.modelVersion, state })))}) as r(
      contact_id uuid, model_id text, model_version integer, state jsonb)
    on conflict (contact_id) do update
    set model_id = excluded.model_id, model_version = excluded.model_version, state = excluded.state, updated_at = excluded.updated_at`.execute(trx);
}

/** Scores contacts from their whole stored history: the canonical ledger (model change, merge, late event). */
export async function rescoreContacts(trx: Trx, contactIds: readonly string[], model: CompiledScoringModel): Promise<void> {
  if (contactIds.length === 0) return;
  const events = await trx
    .selectFrom('events')
    .select(['id', 'contact_id', 'type', 'occurred_at', 'properties'])
    .where('contact_id', '=', (eb) => eb.fn.any(eb.val([...contactIds])))
    .execute();
  const byContact = new Map<string, ScoringEvent[]>(contactIds.map((id) => [id, []]));
  for (const event of events) {
    byContact.get(event.contact_id)?.push({
      id: String(event.id),
      type: event.type,
      occurredAt: event.occurred_at.toISOString(),
      properties: event.properties,
    });
  }
  await trx.deleteFrom('score_ledger').where('contact_id', '=', (eb) => eb.fn.any(eb.val([...contactIds]))).execute();
  const rows: LedgerRow[] = [];
  const states = new Map<string, ScoringState>();
  for (const [contactId, history] of byContact) {
    const scored = scoreEvents(history, model);
    rows.push(...ledgerRows(contactId, scored.contributions, model.version));
    states.set(contactId, scored.state);
  }
  await insertLedger(trx, rows);
  await saveStates(trx, states);
}

/**
 * Scores newly stored events incrementally from each contact's saved cap state. A contact whose state
 * belongs to another model version, or that receives an event older than its newest scored one, is
 * re-scored from its whole history instead, so the ledger never depends on the order of arrival.
 */
export async function scoreNewEvents(
  trx: Trx,
  eventsByContact: ReadonlyMap<string, readonly ScoringEvent[]>,
  model: CompiledScoringModel,
  /** Contacts created by this very batch: their whole history is the events given, nothing to read back. */
  newContacts: ReadonlySet<string> = new Set(),
): Promise<void> {
  const contactIds = [...eventsByContact.keys()];
  if (contactIds.length === 0) return;
  const saved = await trx.selectFrom('contact_scores').select(['contact_id', 'state']).where('contact_id', '=', (eb) => eb.fn.any(eb.val(contactIds))).execute();
  const savedStates = new Map(saved.map((row) => [row.contact_id, row.state]));
  const toRescore: string[] = [];
  const rows: LedgerRow[] = [];
  const states = new Map<string, ScoringState>();
  for (const [contactId, events] of eventsByContact) {
    if (newContacts.has(contactId) && !savedStates.has(contactId)) {
      const scored = scoreEvents([...events], model);
      rows.push(...ledgerRows(contactId, scored.contributions, model.version));
      states.set(contactId, scored.state);
      continue;
    }
    const parsed = ScoringState.safeParse(savedStates.get(contactId));
    const state = parsed.success ? parsed.data : undefined;
    if (state === undefined || state.modelId !== model.id || state.modelVersion !== model.version) {
      toRescore.push(contactId);
      continue;
    }
    // The scorer's own order (time, then id as text), so ties in a millisecond are not taken for late events.
    const ordered = [...events].sort((a, b) => (a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.occurredAt < b.occurredAt ? -1 : 1));
    if (ordered.some((event) => isLate(state, event))) {
      toRescore.push(contactId);
      continue;
    }
    const contributions: Contribution[] = [];
    for (const event of ordered) scoreEvent(state, event, model, contributions);
    rows.push(...ledgerRows(contactId, contributions, model.version));
    states.set(contactId, state);
  }
  await insertLedger(trx, rows);
  await saveStates(trx, states);
  await rescoreContacts(trx, toRescore, model);
}

/**
 * Recomputes engagement (decayed at `now`, from the ledger) and fit for the contacts, stores them, and
 * applies the stage moves they call for. Returns the stage changes, each recorded with its reason.
 */
export async function refreshContacts(
  trx: Trx,
  contactIds: readonly string[],
  model: CompiledScoringModel,
  now: Date,
): Promise<StageChange[]> {
  return (await refreshContactScores(trx, contactIds, model, now)).changes;
}

/**
 * refreshContacts for ingestion: the same contact update also moves `last_activity_at` forward (one
 * write of each contact row per batch, not two), and the contacts with a known e-mail are returned
 * from the row already read.
 */
export async function refreshContactScores(
  trx: Trx,
  contactIds: readonly string[],
  model: CompiledScoringModel,
  now: Date,
  /** Newest activity (ISO) per contact; `last_activity_at` never moves back. */
  lastActivity: ReadonlyMap<string, string> = new Map(),
): Promise<{ changes: StageChange[]; known: Set<string> }> {
  const known = new Set<string>();
  if (contactIds.length === 0) return { changes: [], known };
  const windowStart = new Date(now.getTime() - model.windowMs);
  const totals = await trx
    .selectFrom('score_ledger')
    .select([
      'contact_id',
      // In float8: extract() returns numeric, and a numeric power() per ledger row was a quarter of the
      // database's time on the ingestion path; the total is rounded to cents below either way.
      sql<number>`sum(points * power(0.5::float8, extract(epoch from (${now}::timestamptz - occurred_at))::float8 * 1000 / ${model.halfLifeMs}::float8))`.as('engagement'),
    ])
    .where('contact_id', '=', (eb) => eb.fn.any(eb.val([...contactIds])))
    .where('occurred_at', '>=', windowStart)
    .where('occurred_at', '<=', now)
    .groupBy('contact_id')
    .execute();
  const engagementOf = new Map(totals.map((row) => [row.contact_id, Math.round(Number(row.engagement) * 100) / 100]));
  const contacts = await trx.selectFrom('contacts').select(['id', 'stage', 'email', 'traits']).where('id', '=', (eb) => eb.fn.any(eb.val([...contactIds]))).execute();

  const changes: StageChange[] = [];
  const updates = { ids: [] as string[], engagement: [] as number[], fitPoints: [] as number[], fitGrade: [] as string[], stage: [] as string[], lastActivity: [] as (string | null)[] };
  for (const contact of contacts) {
    if (contact.email !== null) known.add(contact.id);
    const engagement = engagementOf.get(contact.id) ?? 0;
    const fit = fitScore(contact.traits, model);
    let stage = LifecycleStage.catch('visitor').parse(contact.stage);
    // One step at a time, so a contact that qualifies at once still records lead and mql separately.
    for (let step = 0; step < LifecycleStage.options.length; step += 1) {
      const move = nextStageFromScore({ current: stage, engagement, fitGrade: fit.grade, known: contact.email !== null, model });
      if (move === null) break;
      const transition = await trx
        .insertInto('stage_transitions')
        .values({ contact_id: contact.id, from_stage: move.from, to_stage: move.to, reason: move.reason, actor: 'scoring', occurred_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      changes.push({ contactId: contact.id, from: move.from, to: move.to, reason: move.reason, transitionId: Number(transition.id) });
      stage = move.to;
    }
    updates.ids.push(contact.id);
    updates.engagement.push(engagement);
    updates.fitPoints.push(fit.points);
    updates.fitGrade.push(fit.grade);
    updates.stage.push(stage);
    updates.lastActivity.push(lastActivity.get(contact.id) ?? null);
  }
  // One statement for the whole batch: a round trip per contact was most of the ingestion cost.
  await sql`
    update contacts c
    set engagement_score = u.engagement, engagement_scored_at = ${now}, fit_points = u.fit_points,
        fit_grade = u.fit_grade, stage = u.stage, updated_at = ${now},
        last_activity_at = greatest(c.last_activity_at, u.last_activity)
    from unnest(${updates.ids}::uuid[], ${updates.engagement}::float8[], ${updates.fitPoints}::float8[],
                ${updates.fitGrade}::text[], ${updates.stage}::text[], ${updates.lastActivity}::timestamptz[])
      as u(id, engagement, fit_points, fit_grade, stage, last_activity)
    where c.id = u.id`.execute(trx);
  return { changes, known };
}

/**
 * Stage changes are events too (`stage_changed`), so journeys and analytics read them like any other;
 * returns the orchestration intents the caller writes to the outbox in the same transaction.
 */
export async function recordStageChanges(trx: Trx, changes: readonly StageChange[], now: Date): Promise<OrchestrationIntent[]> {
  if (changes.length === 0) return [];
  await trx
    .insertInto('events')
    .values(
      changes.map((change) => ({
        message_id: `stage-transition:${change.transitionId}`,
        contact_id: change.contactId,
        type: 'stage_changed',
        user_id: null,
        anonymous_id: null,
        occurred_at: now,
        received_at: now,
        properties: JSON.stringify({ from: change.from, to: change.to, reason: change.reason }),
        traits: '{}',
        context: JSON.stringify({ internal: true }),
      })),
    )
    .execute();
  return changes.map((change) => ({ kind: 'stage_changed', contactId: change.contactId, from: change.from, to: change.to, transitionId: change.transitionId }));
}

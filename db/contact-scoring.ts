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
import type { Traits } from '../domain/traits.js';
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

/** Writes re-scored states into the contact rows (the ingestion path writes its states with the scores). */
async function saveStates(trx: Trx, states: Map<string, ScoringState>): Promise<void> {
  if (states.size === 0) return;
  await sql`
    update contacts c set scoring_state = u.state
    from jsonb_to_recordset(${jsonRows([...states].map(([id, state]) => ({ id, state })))}) as u(id uuid, state jsonb)
    where c.id = u.id`.execute(trx);
}

/** What scoring and stage moves read of a contact. */
export interface ScoringContact {
  id: string;
  stage: string;
  email: string | null;
  traits: Traits;
  scoring_state: unknown;
}

function selectScoringContacts(trx: Trx, ids: readonly string[]) {
  return trx.selectFrom('contacts').select(['id', 'stage', 'email', 'traits', 'scoring_state']).where('id', '=', (eb) => eb.fn.any(eb.val([...ids])));
}

export async function readScoringContacts(trx: Trx, ids: readonly string[]): Promise<Map<string, ScoringContact>> {
  if (ids.length === 0) return new Map();
  return new Map((await selectScoringContacts(trx, ids).execute()).map((row) => [row.id, row]));
}

/**
 * Locks the contacts' rows for the rest of the transaction, in one fixed order (so concurrent batches
 * queue rather than deadlock), and returns them as locked: a row another transaction had just
 * changed is read in its committed version, whatever the statement's snapshot.
 */
export async function lockScoringContacts(trx: Trx, ids: readonly string[]): Promise<Map<string, ScoringContact>> {
  if (ids.length === 0) return new Map();
  const sorted = [...ids].sort();
  return new Map((await selectScoringContacts(trx, sorted).orderBy('id').forUpdate().execute()).map((row) => [row.id, row]));
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
 * Returns the incremental states, which the caller writes with the contacts' scores
 * (`refreshContactScores`); the re-scored ones are written already.
 */
export async function scoreNewEvents(
  trx: Trx,
  eventsByContact: ReadonlyMap<string, readonly ScoringEvent[]>,
  model: CompiledScoringModel,
  /** The contacts as locked by this transaction (`lockScoringContacts`), with their saved states. */
  contacts: ReadonlyMap<string, ScoringContact>,
  /** Contacts created by this very batch: their whole history is the events given, nothing to read back. */
  newContacts: ReadonlySet<string>,
): Promise<Map<string, ScoringState>> {
  const toRescore: string[] = [];
  const rows: LedgerRow[] = [];
  const states = new Map<string, ScoringState>();
  for (const [contactId, events] of eventsByContact) {
    const saved = contacts.get(contactId)?.scoring_state ?? null;
    if (saved === null && newContacts.has(contactId)) {
      const scored = scoreEvents([...events], model);
      rows.push(...ledgerRows(contactId, scored.contributions, model.version));
      states.set(contactId, scored.state);
      continue;
    }
    const parsed = ScoringState.safeParse(saved);
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
  await rescoreContacts(trx, toRescore, model);
  return states;
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
 * refreshContacts for ingestion: the same contact update also moves `last_activity_at` forward and
 * writes the new scoring states (one write of each contact row per batch, not three), from the rows
 * the batch locked, and the contacts with a known e-mail are returned.
 */
export async function refreshContactScores(
  trx: Trx,
  contactIds: readonly string[],
  model: CompiledScoringModel,
  now: Date,
  batch: {
    /** The contacts as the transaction last wrote them; read when not given. */
    contacts?: ReadonlyMap<string, ScoringContact>;
    /** Newest activity (ISO) per contact; `last_activity_at` never moves back. */
    lastActivity?: ReadonlyMap<string, string>;
    /** Scoring states to save, from `scoreNewEvents`. */
    states?: ReadonlyMap<string, ScoringState>;
  } = {},
): Promise<{ changes: StageChange[]; known: Set<string> }> {
  const known = new Set<string>();
  if (contactIds.length === 0) return { changes: [], known };
  const { lastActivity = new Map<string, string>(), states = new Map<string, ScoringState>() } = batch;
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
  const contacts = batch.contacts ?? (await readScoringContacts(trx, contactIds));

  const changes: StageChange[] = [];
  const updates: { id: string; engagement: number; fit_points: number; fit_grade: string; stage: string; last_activity: string | null; state: ScoringState | null }[] = [];
  for (const contactId of contactIds) {
    const contact = contacts.get(contactId);
    if (contact === undefined) continue;
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
    updates.push({
      id: contact.id,
      engagement,
      fit_points: fit.points,
      fit_grade: fit.grade,
      stage,
      last_activity: lastActivity.get(contact.id) ?? null,
      state: states.get(contact.id) ?? null,
    });
  }
  // One statement for the whole batch: a round trip per contact was most of the ingestion cost.
  await sql`
    update contacts c
    set engagement_score = u.engagement, engagement_scored_at = ${now}, fit_points = u.fit_points,
        fit_grade = u.fit_grade, stage = u.stage, updated_at = ${now},
        last_activity_at = greatest(c.last_activity_at, u.last_activity),
        scoring_state = coalesce(u.state, c.scoring_state)
    from jsonb_to_recordset(${jsonRows(updates)}) as u(
      id uuid, engagement float8, fit_points float8, fit_grade text, stage text, last_activity timestamptz, state jsonb)
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

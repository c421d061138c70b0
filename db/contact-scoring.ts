import { sql, type Transaction } from 'kysely';
import {
  LifecycleStage,
  decodeScoringState,
  encodeScoringState,
  decayedPoints,
  fitScore,
  inScoringOrder,
  isLate,
  nextStageFromScore,
  roundScore,
  stageOrVisitor,
  scoreEvent,
  scoreEvents,
  type CompiledScoringModel,
  type Contribution,
  type ScoringEvent,
  type ScoringState,
  type StoredScoringState,
  type StageTransition,
} from '../domain/scoring/index.js';
import type { Traits } from '../domain/traits.js';
import { joinableRows, typedArray, unnestRows } from './bulk-insert.js';
import type { Database } from './database.js';
import type { OrchestrationIntent } from './outbox.repository.js';
import { decayedPointsSql, storedEngagementAtSql } from './scoring-sql.js';

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
    from ${unnestRows('r', rows, { contact_id: 'uuid', event_id: 'bigint', rule_id: 'text', points: 'float8', occurred_at: 'timestamptz', reason: 'text', model_version: 'integer' })}`.execute(trx);
}

// contacts.scoring_state is json, stored as the text written (migration 0011): each row of a batch
// carries its state as a json cell, copied as written.
const storedState = (state: ScoringState | undefined): StoredScoringState | null => (state === undefined ? null : encodeScoringState(state));

/**
 * Writes re-scored states into the contact rows (the ingestion path writes its states with the
 * scores); their ledger is new, so their engagement is to be summed from it.
 */
async function saveStates(trx: Trx, states: Map<string, ScoringState>): Promise<void> {
  if (states.size === 0) return;
  await sql`
    update contacts c set scoring_state = u.state, engagement_sum = null
    from ${joinableRows('u', [...states].map(([id, state]) => ({ id, state: storedState(state) })), { id: 'uuid', state: 'json' })}
    where c.id = u.id`.execute(trx);
}

/** What scoring and stage moves read of a contact. */
export interface ScoringContact {
  id: string;
  stage: string;
  email: string | null;
  traits: Traits;
  scoring_state: unknown;
  fit_points: number;
  fit_grade: string;
  engagement_sum: number | null;
  /** Epoch ms: as numbers, the batch's 1,000 timestamps are not parsed into Dates only to be subtracted. */
  engagement_scored_at_ms: number;
  engagement_oldest_at_ms: number | null;
}

// One index probe per id, as a lateral subquery per id (its `limit` keeps the planner from turning
// it into a join): as `id = any(ids)`, the planner prices 500 probes above a scan of a table of up
// to some 100,000 contacts and reads every row (2.4 ms for 20,000 contacts where the probes take
// 1.5 ms, growing with every contact).
async function selectScoringContacts(trx: Trx, ids: readonly string[], lock: boolean): Promise<ScoringContact[]> {
  const result = await sql<ScoringContact>`
    select c.* from unnest(${typedArray(ids, 'uuid')}) as k(id), lateral (
      select id, stage, email, traits, scoring_state, fit_points, fit_grade, engagement_sum,
        (extract(epoch from engagement_scored_at) * 1000)::float8 as engagement_scored_at_ms,
        (extract(epoch from engagement_oldest_at) * 1000)::float8 as engagement_oldest_at_ms
      from contacts where id = k.id limit 1 ${lock ? sql`for update` : sql``}) as c`.execute(trx);
  return result.rows;
}

/**
 * A contact a batch creates, as the scoring sees it before its first score (the row's defaults): its
 * engagement is a sum of nothing, carried forward from this batch on.
 */
export function newScoringContact(id: string, now: Date): ScoringContact {
  return { id, stage: 'visitor', email: null, traits: {}, scoring_state: null, fit_points: 0, fit_grade: 'D', engagement_sum: 0, engagement_scored_at_ms: now.getTime(), engagement_oldest_at_ms: null };
}

export async function readScoringContacts(trx: Trx, ids: readonly string[]): Promise<Map<string, ScoringContact>> {
  if (ids.length === 0) return new Map();
  return new Map((await selectScoringContacts(trx, ids, false)).map((row) => [row.id, row]));
}

/**
 * Locks the contacts' rows for the rest of the transaction, in one fixed order (so concurrent batches
 * queue rather than deadlock), and returns them as locked: a row another transaction had just
 * changed is read in its committed version, whatever the statement's snapshot.
 */
export async function lockScoringContacts(trx: Trx, ids: readonly string[]): Promise<Map<string, ScoringContact>> {
  if (ids.length === 0) return new Map();
  // Rows are locked in the order of the ids: sorted, the same order for every batch.
  return new Map((await selectScoringContacts(trx, [...ids].sort(), true)).map((row) => [row.id, row]));
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
 * Returns, for `refreshContactScores`, the incremental states and ledger lines added (the caller
 * writes those states with the contacts' scores) and the contacts re-scored (written already).
 */
export async function scoreNewEvents(
  trx: Trx,
  eventsByContact: ReadonlyMap<string, readonly ScoringEvent[]>,
  model: CompiledScoringModel,
  /** The contacts as locked by this transaction (`lockScoringContacts`), with their saved states. */
  contacts: ReadonlyMap<string, ScoringContact>,
  /** Contacts created by this very batch: their whole history is the events given, nothing to read back. */
  newContacts: ReadonlySet<string>,
): Promise<ScoredBatch> {
  const toRescore: string[] = [];
  const rows: LedgerRow[] = [];
  const states = new Map<string, ScoringState>();
  const added = new Map<string, readonly Contribution[]>();
  for (const [contactId, events] of eventsByContact) {
    const saved = contacts.get(contactId)?.scoring_state ?? null;
    if (saved === null && newContacts.has(contactId)) {
      const scored = scoreEvents([...events], model);
      rows.push(...ledgerRows(contactId, scored.contributions, model.version));
      states.set(contactId, scored.state);
      added.set(contactId, scored.contributions);
      continue;
    }
    const state = decodeScoringState(saved, model);
    if (state === undefined) {
      toRescore.push(contactId);
      continue;
    }
    // The scorer's own order, so ties in a millisecond are not taken for late events.
    const ordered = inScoringOrder(events);
    if (ordered.some((event) => isLate(state, event))) {
      toRescore.push(contactId);
      continue;
    }
    const contributions: Contribution[] = [];
    for (const event of ordered) scoreEvent(state, event, model, contributions);
    rows.push(...ledgerRows(contactId, contributions, model.version));
    states.set(contactId, state);
    added.set(contactId, contributions);
  }
  await insertLedger(trx, rows);
  await rescoreContacts(trx, toRescore, model);
  return { states, added, rescored: new Set(toRescore) };
}

export interface ScoredBatch {
  states: ReadonlyMap<string, ScoringState>;
  /** The ledger lines each incrementally scored contact gained. */
  added: ReadonlyMap<string, readonly Contribution[]>;
  rescored: ReadonlySet<string>;
}

/** A contact's engagement at `atMs` as stored, unrounded, with the oldest ledger line it includes. */
interface EngagementSum {
  sum: number;
  oldestMs: number | null;
  /** False while a ledger line is dated after the sum's time: the next batch sums the ledger again. */
  carry: boolean;
}

/**
 * The contact's stored engagement decayed to `atMs`, plus the lines it gained since: exact as long as
 * every line in it is still in the window and none is dated after `atMs`. Undefined where the ledger
 * must be summed instead.
 */
function carriedEngagement(contact: ScoringContact, added: readonly Contribution[], atMs: number, model: CompiledScoringModel): EngagementSum | undefined {
  if (contact.engagement_sum === null) return undefined;
  const scoredAtMs = contact.engagement_scored_at_ms;
  const windowStartMs = atMs - model.windowMs;
  let oldestMs = contact.engagement_oldest_at_ms;
  if (atMs < scoredAtMs || (oldestMs !== null && oldestMs < windowStartMs)) return undefined;
  let sum = decayedPoints(contact.engagement_sum, atMs - scoredAtMs, model.halfLifeMs);
  for (const line of added) {
    const ms = Date.parse(line.occurredAt);
    if (ms > atMs) return undefined;
    if (ms < windowStartMs) continue;
    sum += decayedPoints(line.points, atMs - ms, model.halfLifeMs);
    if (oldestMs === null || ms < oldestMs) oldestMs = ms;
  }
  return { sum, oldestMs, carry: true };
}

/** Engagement summed from the ledger, for the contacts whose stored sum cannot be carried forward. */
async function summedEngagement(trx: Trx, contactIds: readonly string[], at: Date, model: CompiledScoringModel): Promise<Map<string, EngagementSum>> {
  const sums = new Map<string, EngagementSum>(contactIds.map((id) => [id, { sum: 0, oldestMs: null, carry: true }]));
  if (contactIds.length === 0) return sums;
  const rows = await trx
    .selectFrom('score_ledger')
    .select([
      'contact_id',
      sql<number>`coalesce(sum(${decayedPointsSql(sql.ref('points'), sql.ref('occurred_at'), at, model.halfLifeMs)}) filter (where occurred_at <= ${at}), 0)`.as('engagement'),
      sql<Date>`min(occurred_at)`.as('oldest'),
      sql<boolean>`max(occurred_at) > ${at}`.as('future'),
    ])
    .where('contact_id', '=', (eb) => eb.fn.any(eb.val([...contactIds])))
    .where('occurred_at', '>=', new Date(at.getTime() - model.windowMs))
    .groupBy('contact_id')
    .execute();
  for (const row of rows) sums.set(row.contact_id, { sum: Number(row.engagement), oldestMs: row.oldest.getTime(), carry: !row.future });
  return sums;
}

/**
 * The stage review's candidates: live MQLs whose stored engagement, decayed to `at`, is under
 * `floor`, locked (skipping rows another review holds), in id order.
 */
export async function lockMqlsDecayedBelow(trx: Trx, floor: number, at: Date, model: CompiledScoringModel, limit: number): Promise<string[]> {
  const rows = await trx
    .selectFrom('contacts')
    .select('id')
    .where('stage', '=', 'mql')
    .where('merged_into', 'is', null)
    .where(storedEngagementAtSql(at, model.halfLifeMs), '<', floor)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((row) => row.id);
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
    /** The contacts as locked and since changed by the transaction; locked and read when not given. */
    contacts?: ReadonlyMap<string, ScoringContact>;
    /** Contacts of `contacts` not stored yet (new in this batch): inserted here, scored. */
    created?: ReadonlySet<string>;
    /** Contacts of `contacts` whose traits (and so e-mail) the batch changed: written here too. */
    traitsChanged?: ReadonlySet<string>;
    /** Newest activity (ISO) per contact; `last_activity_at` never moves back. */
    lastActivity?: ReadonlyMap<string, string>;
    /** What `scoreNewEvents` did: states to save, ledger lines added, contacts re-scored. */
    scored?: ScoredBatch;
  } = {},
): Promise<{ changes: StageChange[]; known: Set<string> }> {
  const known = new Set<string>();
  if (contactIds.length === 0) return { changes: [], known };
  const {
    created = new Set<string>(),
    traitsChanged = new Set<string>(),
    lastActivity = new Map<string, string>(),
    scored = { states: new Map(), added: new Map(), rescored: new Set() },
  } = batch;
  const contacts = batch.contacts ?? (await lockScoringContacts(trx, contactIds));
  const atMs = now.getTime();
  const engagementOf = new Map<string, EngagementSum>();
  const toSum: string[] = [];
  for (const contactId of contactIds) {
    const contact = contacts.get(contactId);
    const carried = contact === undefined || scored.rescored.has(contactId) ? undefined : carriedEngagement(contact, scored.added.get(contactId) ?? [], atMs, model);
    if (carried === undefined) toSum.push(contactId);
    else engagementOf.set(contactId, carried);
  }
  for (const [contactId, sum] of await summedEngagement(trx, toSum, now, model)) engagementOf.set(contactId, sum);

  const moves: (StageTransition & { contactId: string })[] = [];
  type ScoreRow = { id: string; engagement: number; engagement_sum: number | null; engagement_oldest_at: string | null; last_activity: string | null; state: StoredScoringState | null };
  type ContactRow = ScoreRow & { traits: Traits | null; email: string | null; fit_points: number; fit_grade: string; stage: string };
  // Most contacts of a batch only gain engagement: their rows carry the score alone. A contact whose
  // traits, fit or stage moved, or that the batch creates, carries its whole profile.
  const scoreRows: ScoreRow[] = [];
  const profileRows: ContactRow[] = [];
  for (const contactId of contactIds) {
    const contact = contacts.get(contactId);
    if (contact === undefined) continue;
    if (contact.email !== null) known.add(contact.id);
    const sum = engagementOf.get(contact.id) ?? { sum: 0, oldestMs: null, carry: false };
    const engagement = roundScore(sum.sum);
    const fit = fitScore(contact.traits, model);
    let stage = stageOrVisitor(contact.stage);
    // One step at a time, so a contact that qualifies at once still records lead and mql separately.
    for (let step = 0; step < LifecycleStage.options.length; step += 1) {
      const move = nextStageFromScore({ current: stage, engagement, fitGrade: fit.grade, known: contact.email !== null, model });
      if (move === null) break;
      moves.push({ contactId: contact.id, ...move });
      stage = move.to;
    }
    const score: ScoreRow = {
      id: contact.id,
      engagement,
      engagement_sum: sum.carry ? sum.sum : null,
      engagement_oldest_at: sum.oldestMs === null ? null : new Date(sum.oldestMs).toISOString(),
      last_activity: lastActivity.get(contact.id) ?? null,
      state: storedState(scored.states.get(contact.id)),
    };
    const writeTraits = created.has(contact.id) || traitsChanged.has(contact.id);
    if (!writeTraits && stage === contact.stage && fit.points === contact.fit_points && fit.grade === contact.fit_grade) scoreRows.push(score);
    else profileRows.push({ ...score, traits: writeTraits ? contact.traits : null, email: contact.email, fit_points: fit.points, fit_grade: fit.grade, stage });
  }
  // One statement for each kind of row, one for the contacts the batch creates: a round trip per
  // contact was most of the ingestion cost, and a contact inserted then updated was written twice.
  const scoreColumns = { id: 'uuid', engagement: 'float8', engagement_sum: 'float8', engagement_oldest_at: 'timestamptz', last_activity: 'timestamptz', state: 'json' } as const;
  const profileColumns = { ...scoreColumns, traits: 'jsonb', email: 'text', fit_points: 'float8', fit_grade: 'text', stage: 'text' } as const;
  const setScore = sql`
    engagement_score = u.engagement, engagement_sum = u.engagement_sum, engagement_oldest_at = u.engagement_oldest_at,
    engagement_scored_at = ${now}, updated_at = ${now}, last_activity_at = greatest(c.last_activity_at, u.last_activity),
    scoring_state = coalesce(u.state, c.scoring_state)`;
  if (scoreRows.length > 0) {
    await sql`update contacts c set ${setScore} from ${joinableRows('u', scoreRows, scoreColumns)} where c.id = u.id`.execute(trx);
  }
  const updated = profileRows.filter((row) => !created.has(row.id));
  if (updated.length > 0) {
    await sql`
      update contacts c
      set ${setScore}, fit_points = u.fit_points, fit_grade = u.fit_grade, stage = u.stage,
          traits = coalesce(u.traits, c.traits), email = case when u.traits is null then c.email else u.email end
      from ${joinableRows('u', updated, profileColumns)}
      where c.id = u.id`.execute(trx);
  }
  const inserted = profileRows.filter((row) => created.has(row.id));
  if (inserted.length > 0) {
    await sql`
      insert into contacts (id, traits, email, stage, engagement_score, engagement_sum, engagement_oldest_at, engagement_scored_at,
                            fit_points, fit_grade, last_activity_at, scoring_state, updated_at)
      select id, traits, email, stage, engagement, engagement_sum, engagement_oldest_at, ${now},
             fit_points, fit_grade, last_activity, state, ${now}
      from ${unnestRows('u', inserted, profileColumns)}`.execute(trx);
  }

  const changes: StageChange[] = [];
  if (moves.length > 0) {
    const recorded = await trx
      .insertInto('stage_transitions')
      .values(moves.map((move) => ({ contact_id: move.contactId, from_stage: move.from, to_stage: move.to, reason: move.reason, actor: 'scoring', occurred_at: now })))
      .returning(['id', 'contact_id', 'to_stage'])
      .execute();
    // A contact moves to a stage at most once per refresh: (contact, stage) names its transition.
    const idOf = new Map(recorded.map((row) => [`${row.contact_id}/${row.to_stage}`, Number(row.id)]));
    for (const move of moves) changes.push({ contactId: move.contactId, from: move.from, to: move.to, reason: move.reason, transitionId: idOf.get(`${move.contactId}/${move.to}`)! });
  }
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

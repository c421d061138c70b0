import { sql } from 'kysely';
import { engagementScoreAt, fitScore, roundScore, type CompiledScoringModel } from '../domain/scoring/index.js';
import type { TraitCondition } from '../domain/newsletter.js';
import { mergeTraits, type Traits, type TraitSource } from '../domain/traits.js';
import type { Db } from './connection.js';
import { recordStageChanges, refreshContacts } from './contact-scoring.js';
import { canonicalContactIds } from './contact.repository.js';
import { enqueueIntents } from './outbox.repository.js';
import { roundScoreSql, storedEngagementAtSql } from './scoring-sql.js';

/** "Why this score": every ledger line of the window with its decayed value, and the fit lines. */
export async function scoreBreakdown(db: Db, contactId: string, model: CompiledScoringModel, at: Date) {
  const contact = await db.selectFrom('contacts').select(['traits', 'stage']).where('id', '=', contactId).executeTakeFirst();
  if (contact === undefined) return undefined;
  const windowStart = new Date(at.getTime() - model.windowMs);
  const ledger = await db
    .selectFrom('score_ledger')
    // A ledger line is its event's, of the same contact and dated as it: the events are read by the
    // contact's index in the weeks of the window only, as the lines are (migration 0019), not by id
    // across every week's partition.
    .innerJoin('events', (join) =>
      join
        .onRef('events.id', '=', 'score_ledger.event_id')
        .onRef('events.occurred_at', '=', 'score_ledger.occurred_at')
        .on('events.contact_id', '=', contactId)
        .on('events.occurred_at', '>=', windowStart),
    )
    .select(['score_ledger.event_id', 'score_ledger.rule_id', 'score_ledger.points', 'score_ledger.occurred_at', 'score_ledger.reason', 'events.type'])
    .where('score_ledger.contact_id', '=', contactId)
    .where('score_ledger.occurred_at', '>=', windowStart)
    .orderBy('score_ledger.occurred_at')
    .orderBy('score_ledger.event_id')
    .orderBy('score_ledger.rule_id')
    .execute();
  const typeOf = new Map(ledger.map((line) => [String(line.event_id), line.type]));
  const engagement = engagementScoreAt(
    ledger.map((line) => ({ eventId: String(line.event_id), ruleId: line.rule_id, points: line.points, occurredAt: line.occurred_at.toISOString(), reason: line.reason })),
    at.getTime(),
    model,
  );
  const fit = fitScore(contact.traits, model);
  return {
    contactId,
    at: at.toISOString(),
    model: { id: model.id, version: model.version, halfLifeDays: model.model.halfLifeDays, windowDays: model.model.windowDays },
    stage: contact.stage,
    engagement: {
      total: engagement.total,
      lines: engagement.lines.map((line) => ({
        eventId: line.eventId,
        eventType: typeOf.get(line.eventId) ?? 'unknown',
        ruleId: line.ruleId,
        points: line.points,
        decayedPoints: roundScore(line.decayedPoints),
        occurredAt: line.occurredAt,
        reason: line.reason,
      })),
    },
    fit: {
      points: fit.points,
      grade: fit.grade,
      lines: fit.lines.map(({ ruleId, trait, points, source }) => ({ ruleId, trait, points, source })),
      ignored: fit.ignored.map(({ ruleId, trait, source, reason }) => ({ ruleId, trait, source, reason })),
    },
  };
}

export async function contactProfile(db: Db, requestedId: string) {
  const contactId = (await canonicalContactIds(db, [requestedId])).get(requestedId);
  if (contactId === undefined) return undefined;
  const [contact, identities, stages, events, merged] = await Promise.all([
    db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow(),
    db.selectFrom('contact_identities').select(['kind', 'value']).where('contact_id', '=', contactId).orderBy('kind').orderBy('value').execute(),
    db.selectFrom('stage_transitions').select(['from_stage', 'to_stage', 'reason', 'actor', 'occurred_at']).where('contact_id', '=', contactId).orderBy('occurred_at').orderBy('id').execute(),
    db.selectFrom('events').select(['message_id', 'type', 'occurred_at', 'properties']).where('contact_id', '=', contactId).orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(50).execute(),
    db.selectFrom('contact_merges').select(['from_contact_id']).where('into_contact_id', '=', contactId).execute(),
  ]);
  return { contact, identities, stages, events, mergedFrom: merged.map((row) => row.from_contact_id) };
}

export interface ContactFilters {
  stage?: string | undefined;
  /** Any of these stages. */
  stages?: readonly string[] | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  trait?: { name: string; value: string } | undefined;
  /** Every condition holds (a newsletter audience). */
  traits?: readonly TraitCondition[] | undefined;
  activeSince?: Date | undefined;
  /** No activity since (or none at all): re-engagement audiences. */
  inactiveSince?: Date | undefined;
}

export interface ContactSearch extends ContactFilters {
  after?: string | undefined;
  limit: number;
}

function traitCondition(condition: TraitCondition) {
  const value = sql`traits -> ${condition.name} -> 'value'`;
  switch (condition.op) {
    case 'equals':
      return sql<boolean>`${value} = ${JSON.stringify(condition.value)}::jsonb`;
    case 'in':
      return sql<boolean>`${JSON.stringify(condition.values)}::jsonb @> jsonb_build_array(${value})`;
    case 'exists':
      return sql<boolean>`coalesce(jsonb_typeof(${value}), 'null') <> 'null'`;
    case 'absent':
      return sql<boolean>`coalesce(jsonb_typeof(${value}), 'null') = 'null'`;
    case 'gte':
    case 'lte': {
      // A text where a number was expected simply does not match, rather than failing the query.
      const number = sql`case when jsonb_typeof(${value}) = 'number' then (${value})::text::numeric end`;
      return condition.op === 'gte' ? sql<boolean>`${number} >= ${condition.value}` : sql<boolean>`${number} <= ${condition.value}`;
    }
  }
}

/**
 * Live (not merged) contacts matching the filters, as a query the caller selects from: the contact
 * search below and newsletter audiences (db/audience.queries.ts) share it. Engagement decays
 * exponentially, so the value stored at `engagement_scored_at` decays to `at` with one
 * multiplication: the filter needs no ledger scan.
 */
export function contactFilterQuery(db: Db, filters: ContactFilters, model: CompiledScoringModel, at: Date) {
  const decayed = roundScoreSql(storedEngagementAtSql(at, model.halfLifeMs));
  let query = db.selectFrom('contacts').where('merged_into', 'is', null);
  if (filters.stage !== undefined) query = query.where('stage', '=', filters.stage);
  if (filters.stages !== undefined) query = query.where('stage', 'in', filters.stages);
  if (filters.minScore !== undefined) query = query.where(decayed, '>=', filters.minScore);
  if (filters.maxScore !== undefined) query = query.where(decayed, '<=', filters.maxScore);
  if (filters.trait !== undefined) query = query.where(sql<string>`traits -> ${filters.trait.name} ->> 'value'`, '=', filters.trait.value);
  for (const condition of filters.traits ?? []) query = query.where(traitCondition(condition));
  if (filters.activeSince !== undefined) query = query.where('last_activity_at', '>=', filters.activeSince);
  const inactiveSince = filters.inactiveSince;
  if (inactiveSince !== undefined) query = query.where((eb) => eb.or([eb('last_activity_at', 'is', null), eb('last_activity_at', '<', inactiveSince)]));
  return { query, decayed };
}

/** Contacts by stage, decayed engagement range, trait and last activity, in id order with a cursor. */
export async function searchContacts(db: Db, search: ContactSearch, model: CompiledScoringModel, at: Date) {
  const { query: filtered, decayed } = contactFilterQuery(db, search, model, at);
  let query = filtered
    .select(['id', 'email', 'stage', 'fit_grade', 'last_activity_at', decayed.as('engagement')])
    .orderBy('id')
    .limit(search.limit + 1);
  if (search.after !== undefined) query = query.where('id', '>', search.after);
  const rows = await query.execute();
  const page = rows.slice(0, search.limit);
  return { contacts: page, nextCursor: rows.length > search.limit ? (page.at(-1)?.id ?? null) : null };
}

/** Contacts per stage now, entries into each stage over the period, and conversion between consecutive stages. */
export async function funnel(db: Db, from: Date, to: Date, stages: readonly string[]) {
  const [current, entered] = await Promise.all([
    db.selectFrom('contacts').select(['stage', sql<number>`count(*)::int`.as('count')]).where('merged_into', 'is', null).groupBy('stage').execute(),
    db
      .selectFrom('stage_transitions')
      .select(['to_stage', sql<number>`count(distinct contact_id)::int`.as('count')])
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<', to)
      .groupBy('to_stage')
      .execute(),
  ]);
  const now = new Map(current.map((row) => [row.stage, row.count]));
  const into = new Map(entered.map((row) => [row.to_stage, row.count]));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    stages: stages.map((stage) => ({ stage, current: now.get(stage) ?? 0, entered: into.get(stage) ?? 0 })),
    conversions: stages.slice(1).map((stage, index) => {
      const previous = stages[index]!;
      const base = into.get(previous) ?? 0;
      return { from: previous, to: stage, rate: base === 0 ? null : Math.round(((into.get(stage) ?? 0) / base) * 1000) / 1000 };
    }),
  };
}

/** A rep's (or admin's) edit of traits: source `sales`, so no automatic update overwrites it; audited. */
/**
 * The one write of declared traits outside ingestion (a rep's edit, a journey's `set_trait`): merged
 * by the source's precedence, every change and refusal audited, the e-mail column kept in step, fit
 * and stage recomputed, and the stage moves' `stage_changed` events and intents written, as ingestion
 * does for an identify. Returns the outbox ids to dispatch.
 */
export async function applyTraitChanges(
  db: Db,
  requestedId: string,
  values: Record<string, unknown>,
  change: { source: TraitSource; actor: string; at: Date; model: CompiledScoringModel },
) {
  const contactId = (await canonicalContactIds(db, [requestedId])).get(requestedId);
  if (contactId === undefined) return undefined;
  const { source, actor, at, model } = change;
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('contacts').select(['traits']).where('id', '=', contactId).forUpdate().executeTakeFirstOrThrow();
    const merged = mergeTraits(row.traits, values, source, at.toISOString());
    const traits: Traits = merged.traits;
    const audit = [
      ...merged.changed.map((entry) => ({ contact_id: contactId, trait: entry.trait, before: entry.before === undefined ? null : JSON.stringify(entry.before), after: JSON.stringify(entry.after), outcome: 'applied' as const, actor })),
      ...merged.protected.map((entry) => ({ contact_id: contactId, trait: entry.trait, before: JSON.stringify(entry.kept), after: JSON.stringify(entry.refused), outcome: 'refused' as const, actor })),
    ];
    if (audit.length > 0) await trx.insertInto('trait_changes').values(audit).execute();
    if (merged.changed.length === 0) return { contactId, traits, changed: merged.changed, refused: merged.protected, outboxIds: [] as number[] };
    const email = traits['email']?.value;
    await trx.updateTable('contacts').set({ traits: JSON.stringify(traits), email: typeof email === 'string' ? email : null, updated_at: at }).where('id', '=', contactId).execute();
    // A verified job title or company size changes fit, and fit can qualify a lead.
    const changes = await refreshContacts(trx, [contactId], model, at);
    const outboxIds = await enqueueIntents(trx, await recordStageChanges(trx, changes, at));
    return { contactId, traits, changed: merged.changed, refused: merged.protected, outboxIds };
  });
}

/** A rep's edit: sales values are never overwritten by automatic updates. */
export function setTraitsBySales(db: Db, requestedId: string, values: Record<string, unknown>, actor: string, at: Date, model: CompiledScoringModel) {
  return applyTraitChanges(db, requestedId, values, { source: 'sales', actor, at, model });
}

export async function traitHistory(db: Db, contactId: string) {
  return db.selectFrom('trait_changes').select(['trait', 'before', 'after', 'outcome', 'actor', 'changed_at']).where('contact_id', '=', contactId).orderBy('id').execute();
}

/** Contacts that are people today (merged profiles left out): what a full re-score has to reach. */
export async function countLiveContacts(db: Db): Promise<number> {
  const row = await db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('count')).where('merged_into', 'is', null).executeTakeFirstOrThrow();
  return Number(row.count);
}

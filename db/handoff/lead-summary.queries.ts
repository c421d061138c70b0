import { sql } from 'kysely';
import type { CompiledScoringModel } from '../../domain/scoring/index.js';
import { traitValues } from '../../domain/traits.js';
import type { Db } from '../connection.js';
import { scoreBreakdown } from '../contact.queries.js';
import { composeLeadSummary, FORM_EVENTS, SUMMARY_LIMIT, type LeadSummary } from '../../domain/handoff/index.js';

// The lead summary a rep reads

/** Everything a rep needs to call the lead, read from the profile, the events and the score ledger. */
export async function buildLeadSummary(db: Db, handoffId: string, model: CompiledScoringModel, at: Date): Promise<LeadSummary> {
  const handoff = await db.selectFrom('handoffs').select(['contact_id', 'reason', 'source']).where('id', '=', handoffId).executeTakeFirstOrThrow();
  const contactId = handoff.contact_id;
  const [contact, first, pages, forms, score] = await Promise.all([
    db.selectFrom('contacts').select(['email', 'traits', 'last_activity_at']).where('id', '=', contactId).executeTakeFirstOrThrow(),
    db.selectFrom('events').select(['type', 'occurred_at', 'properties', 'context']).where('contact_id', '=', contactId).where('type', '!=', 'stage_changed').orderBy('occurred_at').orderBy('id').limit(1).executeTakeFirst(),
    db
      .selectFrom('events')
      .select([sql<string | null>`coalesce(properties->>'path', properties->>'url', properties->>'name')`.as('path'), sql<number>`count(*)::int`.as('views'), sql<Date>`max(occurred_at)`.as('last')])
      .where('contact_id', '=', contactId)
      .where('type', '=', 'page_viewed')
      .groupBy(sql`1`)
      .orderBy(sql`count(*)`, 'desc')
      .orderBy(sql`max(occurred_at)`, 'desc')
      .limit(SUMMARY_LIMIT)
      .execute(),
    db.selectFrom('events').select(['type', 'properties', 'occurred_at']).where('contact_id', '=', contactId).where('type', 'in', [...FORM_EVENTS]).orderBy('occurred_at', 'desc').limit(SUMMARY_LIMIT).execute(),
    scoreBreakdown(db, contactId, model, at),
  ]);
  return composeLeadSummary({
    contactId,
    handoff: { reason: handoff.reason, source: handoff.source },
    email: contact.email,
    traits: traitValues(contact.traits),
    lastActivityAt: contact.last_activity_at,
    firstEvent: first === undefined ? undefined : { type: first.type, occurredAt: first.occurred_at, properties: first.properties, context: (first.context ?? {}) as Record<string, unknown> },
    pages: pages.map((row) => ({ path: row.path, views: row.views, lastViewedAt: new Date(row.last) })),
    forms: forms.map((row) => ({ type: row.type, properties: row.properties, occurredAt: row.occurred_at })),
    score,
  });
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

import { sql } from 'kysely';
import type { AudienceSegment } from '../domain/newsletter.js';
import { ALL_TOPICS } from '../domain/send-policy.js';
import type { CompiledScoringModel } from '../domain/scoring/index.js';
import type { Db } from './connection.js';
import { contactFilterQuery, type ContactFilters } from './contact.queries.js';

const DAY_MS = 86_400_000;

/** A segment as contact filters, relative times resolved against `at` (the send time). */
export function audienceFilters(segment: AudienceSegment, at: Date): ContactFilters {
  const { withinDays, notWithinDays } = segment.lastActivity ?? {};
  return {
    stages: segment.stages,
    minScore: segment.score?.min,
    maxScore: segment.score?.max,
    traits: segment.traits,
    activeSince: withinDays === undefined ? undefined : new Date(at.getTime() - withinDays * DAY_MS),
    inactiveSince: notWithinDays === undefined ? undefined : new Date(at.getTime() - notWithinDays * DAY_MS),
  };
}

export interface Audience {
  segment: AudienceSegment;
  topic: string;
}

/**
 * The one place that decides who belongs to a topic: a confirmed subscription to it (a pending double
 * opt-in is not consent yet) and no unsubscribe from everything. Suppressed addresses stay in: the
 * send path skips them with their reason, so the newsletter's counts say why they got nothing.
 */
function topicMembers(db: Db, audience: Audience, model: CompiledScoringModel, at: Date) {
  return contactFilterQuery(db, audienceFilters(audience.segment, at), model, at)
    .query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('contact_subscriptions as s')
          .select(sql`1`.as('one'))
          .whereRef('s.contact_id', '=', 'contacts.id')
          .where('s.topic', '=', audience.topic)
          .where('s.status', '=', 'subscribed'),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('contact_subscriptions as s')
            .select(sql`1`.as('one'))
            .whereRef('s.contact_id', '=', 'contacts.id')
            .where('s.topic', '=', ALL_TOPICS)
            .where('s.status', '=', 'unsubscribed'),
        ),
      ),
    );
}

export interface AudienceMember {
  id: string;
  hasEmail: boolean;
  /** The contact's `timezone` trait as stored; validated where it is used. */
  timeZone: unknown;
}

/** One page of the audience in contact id order, after a keyset cursor (never OFFSET: pages stay O(limit) deep into 100k). */
export async function audiencePage(
  db: Db,
  audience: Audience,
  model: CompiledScoringModel,
  at: Date,
  page: { after: string | null; limit: number },
): Promise<AudienceMember[]> {
  let query = topicMembers(db, audience, model, at)
    .select(['id', sql<boolean>`email is not null`.as('has_email'), sql<unknown>`traits -> 'timezone' -> 'value'`.as('time_zone')])
    .orderBy('id')
    .limit(page.limit);
  if (page.after !== null) query = query.where('id', '>', page.after);
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, hasEmail: row.has_email, timeZone: row.time_zone }));
}

export async function audienceSize(db: Db, audience: Audience, model: CompiledScoringModel, at: Date): Promise<number> {
  const row = await topicMembers(db, audience, model, at).select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow();
  return row.count;
}

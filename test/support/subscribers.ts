import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

export interface SubscriberCohort {
  /** Value of the `cohort` trait, so each test's audience is its own. */
  cohort: string;
  count: number;
  /** Every n-th subscriber has no address (counted as skipped, `no-email-address`). */
  withoutEmailEvery?: number;
  /** Subscriber g gets timeZones[g % length] as its `timezone` trait; null leaves the trait out. */
  timeZones?: readonly (string | null)[];
  stage?: string;
  /** Confirmed subscriptions of every subscriber; `newsletter` unless told otherwise. */
  topics?: readonly string[];
}

/**
 * Inserts a cohort of subscribers, each with a confirmed subscription to the topics, in one statement;
 * their addresses are `<cohort>-<g>@example.com`.
 */
export async function insertSubscribers(db: Db, cohort: SubscriberCohort): Promise<void> {
  const zones = cohort.timeZones ?? [null];
  const every = cohort.withoutEmailEvery ?? 0;
  const trait = (value: unknown) => sql`jsonb_build_object('value', ${value}::jsonb, 'source', 'form', 'updatedAt', '2026-01-01T00:00:00.000Z')`;
  await sql`
    with inserted as (
    insert into contacts (email, traits, stage, updated_at)
    select
      case when ${every} > 0 and g % ${every} = 0 then null else ${cohort.cohort} || '-' || g || '@example.com' end,
      jsonb_strip_nulls(jsonb_build_object(
        'firstName', ${trait(sql`to_jsonb('Reader ' || g)`)},
        'cohort', ${trait(sql`to_jsonb(${cohort.cohort}::text)`)},
        'timezone', case when (${JSON.stringify(zones)}::jsonb -> (g % ${zones.length})) = 'null'::jsonb then null
                         else ${trait(sql`(${JSON.stringify(zones)}::jsonb -> (g % ${zones.length}))`)} end
      )),
      ${cohort.stage ?? 'lead'},
      now()
    from generate_series(1, ${cohort.count}) as g
    returning id
    )
    insert into contact_subscriptions (contact_id, topic, status, source, confirmed_at)
    select inserted.id, topic, 'subscribed', 'import', now()
    from inserted cross join unnest(${[...(cohort.topics ?? ['newsletter'])]}::text[]) as topic
  `.execute(db);
}

export function cohortAudience(cohort: string) {
  return { traits: [{ name: 'cohort', op: 'equals' as const, value: cohort }] };
}

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audiencePage, audienceSize, type Audience } from '../../db/audience.queries.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import type { AudienceSegment } from '../../domain/newsletter.js';
import type { CompiledScoringModel } from '../../domain/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertSubscribers } from '../support/subscribers.js';

describe('newsletter audience', () => {
  let database: TestDatabase;
  let model: CompiledScoringModel;
  const at = new Date('2026-11-20T12:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    model = await new ScoringModelStore(database.db).active();
    await insertSubscribers(database.db, { cohort: 'mix', count: 2_500, withoutEmailEvery: 100, timeZones: ['Europe/Paris', 'Asia/Tokyo', null] });
    // Varied facts on the first ten, by address: stage, score, country, employees, last activity.
    await sql`
      update contacts set
        stage = case when n <= 5 then 'mql' else 'lead' end,
        engagement_score = n * 10, engagement_scored_at = ${at},
        last_activity_at = ${at}::timestamptz - (n || ' days')::interval,
        traits = traits
          || jsonb_build_object('country', jsonb_build_object('value', case when n % 2 = 0 then 'FR' else 'BE' end, 'source', 'form', 'updatedAt', '2026-01-01T00:00:00Z'))
          || case when n <= 3 then jsonb_build_object('employees', jsonb_build_object('value', n * 100, 'source', 'form', 'updatedAt', '2026-01-01T00:00:00Z'))
                  when n = 4 then jsonb_build_object('employees', jsonb_build_object('value', 'lots', 'source', 'form', 'updatedAt', '2026-01-01T00:00:00Z'))
                  else '{}'::jsonb end
      from (select g as n, 'mix-' || g || '@example.com' as address from generate_series(1, 10) g) facts
      where contacts.email = facts.address
    `.execute(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function addressesOf(segment: AudienceSegment): Promise<string[]> {
    const audience: Audience = { segment, topic: 'newsletter' };
    const members = await audiencePage(database.db, audience, model, at, { after: null, limit: 5_000 });
    const emails = await database.db.selectFrom('contacts').select('email').where('id', 'in', members.length > 0 ? members.map((m) => m.id) : ['00000000-0000-0000-0000-000000000000']).execute();
    return emails.map((row) => row.email ?? '(none)').sort();
  }
  const mix = (...ns: number[]) => ns.map((n) => `mix-${n}@example.com`).sort();

  it('selects by stage, decayed score range, trait values and last activity, every condition together', async () => {
    expect(await addressesOf({ stages: ['mql'] })).toEqual(mix(1, 2, 3, 4, 5));
    expect(await addressesOf({ score: { min: 30, max: 50 } })).toEqual(mix(3, 4, 5));
    expect(await addressesOf({ stages: ['mql'], traits: [{ name: 'country', op: 'equals', value: 'FR' }] })).toEqual(mix(2, 4));
    expect(await addressesOf({ traits: [{ name: 'country', op: 'in', values: ['BE', 'LU'] }], score: { min: 60 } })).toEqual(mix(7, 9));
    expect(await addressesOf({ traits: [{ name: 'employees', op: 'gte', value: 200 }] })).toEqual(mix(2, 3));
    expect(await addressesOf({ traits: [{ name: 'employees', op: 'exists' }] })).toEqual(mix(1, 2, 3, 4));
    expect(await addressesOf({ lastActivity: { withinDays: 3 } })).toEqual(mix(1, 2, 3));
    // Active 1 to 9 days ago are out; the tenth and everyone never active are in.
    expect((await addressesOf({ lastActivity: { notWithinDays: 9 } })).length).toBe(2_500 - 9);
  });

  it('pages through the whole audience by keyset, each contact once, and says who has no address', async () => {
    const audience: Audience = { segment: { traits: [{ name: 'cohort', op: 'equals', value: 'mix' }] }, topic: 'newsletter' };
    const seen: string[] = [];
    let withoutEmail = 0;
    const zones = new Set<unknown>();
    for (let after: string | null = null; ; ) {
      const page = await audiencePage(database.db, audience, model, at, { after, limit: 300 });
      seen.push(...page.map((m) => m.id));
      withoutEmail += page.filter((m) => !m.hasEmail).length;
      for (const member of page) zones.add(member.timeZone);
      if (page.length < 300) break;
      after = page.at(-1)!.id;
    }
    expect(seen).toHaveLength(2_500);
    expect(new Set(seen).size).toBe(2_500);
    expect(withoutEmail).toBe(25);
    expect(zones).toEqual(new Set(['Europe/Paris', 'Asia/Tokyo', null]));
    expect(await audienceSize(database.db, audience, model, at)).toBe(2_500);
  });

  it('takes only confirmed subscribers of the topic, and nobody who left everything', async () => {
    await sql`
      update contact_subscriptions set status = case contacts.email when 'mix-11@example.com' then 'unsubscribed' else 'pending' end
      from contacts where contacts.id = contact_subscriptions.contact_id and contacts.email in ('mix-11@example.com', 'mix-12@example.com')
    `.execute(database.db);
    await sql`
      insert into contact_subscriptions (contact_id, topic, status, source)
      select id, 'all', 'unsubscribed', 'link' from contacts where email = 'mix-13@example.com'
    `.execute(database.db);
    const cohort = { traits: [{ name: 'cohort', op: 'equals' as const, value: 'mix' }] };
    const size = await audienceSize(database.db, { segment: cohort, topic: 'newsletter' }, model, at);
    expect(size).toBe(2_500 - 3);
    const members = await addressesOf({ traits: [...cohort.traits, { name: 'firstName', op: 'in', values: ['Reader 11', 'Reader 12', 'Reader 13', 'Reader 14'] }] });
    expect(members).toEqual(mix(14));
    expect(await audienceSize(database.db, { segment: cohort, topic: 'promotions' }, model, at)).toBe(0);
  });

  it('leaves out a contact merged into another', async () => {
    await sql`update contacts set merged_into = (select id from contacts where email = 'mix-2@example.com') where email = 'mix-1@example.com'`.execute(database.db);
    expect(await addressesOf({ stages: ['mql'] })).toEqual(mix(2, 3, 4, 5));
  });
});

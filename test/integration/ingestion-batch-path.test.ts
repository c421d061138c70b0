import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmailIdentity } from '../../db/consent.repository.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { normalizeEvent, type InboundEvent } from '../../domain/events.js';
import { decodeScoringState, engagementScoreAt, scoreEvents, type CompiledScoringModel } from '../../domain/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// The batch path writes events, ledger and score states as JSON row sets, folds last activity into
// the score update, and keeps no foreign keys on the derived ledger: these tests hold it to what a
// re-score from the stored events says, whatever the batches looked like.
describe('the batch ingestion path', () => {
  let database: TestDatabase;
  let model: CompiledScoringModel;
  beforeAll(async () => {
    database = await createTestDatabase();
    model = await new ScoringModelStore(database.db).active();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const PATHS = ['/', '/pricing', '/product/x', '/quote', '/careers', '/blog/a'];
  const page = (visitor: string, messageId: string, timestamp: string, path: string, durationSeconds = 10): InboundEvent => ({
    type: 'page',
    anonymousId: visitor,
    messageId,
    timestamp,
    properties: { path, durationSeconds },
  });
  const store = (events: InboundEvent[], now: Date) =>
    storeEvents(
      database.db,
      events.map((event) => normalizeEvent(event, now)),
      model,
      now,
    );
  const contactOf = async (kind: string, value: string) =>
    (await database.db.selectFrom('contact_identities').select('contact_id').where('kind', '=', kind as 'anonymous').where('value', '=', value).executeTakeFirstOrThrow()).contact_id;

  it('keeps the same ledger, state and engagement as a re-score from the stored events, across batches, late events and a merge', async () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    const at = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();
    const visitors = ['bp-a', 'bp-b', 'bp-c', 'bp-d'];
    // Three batches of page views, out of order within each, several per cap day, some days back.
    for (let batch = 0; batch < 3; batch += 1) {
      const events = Array.from({ length: 40 }, (_, i) => page(visitors[i % 4]!, `bp-${batch}-${i}`, at(((i * 7 + batch * 13) % 60) + 0.5), PATHS[i % PATHS.length]!, (i * 17) % 90));
      await store(events, now);
    }
    // A late event, older than everything scored for bp-a: its contact is re-scored from its history.
    await store([page('bp-a', 'bp-late', at(200), '/pricing')], now);
    // bp-c and bp-d turn out to be one person.
    await store([{ type: 'identify', anonymousId: 'bp-c', userId: 'bp-user', messageId: 'bp-id-1', traits: {} }], now);
    await store([{ type: 'identify', anonymousId: 'bp-d', userId: 'bp-user', messageId: 'bp-id-2', traits: {} }], now);

    const contacts = [...new Set(await Promise.all(['bp-a', 'bp-b', 'bp-c', 'bp-d'].map((visitor) => contactOf('anonymous', visitor))))];
    const canonical = await database.db.selectFrom('contacts').select(['id', 'merged_into']).where('id', 'in', contacts).execute();
    const live = canonical.filter((row) => row.merged_into === null).map((row) => row.id);
    expect(live).toHaveLength(3);

    for (const contactId of live) {
      const events = await database.db.selectFrom('events').select(['id', 'type', 'occurred_at', 'properties']).where('contact_id', '=', contactId).execute();
      const expected = scoreEvents(
        events.map((event) => ({ id: String(event.id), type: event.type, occurredAt: event.occurred_at.toISOString(), properties: event.properties })),
        model,
      );
      const ledger = await database.db.selectFrom('score_ledger').select(['event_id', 'rule_id', 'points', 'occurred_at']).where('contact_id', '=', contactId).execute();
      const lines = (rows: { eventId: string; ruleId: string; points: number }[]) => rows.map((row) => `${row.eventId}/${row.ruleId}/${row.points}`).sort();
      expect(lines(ledger.map((row) => ({ eventId: String(row.event_id), ruleId: row.rule_id, points: row.points })))).toEqual(lines(expected.contributions));
      expect(ledger.length).toBeGreaterThan(0);

      const saved = await database.db.selectFrom('contacts').select('scoring_state').where('id', '=', contactId).executeTakeFirstOrThrow();
      expect(decodeScoringState(saved.scoring_state, model)).toEqual(expected.state);

      const contact = await database.db.selectFrom('contacts').select(['engagement_score', 'last_activity_at']).where('id', '=', contactId).executeTakeFirstOrThrow();
      expect(contact.engagement_score).toBeCloseTo(engagementScoreAt(expected.contributions, now.getTime(), model).total, 2);
      const newest = Math.max(...events.filter((event) => event.type !== 'identified').map((event) => event.occurred_at.getTime()));
      expect(contact.last_activity_at?.getTime()).toBe(newest);
    }

    // No ledger line names an event or a contact that does not exist (the ledger has no foreign keys).
    const orphans = await sql<{ n: number }>`
      select count(*)::int as n from score_ledger l
      where not exists (select from events e where e.id = l.event_id and e.contact_id = l.contact_id)
         or not exists (select from contacts c where c.id = l.contact_id and c.merged_into is null)`.execute(database.db);
    expect(orphans.rows[0]?.n).toBe(0);
  });

  it('moves last activity forward only, to the newest event of a batch, never for an identify', async () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    await store(
      [
        page('la-visitor', 'la-1', '2026-11-20T08:00:00.000Z', '/'),
        page('la-visitor', 'la-2', '2026-11-20T10:00:00.000Z', '/blog/a'),
        page('la-visitor', 'la-3', '2026-11-20T09:00:00.000Z', '/docs'),
      ],
      now,
    );
    const contactId = await contactOf('anonymous', 'la-visitor');
    const lastActivity = async () =>
      (await database.db.selectFrom('contacts').select('last_activity_at').where('id', '=', contactId).executeTakeFirstOrThrow()).last_activity_at?.toISOString();
    expect(await lastActivity()).toBe('2026-11-20T10:00:00.000Z');

    await store([page('la-visitor', 'la-4', '2026-11-19T10:00:00.000Z', '/')], now);
    expect(await lastActivity()).toBe('2026-11-20T10:00:00.000Z');

    await store([{ type: 'identify', anonymousId: 'la-visitor', messageId: 'la-5', timestamp: '2026-11-20T11:30:00.000Z', traits: { firstName: 'Lou' } }], now);
    expect(await lastActivity()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('carries engagement from batch to batch exactly as the ledger sums it: over weeks, past the window, with an event dated ahead', async () => {
    const visitor = 'carry-visitor';
    const day = 86_400_000;
    const start = Date.parse('2026-06-01T12:00:00.000Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    const expectLedgerScore = async (now: number) => {
      const contactId = await contactOf('anonymous', visitor);
      const ledger = await database.db.selectFrom('score_ledger').select(['event_id', 'rule_id', 'points', 'occurred_at', 'reason']).where('contact_id', '=', contactId).execute();
      const contributions = ledger.map((row) => ({ eventId: String(row.event_id), ruleId: row.rule_id, points: row.points, occurredAt: row.occurred_at.toISOString(), reason: row.reason }));
      const contact = await database.db.selectFrom('contacts').select(['engagement_score', 'engagement_scored_at']).where('id', '=', contactId).executeTakeFirstOrThrow();
      expect(contact.engagement_scored_at.getTime()).toBe(now);
      expect(contact.engagement_score).toBeCloseTo(engagementScoreAt(contributions, now, model).total, 2);
      return contact.engagement_score;
    };
    // Batches weeks apart, each decaying the carried sum to its own time; the first lines leave the
    // 90-day window on the way (day 100), and one event is dated 3 hours after the batch that brings it.
    const steps: { at: number; events: InboundEvent[] }[] = [
      { at: start, events: [page(visitor, 'carry-1', iso(start - 3_600_000), '/pricing'), page(visitor, 'carry-2', iso(start - 60_000), '/quote')] },
      { at: start + 40 * day, events: [page(visitor, 'carry-3', iso(start + 40 * day - 7_200_000), '/product/x', 60)] },
      { at: start + 60 * day, events: [page(visitor, 'carry-4', iso(start + 60 * day + 3 * 3_600_000), '/pricing')] },
      { at: start + 60 * day + 4 * 3_600_000, events: [page(visitor, 'carry-5', iso(start + 60 * day + 3.5 * 3_600_000), '/')] },
      { at: start + 100 * day, events: [page(visitor, 'carry-6', iso(start + 100 * day - 1_000), '/quote')] },
      { at: start + 125 * day, events: [page(visitor, 'carry-7', iso(start + 125 * day - 1_000), '/blog/a')] },
    ];
    const scores: number[] = [];
    for (const step of steps) {
      await store(step.events, new Date(step.at));
      scores.push(await expectLedgerScore(step.at));
    }
    // The event dated ahead counts once its time has come, not before.
    const contactId = await contactOf('anonymous', visitor);
    const ahead = await database.db.selectFrom('score_ledger').innerJoin('events', 'events.id', 'score_ledger.event_id').select('score_ledger.points').where('events.message_id', '=', 'carry-4').execute();
    expect(ahead.length).toBeGreaterThan(0);
    expect(new Set(scores).size).toBeGreaterThan(3);
    expect((await database.db.selectFrom('contacts').select('engagement_oldest_at').where('id', '=', contactId).executeTakeFirstOrThrow()).engagement_oldest_at?.getTime()).toBeGreaterThanOrEqual(start + 35 * day);
  });

  it('stores each message id once when concurrent batches carry the same events, and answers every one of them', async () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    const shared = Array.from({ length: 60 }, (_, i) => page(`dup-${i % 6}`, `dup-${i}`, `2026-11-20T0${i % 10}:00:00.000Z`, PATHS[i % PATHS.length]!));
    // Eight batches at once, each the shared events in another order plus one event of its own.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, batch) => store([...shared.slice(batch * 7), ...shared.slice(0, batch * 7), page('dup-own', `dup-own-${batch}`, '2026-11-20T09:30:00.000Z', '/')], now)),
    );
    const stored = await database.db.selectFrom('events').select(['message_id', 'contact_id']).where('message_id', 'like', 'dup-%').execute();
    expect(stored).toHaveLength(60 + 8);
    const contactOfMessage = new Map(stored.map((row) => [row.message_id, row.contact_id]));
    let storedHere = 0;
    for (const result of results) {
      expect(result.outcomes).toHaveLength(61);
      for (const outcome of result.outcomes) {
        expect(outcome.contactId).toBe(contactOfMessage.get(outcome.messageId));
        if (outcome.stored) storedHere += 1;
      }
    }
    // Each event was reported stored by exactly one batch; the others acknowledged it as a retry.
    expect(storedHere).toBe(60 + 8);
    const ledger = await database.db.selectFrom('score_ledger').innerJoin('events', 'events.id', 'score_ledger.event_id').select(['events.message_id', 'score_ledger.rule_id']).where('events.message_id', 'like', 'dup-%').execute();
    expect(new Set(ledger.map((line) => `${line.message_id}/${line.rule_id}`)).size).toBe(ledger.length);
  });

  it('gives an address set on a merged profile to the contact it was merged into, where the next event finds it', async () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    await store([page('em-a', 'em-1', '2026-11-20T08:00:00.000Z', '/')], now);
    const merged = await contactOf('anonymous', 'em-a');
    await store([{ type: 'identify', anonymousId: 'em-b', userId: 'em-user', messageId: 'em-2', traits: {} }], now);
    await store([{ type: 'identify', anonymousId: 'em-a', userId: 'em-user', messageId: 'em-3', traits: {} }], now);
    const survivor = await contactOf('user', 'em-user');
    expect((await database.db.selectFrom('contacts').select('merged_into').where('id', '=', merged).executeTakeFirstOrThrow()).merged_into).toBe(survivor);

    await ensureEmailIdentity(database.db, merged, 'Em@Example.com');
    expect(await contactOf('email', 'em@example.com')).toBe(survivor);
    const { outcomes } = await store([{ type: 'track', event: 'Email Clicked', messageId: 'em-4', properties: { email: 'em@example.com' } }], now);
    expect(outcomes[0]?.contactId).toBe(survivor);
  });

  it('stores ids and properties that look like array-literal syntax exactly as sent', async () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    const awkward = ['NULL', '', 'a"b', 'back\\slash\\', '{x,y}', 'comma, "quoted" and \\"both\\"', ' padded ', 'tab\tand\nnewline', 'escape-like \\n'];
    const events = awkward.map((text, index) => page(`syntax-${text}`, `syntax-${index}-${text}`, '2026-11-20T08:00:00.000Z', text));
    const first = await store(events, now);
    expect(first.outcomes.every((outcome) => outcome.stored)).toBe(true);
    const stored = await database.db.selectFrom('events').select(['message_id', 'anonymous_id', 'properties']).where('message_id', 'like', 'syntax-%').execute();
    expect(new Set(stored.map((row) => JSON.stringify(row)))).toEqual(
      new Set(awkward.map((text, index) => JSON.stringify({ message_id: `syntax-${index}-${text}`, anonymous_id: `syntax-${text}`, properties: { path: text, durationSeconds: 10 } }))),
    );
    const identities = await database.db.selectFrom('contact_identities').select('value').where('value', 'like', 'syntax-%').execute();
    expect(new Set(identities.map((row) => row.value))).toEqual(new Set(awkward.map((text) => `syntax-${text}`)));
  });

  it('stores an event whose ids and properties hold a lone UTF-16 surrogate, with U+FFFD in its place, once', async () => {
    const now = new Date('2026-11-20T12:00:00.000Z');
    const event = page('lone-\ud800-visitor', 'lone-\ud800', '2026-11-20T08:00:00.000Z', '/blog/\udc00');
    const first = await store([event, page('lone-other', 'lone-ok', '2026-11-20T08:00:00.000Z', '/')], now);
    expect(first.outcomes.map((outcome) => outcome.stored)).toEqual([true, true]);
    const stored = await database.db.selectFrom('events').select(['message_id', 'anonymous_id', 'properties']).where('message_id', 'like', 'lone-%').orderBy('message_id').execute();
    expect(stored).toEqual([
      { message_id: 'lone-ok', anonymous_id: 'lone-other', properties: { path: '/', durationSeconds: 10 } },
      { message_id: 'lone-\ufffd', anonymous_id: 'lone-\ufffd-visitor', properties: { path: '/blog/\ufffd', durationSeconds: 10 } },
    ]);
    // A retry is recognised by the stored (replaced) id: acknowledged, not stored twice.
    const retry = await store([event], now);
    expect(retry.outcomes).toEqual([{ messageId: 'lone-\ufffd', contactId: first.outcomes[0]!.contactId, stored: false }]);
  });
});

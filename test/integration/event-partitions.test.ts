import { CompiledQuery, Kysely, PostgresDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactProfile, scoreBreakdown } from '../../db/contact.queries.js';
import { refreshContacts } from '../../db/contact-scoring.js';
import type { Database } from '../../db/database.js';
import { eraseContact } from '../../db/erasure.repository.js';
import { defaultRetentionDays, maintainEventPartitions, startPartitionMaintenance, weekStartOf } from '../../db/event-partitions.js';
import { activateScoringModel } from '../../db/scoring.repository.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { eventsForRouting } from '../../db/journey-routing.queries.js';
import { migrateToLatest } from '../../db/migrate.js';
import { migrations } from '../../db/migrations/index.js';
import type { Db } from '../../db/connection.js';
import { normalizeEvent, type InboundEvent } from '../../domain/events.js';
import { compileScoringModel, defaultScoringModel } from '../../domain/scoring/index.js';
import { createDatabaseMigratedTo, createTestDatabase, type TestDatabase } from '../helpers/database.js';

// Migration 0019 partitions events and the score ledger by week of occurred_at; the maintenance
// creates weeks ahead and drops those past the retention. These tests run both on real PostgreSQL.

const model = compileScoringModel(defaultScoringModel);
const DAY_MS = 86_400_000;
const PARTITIONING = '0019_event_partitions';
const BEFORE_PARTITIONING = Object.keys(migrations)[Object.keys(migrations).indexOf(PARTITIONING) - 1]!;

const page = (visitor: string, messageId: string, timestamp: string | undefined, path = '/pricing'): InboundEvent => ({
  type: 'page',
  anonymousId: visitor,
  messageId,
  ...(timestamp === undefined ? {} : { timestamp }),
  properties: { path },
});
const store = (db: Db, events: InboundEvent[], receivedAt: Date) =>
  storeEvents(
    db,
    events.map((event) => normalizeEvent(event, receivedAt)),
    model,
    receivedAt,
  );
const contactOf = async (db: Db, visitor: string) =>
  (await db.selectFrom('contact_identities').select('contact_id').where('kind', '=', 'anonymous').where('value', '=', visitor).executeTakeFirstOrThrow()).contact_id;

/** Rows per partition (its table name) holding the contact's rows of `table`. */
async function partitionsOf(db: Db, table: 'events' | 'score_ledger' | 'event_message_ids', contactId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ partition: string; n: number }>`
    select tableoid::regclass::text as partition, count(*)::int as n from ${sql.table(table)} where contact_id = ${contactId} group by 1`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.partition, row.n]));
}

async function partitionNames(db: Db, parent: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ${parent}::regclass order by 1`.execute(db);
  return rows.map((row) => row.name);
}

describe('migration 0019 on a database holding events', () => {
  let database: TestDatabase;
  const contacts = ['7a6e0f3a-0000-4000-8000-000000000001', '7a6e0f3a-0000-4000-8000-000000000002', '7a6e0f3a-0000-4000-8000-000000000003'];
  const at = new Date('2026-12-06T12:00:00.000Z');

  beforeAll(async () => {
    database = await createDatabaseMigratedTo(BEFORE_PARTITIONING);
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** Per contact: how many rows and a digest of every column of every row, for events and ledger. */
  async function checksums() {
    const events = await sql<{ contact_id: string; n: number; digest: string }>`
      select contact_id, count(*)::int as n, md5(string_agg(e::text, '|' order by e.id)) as digest from events e group by contact_id order by contact_id`.execute(database.db);
    const ledger = await sql<{ contact_id: string; n: number; digest: string }>`
      select contact_id, count(*)::int as n, md5(string_agg(l::text, '|' order by l.event_id, l.rule_id)) as digest from score_ledger l group by contact_id order by contact_id`.execute(database.db);
    return { events: events.rows, ledger: ledger.rows };
  }

  it('keeps every event and ledger line, and what the product reads of them; then stores each message id once, across weeks', async () => {
    const db = database.db;
    await sql`insert into contacts (id, stage) select unnest(${contacts}::uuid[]), 'visitor'`.execute(db);
    await sql`insert into contact_identities (kind, value, contact_id) select 'anonymous', 'visitor-' || n, (${contacts}::uuid[])[n] from generate_series(1, 3) as n`.execute(db);
    // Events from July to December, a sender's clock in 2019 and one dated next summer: each in its week.
    const times = ['2019-03-14T09:00:00Z', '2026-07-02T10:00:00Z', '2026-08-19T11:30:00Z', '2026-09-30T08:00:00Z', '2026-10-11T16:45:00Z', '2026-11-23T12:00:00Z', '2026-12-01T07:15:00Z', '2026-12-05T22:00:00Z', '2027-06-01T00:00:00Z'];
    const { rows: stored } = await sql<{ id: number; contact_id: string; occurred_at: Date }>`
      insert into events (message_id, contact_id, type, occurred_at, received_at, properties, traits, context)
      select 'before-' || c.n || '-' || t.n, (${contacts}::uuid[])[c.n], 'page_viewed', t.at, t.at + interval '2 seconds',
             jsonb_build_object('path', '/p/' || t.n), '{}', jsonb_build_object('ip', '192.0.2.' || c.n)
      from generate_series(1, 3) as c(n), unnest(${times}::timestamptz[]) with ordinality as t(at, n)
      returning id, contact_id, occurred_at`.execute(db);
    await sql`
      insert into score_ledger (contact_id, event_id, rule_id, points, occurred_at, reason, model_version)
      select (r->>'contact_id')::uuid, (r->>'id')::bigint, 'page-view', 1, (r->>'occurred_at')::timestamptz, 'Viewed a page', 1
      from jsonb_array_elements(${JSON.stringify(stored)}::jsonb) as r`.execute(db);
    const before = await checksums();
    const profilesBefore = await Promise.all(contacts.map((id) => contactProfile(db, id)));
    const breakdownsBefore = await Promise.all(contacts.map((id) => scoreBreakdown(db, id, model, at)));
    expect(before.events.map((row) => row.n)).toEqual([9, 9, 9]);
    expect(breakdownsBefore[0]!.engagement.lines.length).toBeGreaterThan(0);

    await migrateToLatest(db);

    expect(await checksums()).toEqual(before);
    expect(await Promise.all(contacts.map((id) => contactProfile(db, id)))).toEqual(profilesBefore);
    expect(await Promise.all(contacts.map((id) => scoreBreakdown(db, id, model, at)))).toEqual(breakdownsBefore);
    // Every row is in its week's partition, none left to the default one.
    const eventPartitions = await partitionsOf(db, 'events', contacts[0]!);
    expect(Object.keys(eventPartitions).sort()).toEqual(['events_w20190311', 'events_w20260629', 'events_w20260817', 'events_w20260928', 'events_w20261005', 'events_w20261123', 'events_w20261130', 'events_w20270531']);
    expect(eventPartitions['events_w20261130']).toBe(2);
    expect(Object.keys(await partitionsOf(db, 'score_ledger', contacts[1]!))).toHaveLength(8);
    const defaults = await sql<{ n: number }>`select (select count(*) from events_default) + (select count(*) from score_ledger_default) as n`.execute(db);
    expect(Number(defaults.rows[0]!.n)).toBe(0);

    // A retry of an event stored before the migration is acknowledged, not stored again.
    const maxId = Math.max(...stored.map((row) => row.id));
    const retried = await store(db, [page('visitor-2', 'before-2-3', '2026-12-06T08:00:00Z'), page('visitor-2', 'after-1', '2026-12-06T08:00:00Z')], at);
    expect(retried.outcomes).toEqual([
      { messageId: 'before-2-3', contactId: contacts[1], stored: false },
      { messageId: 'after-1', contactId: contacts[1], stored: true },
    ]);
    const fresh = await db.selectFrom('events').select(['id', 'message_id']).where('message_id', 'in', ['before-2-3', 'after-1']).orderBy('id').execute();
    expect(fresh.map((row) => row.message_id)).toEqual(['before-2-3', 'after-1']);
    // The ids go on from the same sequence: outbox intents and ledger lines name events by id.
    expect(fresh[1]!.id).toBeGreaterThan(maxId);

    // The same message id again, dated in another week (an event without a timestamp is dated on
    // receipt): still stored once, in the week it was first stored in.
    const later = new Date('2026-12-16T09:00:00.000Z');
    expect((await store(db, [page('visitor-2', 'after-1', undefined)], later)).outcomes[0]!.stored).toBe(false);
    // Two concurrent batches carrying the same message ids dated in two different weeks: one stores
    // each, the other acknowledges it (the message ids' primary key catches the race across partitions).
    const ids = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    const [first, second] = await Promise.all([
      store(db, ids.map((id) => page('visitor-3', id, '2026-12-02T10:00:00Z')), later),
      store(db, ids.map((id) => page('visitor-3', id, '2026-12-09T10:00:00Z')), later),
    ]);
    for (let i = 0; i < ids.length; i += 1) expect([first.outcomes[i]!.stored, second.outcomes[i]!.stored].filter(Boolean)).toHaveLength(1);
    const race = await sql<{ message_id: string; n: number }>`select message_id, count(*)::int as n from events where message_id like 'race-%' group by 1`.execute(db);
    expect(race.rows).toHaveLength(20);
    expect(race.rows.every((row) => row.n === 1)).toBe(true);
    const duplicated = await sql<{ n: number }>`select count(*)::int as n from (select message_id from events group by 1 having count(*) > 1) d`.execute(db);
    expect(duplicated.rows[0]!.n).toBe(0);
  });
});

describe('partition maintenance', () => {
  let database: TestDatabase;
  const now = new Date('2026-12-06T12:00:00.000Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('creates weeks ahead, drops the weeks entirely past the retention with their rows, and keeps the rest', async () => {
    const db = database.db;
    // Each received when it occurred; the oldest land in the default partition (no week covers them yet).
    for (const days of [70, 40, 24, 10, 1]) {
      await store(db, [page('keeper', `kept-${days}`, daysAgo(days).toISOString()), page('other', `other-${days}`, daysAgo(days).toISOString())], daysAgo(days));
    }
    // A sender's clock years ahead: no week covers it for a long time.
    await store(db, [page('keeper', 'future', '2031-09-03T10:00:00Z')], now);
    const keeper = await contactOf(db, 'keeper');
    expect((await partitionsOf(db, 'events', keeper))['events_default']).toBeGreaterThanOrEqual(1);

    // A year's retention: the weeks back to then are created, the old rows move into them.
    const year = await maintainEventPartitions(db, { retentionDays: 365, now });
    expect(year.ran).toBe(true);
    expect(year.dropped).toEqual([]);
    expect(year.created).toContain('events_w20260921');
    expect(year.created).toContain('score_ledger_w20260921');
    expect(await partitionsOf(db, 'events', keeper)).toEqual({ events_w20260921: 1, events_w20261026: 1, events_w20261109: 1, events_w20261123: 1, events_w20261130: 1, events_default: 1 });
    const ledgerWeeks = await partitionsOf(db, 'score_ledger', keeper);
    expect(ledgerWeeks['score_ledger_w20260921']).toBeGreaterThan(0);
    // Four weeks ahead of the current one (30 November), for both tables.
    expect(await partitionNames(db, 'events')).toContain('events_w20261228');
    expect(await partitionNames(db, 'score_ledger')).toContain('score_ledger_w20261228');
    expect(year.created).not.toContain('events_w20270104');

    // While another instance holds the maintenance, this one does nothing.
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtextextended('relance:event-partitions', 0))`);
      const skipped = await maintainEventPartitions(db, { retentionDays: 30, now });
      expect(skipped).toMatchObject({ ran: false, dropped: [] });
      expect(await partitionNames(db, 'events')).toContain('events_w20260921');
    } finally {
      await other.end();
    }

    // Thirty days: the cutoff (6 November) falls in the week of 2 November, which stays; the weeks
    // before it go whole, rows and ledger lines with them, as do the message ids received before it.
    const month = await maintainEventPartitions(db, { retentionDays: 30, now });
    expect(month.ran).toBe(true);
    expect(month.dropped).toContain('events_w20260921');
    expect(month.dropped).toContain('events_w20261026');
    expect(month.dropped).toContain('score_ledger_w20260921');
    expect(month.dropped.some((name) => name >= 'events_w20261102' && name.startsWith('events_'))).toBe(false);
    expect(await partitionNames(db, 'events')).toContain('events_w20261102');
    expect(await partitionsOf(db, 'events', keeper)).toEqual({ events_w20261109: 1, events_w20261123: 1, events_w20261130: 1, events_default: 1 });
    expect(Object.keys(await partitionsOf(db, 'score_ledger', keeper)).sort()).toEqual(['score_ledger_default', 'score_ledger_w20261109', 'score_ledger_w20261123', 'score_ledger_w20261130']);
    const remembered = await db.selectFrom('event_message_ids').select('message_id').orderBy('message_id').execute();
    expect(remembered.map((row) => row.message_id)).toEqual(['future', 'kept-1', 'kept-10', 'kept-24', 'other-1', 'other-10', 'other-24']);
    expect(month.forgottenMessageIds).toBe(4);
    // The other contact lost its old events too, and kept its recent ones.
    const other2 = await contactOf(db, 'other');
    expect(Object.values(await partitionsOf(db, 'events', other2)).reduce((a, b) => a + b, 0)).toBe(3);

    // A straggler dated before the cutoff, stored after a run, waits in the default partition; the
    // next run deletes it.
    await store(db, [page('keeper', 'straggler', daysAgo(200).toISOString())], now);
    expect((await partitionsOf(db, 'events', keeper))['events_default']).toBe(2);
    const stale = await sql<{ n: number }>`
      select (select count(*) from events_default where occurred_at < ${daysAgo(30)}) + (select count(*) from score_ledger_default where occurred_at < ${daysAgo(30)}) as n`.execute(db);
    expect(Number(stale.rows[0]!.n)).toBeGreaterThanOrEqual(2);
    // Message ids kept for a shorter time of their own: those received more than 5 days ago go.
    const next = await maintainEventPartitions(db, { retentionDays: 30, messageIdRetentionDays: 5, now });
    expect(next.expiredStragglers).toBe(Number(stale.rows[0]!.n));
    expect(next.forgottenMessageIds).toBe(4);
    const shortMemory = await db.selectFrom('event_message_ids').select('message_id').orderBy('message_id').execute();
    expect(shortMemory.map((row) => row.message_id)).toEqual(['future', 'kept-1', 'other-1', 'straggler']);
    expect((await partitionsOf(db, 'events', keeper))['events_default']).toBe(1);

    // Years later the far-future event's week is created: the event moves from the default partition
    // into it (and the 2026 weeks, past the retention by then, go).
    const later = await maintainEventPartitions(db, { retentionDays: 30, now: new Date('2031-08-20T00:00:00Z') });
    expect(later.created).toContain('events_w20310901');
    expect(later.dropped).toContain('events_w20261130');
    expect(await partitionsOf(db, 'events', keeper)).toEqual({ events_w20310901: 1 });
    expect(Object.keys(await partitionsOf(db, 'score_ledger', keeper))).toEqual(['score_ledger_w20310901']);
  });
});

describe('erasure on partitions', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('erases a contact from every partition', async () => {
    const db = database.db;
    const now = new Date();
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    await maintainEventPartitions(db, { now });
    await store(db, [page('erased', 'erase-1', daysAgo(12).toISOString()), page('erased', 'erase-2', daysAgo(2).toISOString()), page('stays', 'stays-1', daysAgo(12).toISOString())], now);
    const erased = await contactOf(db, 'erased');
    const stays = await contactOf(db, 'stays');
    const weeks = await partitionsOf(db, 'events', erased);
    expect(Object.values(weeks)).toEqual([1, 1]);
    expect(Object.keys(weeks).every((name) => /^events_w\d{8}$/.test(name))).toBe(true);
    const ledger = await partitionsOf(db, 'score_ledger', erased);
    expect(Object.keys(ledger)).toHaveLength(2);

    const erasure = await eraseContact(db, erased, 'test admin');
    expect(erasure?.counts).toMatchObject({ events: 2, score_ledger: Object.values(ledger).reduce((a, b) => a + b, 0), event_message_ids: 2 });
    expect(await partitionsOf(db, 'events', erased)).toEqual({});
    expect(await partitionsOf(db, 'score_ledger', erased)).toEqual({});
    expect(await partitionsOf(db, 'event_message_ids', erased)).toEqual({});
    expect(Object.values(await partitionsOf(db, 'events', stays))).toEqual([1]);
  });

  it("keeps by default the longest scoring window plus 14 days, and runs at a process's start", async () => {
    const db = database.db;
    expect(await defaultRetentionDays(db)).toBe(defaultScoringModel.windowDays + 14);
    await activateScoringModel(db, { ...defaultScoringModel, version: defaultScoringModel.version + 1, windowDays: 180 });
    expect(await defaultRetentionDays(db)).toBe(194);

    const logged: string[] = [];
    const maintenance = startPartitionMaintenance(db, { retentionDays: 30, intervalMs: 3_600_000 }, { info: (_, message) => logged.push(message), warn: (_, message) => logged.push(message) });
    await maintenance.settled();
    await maintenance.stop();
    const ahead = `events_w${new Date(weekStartOf(new Date()).getTime() + 28 * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '')}`;
    expect(await partitionNames(db, 'events')).toContain(ahead);
    expect(logged.every((message) => message === 'event partitions maintained')).toBe(true);
  });
});

describe("the product's reads of events and ledger on partitions", () => {
  let database: TestDatabase;
  let logged: Kysely<Database>;
  const captured: CompiledQuery[] = [];
  /** The tables and partitions that hold rows. */
  const holding = new Set<string>();
  const now = new Date('2026-12-06T12:00:00.000Z');
  const contactCount = 2_000;

  beforeAll(async () => {
    database = await createTestDatabase();
    // The product's functions run on this connection, which keeps every query they send, to explain it.
    logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
      log: (event: LogEvent) => {
        if (event.level === 'query') captured.push(event.query);
      },
    });
    const db = database.db;
    // Twenty weeks of history for 2,000 contacts: 40,000 events, enough for the planner's statistics to mean something.
    await maintainEventPartitions(db, { retentionDays: 160, now });
    await sql`insert into contacts (id, stage) select ('7a6e0f3a-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'visitor' from generate_series(1, ${contactCount}) as n`.execute(db);
    await sql`
      insert into events (message_id, contact_id, type, occurred_at, received_at, properties, traits, context)
      select 'bulk-' || c || '-' || k, ('7a6e0f3a-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid, case when k % 5 = 0 then 'form_submitted' else 'page_viewed' end,
             ${now}::timestamptz - make_interval(hours => (k * 7 * 24 + c % 150)::int), ${now}::timestamptz, jsonb_build_object('path', '/p/' || k), '{}', '{}'
      from generate_series(1, ${contactCount}) as c, generate_series(0, 19) as k`.execute(db);
    await sql`
      insert into score_ledger (contact_id, event_id, rule_id, points, occurred_at, reason, model_version)
      select contact_id, id, 'page-view', 1, occurred_at, 'Viewed a page', 1 from events`.execute(db);
    await sql`insert into event_message_ids (message_id, contact_id, received_at) select message_id, contact_id, received_at from events`.execute(db);
    for (const table of ['events', 'score_ledger', 'event_message_ids']) await sql`analyze ${sql.table(table)}`.execute(db);
    const { rows } = await sql<{ name: string }>`
      select distinct tableoid::regclass::text as name from events union select distinct tableoid::regclass::text from score_ledger union select 'event_message_ids'`.execute(db);
    for (const row of rows) holding.add(row.name);
  });
  afterAll(async () => {
    await logged?.destroy();
    await database?.drop();
  });

  interface PlanNode {
    'Node Type': string;
    'Relation Name'?: string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }
  const scansOf = (node: PlanNode): PlanNode[] => [...(node['Relation Name'] === undefined ? [] : [node]), ...(node.Plans ?? []).flatMap(scansOf)];

  /** The scans PostgreSQL plans for each query the function sent that reads events, the ledger or the message ids. */
  async function plansOf(run: () => Promise<unknown>): Promise<{ sql: string; scans: PlanNode[] }[]> {
    captured.length = 0;
    await run();
    const reading = captured.filter((query) => /\b(events|score_ledger|event_message_ids)\b/.test(query.sql) && /^\s*(select|with)/i.test(query.sql));
    expect(reading.length).toBeGreaterThan(0);
    return Promise.all(
      reading.map(async (query) => {
        const result = await database.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]));
        return { sql: query.sql, scans: scansOf(result.rows[0]!['QUERY PLAN'][0]!.Plan) };
      }),
    );
  }
  const partitionScans = (scans: PlanNode[], parent: string) => scans.filter((scan) => scan['Relation Name']!.startsWith(`${parent}_`));
  // A sequential scan is fine only on a partition that holds nothing (the default one, weeks ahead).
  const expectIndexed = (scans: PlanNode[]) => {
    const sequential = scans.filter((scan) => scan['Node Type'] === 'Seq Scan' && holding.has(scan['Relation Name']!));
    expect(sequential.map((scan) => scan['Relation Name'])).toEqual([]);
  };
  const contact = (n: number) => `7a6e0f3a-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('reads a contact by index in each week, and only the weeks of the scoring window where it has a time bound', async () => {
    const weeks = (await sql<{ n: number }>`select count(*)::int as n from pg_inherits where inhparent = 'events'::regclass`.execute(database.db)).rows[0]!.n;
    expect(weeks).toBeGreaterThan(20);

    // The profile: the contact's last 50 events, every week (no time bound), each by its index.
    for (const plan of await plansOf(() => contactProfile(logged, contact(7)))) expectIndexed(plan.scans);

    // "Why this score": ledger lines of the window, each joined to its event in that event's week.
    const windowStart = new Date(now.getTime() - model.windowMs);
    const breakdown = await plansOf(() => scoreBreakdown(logged, contact(7), model, now));
    const joined = breakdown.find((plan) => plan.sql.includes('score_ledger'))!;
    expectIndexed(joined.scans);
    const ledgerWeeks = partitionScans(joined.scans, 'score_ledger').map((scan) => scan['Relation Name']!);
    // Weeks wholly before the window are pruned: the oldest planned starts within a week of its start.
    expect(ledgerWeeks.length).toBeLessThan(weeks - 5);
    expect(ledgerWeeks.filter((name) => name !== 'score_ledger_default').every((name) => weekStart(name) > windowStart.getTime() - 7 * DAY_MS)).toBe(true);

    // The ingestion's engagement sum over the window, from the ledger: pruned the same way, by index.
    const summed = await plansOf(() => logged.transaction().execute((trx) => refreshContacts(trx, [contact(9), contact(10)], model, now)));
    const sum = summed.find((plan) => plan.sql.includes('score_ledger'))!;
    expectIndexed(sum.scans);
    expect(partitionScans(sum.scans, 'score_ledger').length).toBeLessThan(weeks - 5);

    // The ingestion's message-id probe: one index probe in one table, not one per week.
    const probe = await plansOf(() => store(logged, [page('probe-visitor', 'bulk-7-3', undefined), page('probe-visitor', 'probe-new', undefined)], now));
    const dedup = probe.find((plan) => plan.sql.includes('event_message_ids'))!;
    const probes = dedup.scans.filter((scan) => scan['Relation Name'] === 'event_message_ids');
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((scan) => scan['Node Type'] === 'Index Scan' && scan['Index Name'] === 'event_message_ids_pkey')).toBe(true);
    expect(dedup.scans.some((scan) => scan['Relation Name']!.startsWith('events'))).toBe(false);
    for (const plan of probe) expectIndexed(plan.scans);

    // The journey router: events by id, and stage changes by their message id through the partial index.
    const ids = (await database.db.selectFrom('events').select('id').where('contact_id', '=', contact(11)).limit(3).execute()).map((row) => Number(row.id));
    for (const plan of await plansOf(() => eventsForRouting(logged, ids, ['stage-transition:1']))) expectIndexed(plan.scans);
  });
});

/** The Monday a week partition's name gives, as epoch ms. */
function weekStart(name: string): number {
  const match = /_w(\d{4})(\d{2})(\d{2})$/.exec(name)!;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

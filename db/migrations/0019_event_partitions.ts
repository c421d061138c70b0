import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// The events table and the score ledger grew without end (at 20,000 events/s, 1.7 billion rows a
// day). Both become range-partitioned by occurred_at, one partition per ISO week (Monday 00:00 UTC),
// so what is past the retention goes by dropping whole partitions (db/event-partitions.ts), never by
// deleting rows, and the readers' time bounds prune partitions.
//
// Why weeks: a query that names a contact but no time (the profile's last events, a re-score, an
// erasure) probes every partition's index. With the default retention (the 90-day window plus a
// margin, some 15 partitions) daily partitions would make that 105 probes, monthly ones would keep
// up to a month of data past the retention; a week is at most 7 % more than the retention on disk.
//
// Why occurred_at and not received_at: the scoring window, the readers' bounds and the retention are
// all in event time. Its values come from senders, so a default partition takes any row no weekly
// partition covers (a clock in 1970, a batch replayed from last year); the maintenance moves such
// rows into a week's partition when it creates one and deletes those older than the retention.
//
// A unique key on a partitioned table must contain the partition key, and a retried event may carry
// another occurred_at (an event without a timestamp is dated on receipt): the message-id dedup moves
// to its own table, event_message_ids, written in the same statement as the events
// (db/bulk-insert.ts), kept for the same retention counted from receipt. Stage changes
// (`stage-transition:<id>`) are engine events, not senders' message ids: they are not in it, and a
// partial index finds them for the journey router. The ids keep their sequence: outbox intents and
// ledger lines name events by id.

const WEEKS_AHEAD = 4;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`lock table events, score_ledger in access exclusive mode`.execute(db);
  await sql`alter table events rename to events_unpartitioned`.execute(db);
  await sql`alter table score_ledger rename to score_ledger_unpartitioned`.execute(db);
  await sql`alter index events_pkey rename to events_unpartitioned_pkey`.execute(db);
  await sql`alter index events_message_id_key rename to events_unpartitioned_message_id_key`.execute(db);
  await sql`alter index events_contact_time_idx rename to events_unpartitioned_contact_time_idx`.execute(db);
  await sql`alter index score_ledger_contact_time_idx rename to score_ledger_unpartitioned_contact_time_idx`.execute(db);

  await sql`
    create table events (
      id bigint not null default nextval('events_id_seq'),
      message_id text collate "C" not null,
      contact_id uuid not null,
      type text not null,
      user_id text,
      anonymous_id text,
      occurred_at timestamptz not null,
      received_at timestamptz not null,
      properties jsonb not null,
      traits jsonb not null,
      context jsonb not null
    ) partition by range (occurred_at)`.execute(db);
  await sql`alter sequence events_id_seq owned by events.id`.execute(db);
  await sql`
    create table score_ledger (
      contact_id uuid not null,
      event_id bigint not null,
      rule_id text not null,
      points double precision not null,
      occurred_at timestamptz not null,
      reason text not null,
      model_version integer not null
    ) partition by range (occurred_at)`.execute(db);
  await sql`create table events_default partition of events default`.execute(db);
  await sql`create table score_ledger_default partition of score_ledger default`.execute(db);

  // One week's partition of `parent` (events or score_ledger), created detached, filled with the rows
  // of that week the default partition holds, then attached: the CHECK spares the attach a scan of
  // the new table, and the default partition no longer holds a row of the week when it is scanned.
  // Used here and by the maintenance, so both name and bound partitions the same way.
  await sql`
    create function create_week_partition(parent text, week_start date) returns boolean
    language plpgsql as $$
    declare
      partition text := format('%s_w%s', parent, to_char(week_start, 'YYYYMMDD'));
      low timestamptz := week_start::timestamp at time zone 'UTC';
      high timestamptz := (week_start + 7)::timestamp at time zone 'UTC';
    begin
      if extract(isodow from week_start) <> 1 then
        raise exception 'a week partition starts on a Monday, not %', week_start;
      end if;
      if to_regclass(partition) is not null then
        return false;
      end if;
      execute format('create table %I (like %I including defaults)', partition, parent);
      execute format('alter table %I add constraint %I check (occurred_at >= %L and occurred_at < %L)', partition, partition || '_bounds', low, high);
      execute format('with moved as (delete from %I where occurred_at >= %L and occurred_at < %L returning *) insert into %I select * from moved',
        parent || '_default', low, high, partition);
      execute format('alter table %I attach partition %I for values from (%L) to (%L)', parent, partition, low, high);
      execute format('alter table %I drop constraint %I', partition, partition || '_bounds');
      return true;
    end
    $$`.execute(db);

  // A partition for every week that holds rows, and for this week and the next few.
  await sql`
    with weeks as (
      select distinct date_trunc('week', occurred_at at time zone 'UTC')::date as week from events_unpartitioned
      union
      select distinct date_trunc('week', occurred_at at time zone 'UTC')::date from score_ledger_unpartitioned
      union
      select (date_trunc('week', now() at time zone 'UTC') + make_interval(weeks => n))::date from generate_series(0, ${sql.lit(WEEKS_AHEAD)}) as n
    )
    select create_week_partition(parent, week) from weeks, (values ('events'), ('score_ledger')) as p(parent) order by week`.execute(db);

  // Rows first, indexes after: one sorted build per partition instead of a btree insert per row.
  await sql`
    insert into events (id, message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context)
    select id, message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context from events_unpartitioned`.execute(db);
  await sql`
    insert into score_ledger (contact_id, event_id, rule_id, points, occurred_at, reason, model_version)
    select contact_id, event_id, rule_id, points, occurred_at, reason, model_version from score_ledger_unpartitioned`.execute(db);
  await sql`
    create table event_message_ids (
      message_id text collate "C" not null,
      contact_id uuid not null,
      received_at timestamptz not null
    )`.execute(db);
  await sql`
    insert into event_message_ids (message_id, contact_id, received_at)
    select message_id, contact_id, received_at from events_unpartitioned
    where not (type = 'stage_changed' and message_id like 'stage-transition:%')`.execute(db);

  await sql`alter table events add constraint events_pkey primary key (id, occurred_at)`.execute(db);
  await sql`create index events_contact_time_idx on events (contact_id, occurred_at)`.execute(db);
  await sql`create index events_stage_message_idx on events (message_id) where type = 'stage_changed'`.execute(db);
  await sql`create index score_ledger_contact_time_idx on score_ledger (contact_id, occurred_at)`.execute(db);
  await sql`alter table event_message_ids add constraint event_message_ids_pkey primary key (message_id)`.execute(db);
  // The retention deletes by time of receipt; rows arrive in that order, so a block range index is
  // enough, and costs the insert next to nothing where a btree would be one more per event.
  await sql`create index event_message_ids_received_idx on event_message_ids using brin (received_at)`.execute(db);
  // Erasure deletes a person's message ids.
  await sql`create index event_message_ids_contact_idx on event_message_ids (contact_id)`.execute(db);

  await sql`drop table events_unpartitioned`.execute(db);
  await sql`drop table score_ledger_unpartitioned`.execute(db);
  await sql`analyze events`.execute(db);
  await sql`analyze score_ledger`.execute(db);
  await sql`analyze event_message_ids`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`lock table events, score_ledger in access exclusive mode`.execute(db);
  await sql`alter table events rename to events_partitioned`.execute(db);
  await sql`alter table score_ledger rename to score_ledger_partitioned`.execute(db);
  await sql`alter index events_pkey rename to events_partitioned_pkey`.execute(db);
  await sql`alter index events_contact_time_idx rename to events_partitioned_contact_time_idx`.execute(db);
  await sql`alter index score_ledger_contact_time_idx rename to score_ledger_partitioned_contact_time_idx`.execute(db);
  await sql`
    create table events (
      id bigint primary key default nextval('events_id_seq'),
      message_id text collate "C" not null unique,
      contact_id uuid not null,
      type text not null,
      user_id text,
      anonymous_id text,
      occurred_at timestamptz not null,
      received_at timestamptz not null,
      properties jsonb not null,
      traits jsonb not null,
      context jsonb not null
    )`.execute(db);
  await sql`alter sequence events_id_seq owned by events.id`.execute(db);
  await sql`insert into events select id, message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context from events_partitioned`.execute(db);
  await sql`create index events_contact_time_idx on events (contact_id, occurred_at)`.execute(db);
  await sql`
    create table score_ledger (
      contact_id uuid not null,
      event_id bigint not null,
      rule_id text not null,
      points double precision not null,
      occurred_at timestamptz not null,
      reason text not null,
      model_version integer not null
    )`.execute(db);
  await sql`insert into score_ledger select contact_id, event_id, rule_id, points, occurred_at, reason, model_version from score_ledger_partitioned`.execute(db);
  await sql`create index score_ledger_contact_time_idx on score_ledger (contact_id, occurred_at)`.execute(db);
  await sql`drop table events_partitioned`.execute(db);
  await sql`drop table score_ledger_partitioned`.execute(db);
  await sql`drop table event_message_ids`.execute(db);
  await sql`drop function create_week_partition(text, date)`.execute(db);
}

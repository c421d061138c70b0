import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contacts')
    .addColumn('merged_into', 'uuid', (col) => col.references('contacts.id'))
    .addColumn('last_activity_at', 'timestamptz')
    // Engagement decays continuously; this is its value at engagement_scored_at, so a search can
    // decay it to any instant with one multiplication instead of reading the whole ledger.
    .addColumn('engagement_score', 'double precision', (col) => col.notNull().defaultTo(0))
    .addColumn('engagement_scored_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('fit_points', 'double precision', (col) => col.notNull().defaultTo(0))
    .addColumn('fit_grade', 'text', (col) => col.notNull().defaultTo('D'))
    .execute();
  await db.schema.createIndex('contacts_stage_idx').on('contacts').columns(['stage', 'last_activity_at']).execute();

  await db.schema
    .createTable('contact_merges')
    .addColumn('from_contact_id', 'uuid', (col) => col.primaryKey().references('contacts.id'))
    .addColumn('into_contact_id', 'uuid', (col) => col.notNull().references('contacts.id'))
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('merged_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('scoring_models')
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('document', 'jsonb', (col) => col.notNull())
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('activated_at', 'timestamptz')
    .addPrimaryKeyConstraint('scoring_models_pkey', ['id', 'version'])
    .execute();
  await sql`create unique index scoring_models_one_active on scoring_models ((true)) where active`.execute(db);

  await db.schema
    .createTable('contact_scores')
    .addColumn('contact_id', 'uuid', (col) => col.primaryKey().references('contacts.id').onDelete('cascade'))
    .addColumn('model_id', 'text', (col) => col.notNull())
    .addColumn('model_version', 'integer', (col) => col.notNull())
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('score_ledger')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (col) => col.notNull().references('events.id'))
    .addColumn('rule_id', 'text', (col) => col.notNull())
    .addColumn('points', 'double precision', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('model_version', 'integer', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('score_ledger_contact_time_idx').on('score_ledger').columns(['contact_id', 'occurred_at']).execute();

  await db.schema
    .createTable('stage_transitions')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('from_stage', 'text', (col) => col.notNull())
    .addColumn('to_stage', 'text', (col) => col.notNull())
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('stage_transitions_contact_idx').on('stage_transitions').columns(['contact_id', 'occurred_at']).execute();
  await db.schema.createIndex('stage_transitions_time_idx').on('stage_transitions').columns(['occurred_at']).execute();

  // Every change of a trait, automatic or by hand, and every automatic update refused because a
  // sales rep's value stands.
  await db.schema
    .createTable('trait_changes')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('trait', 'text', (col) => col.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull().check(sql`outcome in ('applied', 'refused')`))
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('changed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('trait_changes_contact_idx').on('trait_changes').columns(['contact_id', 'changed_at']).execute();

  // Orchestration written in the same transaction as the events that cause it, dispatched to
  // Temporal right after the commit and swept again if that attempt failed: nothing is lost
  // between PostgreSQL and Temporal, and the API acknowledges on the commit alone.
  await db.schema
    .createTable('orchestration_outbox')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('kind', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('dispatched_at', 'timestamptz')
    .execute();
  await sql`create index orchestration_outbox_pending_idx on orchestration_outbox (id) where dispatched_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['orchestration_outbox', 'trait_changes', 'stage_transitions', 'score_ledger', 'contact_scores', 'scoring_models', 'contact_merges']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema
    .alterTable('contacts')
    .dropColumn('merged_into')
    .dropColumn('last_activity_at')
    .dropColumn('engagement_score')
    .dropColumn('engagement_scored_at')
    .dropColumn('fit_points')
    .dropColumn('fit_grade')
    .execute();
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('journeys')
    // A slug the marketer chooses (`abandoned-cart`): it appears in workflow ids, so it never changes.
    .addColumn('id', 'text', (col) => col.primaryKey().check(sql`id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('draft').check(sql`status in ('draft', 'active', 'paused', 'archived')`))
    // The version new entries run; null until the first publication.
    .addColumn('active_version', 'integer')
    // The definition being edited, published as the next version. Null when nothing is being edited.
    .addColumn('draft', 'jsonb')
    // What a publication does to contacts already inside, unless the publication says otherwise.
    .addColumn('in_flight_policy', 'text', (col) => col.notNull().defaultTo('finish_on_old').check(sql`in_flight_policy in ('finish_on_old', 'move_to_new')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('journeys_status_idx').on('journeys').column('status').execute();

  await db.schema
    .createTable('journey_versions')
    .addColumn('journey_id', 'text', (col) => col.notNull().references('journeys.id'))
    .addColumn('version', 'integer', (col) => col.notNull().check(sql`version > 0`))
    // Frozen once published: running workflows carry this exact document in their input.
    .addColumn('definition', 'jsonb', (col) => col.notNull())
    .addColumn('published_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('in_flight_policy', 'text', (col) => col.notNull().check(sql`in_flight_policy in ('finish_on_old', 'move_to_new')`))
    // For move_to_new: node of an older version → node of this one.
    .addColumn('node_map', 'jsonb')
    .addPrimaryKeyConstraint('journey_versions_pkey', ['journey_id', 'version'])
    .execute();

  // Which cause (a stored event, a stage transition) already admitted a contact into a journey: a
  // re-dispatched outbox intent finds its row and starts nothing, even after the run has ended.
  await db.schema
    .createTable('journey_entries')
    .addColumn('journey_id', 'text', (col) => col.notNull().references('journeys.id'))
    .addColumn('cause', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'uuid', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('entered_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('journey_entries_pkey', ['journey_id', 'cause'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('journey_entries').execute();
  await db.schema.dropTable('journey_versions').execute();
  await db.schema.dropTable('journeys').execute();
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per journey run. `id` is the workflow id (journey + contact [+ entry key]); a contact who
  // re-enters gets the same workflow id, so the run is told apart by Temporal's first run id.
  await db.schema
    .createTable('journey_runs')
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('journey_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('contact_id', 'uuid', (col) => col.notNull())
    .addColumn('entry_key', 'text')
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('running', 'paused', 'completed', 'exited_goal', 'exited', 'exited_timeout', 'stopped')`),
    )
    .addColumn('current_node', 'text')
    .addColumn('started_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addPrimaryKeyConstraint('journey_runs_pkey', ['id', 'run_id'])
    .execute();
  // The preview of a version change counts contacts per node of each running version.
  await db.schema.createIndex('journey_runs_journey_idx').on('journey_runs').columns(['journey_id', 'status', 'version', 'current_node']).execute();
  await db.schema.createIndex('journey_runs_contact_idx').on('journey_runs').columns(['contact_id', 'journey_id', 'started_at']).execute();

  await db.schema
    .createTable('journey_node_visits')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('run_id', 'text', (col) => col.notNull())
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('journey_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('contact_id', 'uuid', (col) => col.notNull())
    .addColumn('node_id', 'text', (col) => col.notNull())
    .addColumn('visit', 'integer', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) =>
      col.notNull().check(sql`outcome in ('entered', 'completed', 'goal', 'exit', 'timeout', 'stopped', 'skipped')`),
    )
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .execute();
  // A retried activity writes the same visit once.
  await db.schema
    .createIndex('journey_node_visits_once')
    .on('journey_node_visits')
    .columns(['run_id', 'node_id', 'visit', 'outcome'])
    .unique()
    .execute();
  await db.schema.createIndex('journey_node_visits_journey_idx').on('journey_node_visits').columns(['journey_id', 'version', 'node_id', 'at']).execute();

  await db.schema
    .createTable('coupons')
    .addColumn('code', 'text', (col) => col.primaryKey())
    .addColumn('contact_id', 'uuid', (col) => col.notNull())
    // Journey run + node + visit: a retried activity finds the coupon it already issued.
    .addColumn('cause', 'text', (col) => col.notNull().unique())
    .addColumn('journey_id', 'text')
    .addColumn('discount_kind', 'text', (col) => col.notNull().check(sql`discount_kind in ('percent', 'amount')`))
    .addColumn('discount_value', 'numeric', (col) => col.notNull())
    .addColumn('currency', 'text')
    .addColumn('category', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('redeemed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('coupons_contact_idx').on('coupons').columns(['contact_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['coupons', 'journey_node_visits', 'journey_runs']) await db.schema.dropTable(table).execute();
}

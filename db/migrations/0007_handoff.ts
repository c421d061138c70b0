import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sales_reps')
    .addColumn('email', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('manager_email', 'text')
    .addColumn('territories', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('capacity', 'integer', (col) => col.notNull().check(sql`capacity >= 0`))
    .addColumn('available', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // Every version is kept: a hand-off records the version that routed it.
  await db.schema
    .createTable('routing_rules')
    .addColumn('version', 'serial', (col) => col.primaryKey())
    .addColumn('document', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // Round-robin position per pool (a territory, or '*'), locked while a lead is routed.
  await db.schema
    .createTable('routing_cursors')
    .addColumn('pool', 'text', (col) => col.primaryKey())
    .addColumn('last_owner', 'text', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('handoffs')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id').onDelete('cascade'))
    // One hand-off per workflow run: a retried activity finds the row it created.
    .addColumn('workflow_run_id', 'text', (col) => col.notNull().unique())
    .addColumn('workflow_id', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('routing', 'assigned', 'escalated', 'accepted', 'rejected', 'recycled', 'won', 'lost')`),
    )
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('owner', 'text')
    .addColumn('previous_owners', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('routing_rule', 'jsonb')
    .addColumn('rules_version', 'integer')
    .addColumn('summary', 'jsonb')
    .addColumn('opportunity_stage', 'text')
    .addColumn('rejection_reason', 'text')
    .addColumn('lost_reason', 'text')
    .addColumn('sla_due_at', 'timestamptz')
    .addColumn('reminded_at', 'timestamptz')
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('escalated_to', 'text')
    .addColumn('assigned_at', 'timestamptz')
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('rejected_at', 'timestamptz')
    .addColumn('recycled_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // No duplicates for sales: one hand-off in progress per contact.
  await sql`create unique index handoffs_one_open_per_contact on handoffs (contact_id)
            where status in ('routing', 'assigned', 'escalated', 'accepted', 'rejected')`.execute(db);
  await db.schema.createIndex('handoffs_owner_status_idx').on('handoffs').columns(['owner', 'status', 'created_at']).execute();

  // What each rep did, in order: the audit of sales actions.
  await db.schema
    .createTable('handoff_actions')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('handoff_id', 'uuid', (col) => col.notNull().references('handoffs.id').onDelete('cascade'))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('details', 'jsonb', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  // The id is the Idempotency-Key the CRM receives: the same on every attempt.
  await db.schema
    .createTable('crm_deliveries')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('handoff_id', 'uuid', (col) => col.notNull().unique().references('handoffs.id').onDelete('cascade'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending').check(sql`status in ('pending', 'delivered', 'dead_letter')`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['crm_deliveries', 'handoff_actions', 'handoffs', 'routing_cursors', 'routing_rules', 'sales_reps']) {
    await db.schema.dropTable(table).execute();
  }
}

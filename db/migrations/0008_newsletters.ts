import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('newsletters')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('template', 'text', (col) => col.notNull())
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('audience', 'jsonb', (col) => col.notNull())
    .addColumn('schedule', 'jsonb', (col) => col.notNull())
    .addColumn('rate_per_second', 'integer', (col) => col.check(sql`rate_per_second > 0`))
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('draft').check(sql`status in ('draft', 'scheduled', 'sending', 'paused', 'cancelled', 'completed')`),
    )
    // The last counts the broadcast wrote, so a list of newsletters needs no scan of their recipients.
    .addColumn('counters', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('newsletter_recipients')
    .addColumn('newsletter_id', 'uuid', (col) => col.notNull().references('newsletters.id').onDelete('cascade'))
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('queued').check(sql`status in ('queued', 'sent', 'skipped', 'failed')`))
    .addColumn('reason', 'text')
    .addColumn('email_id', 'text')
    // When this recipient's copy is due: now, the scheduled time, their local time, or after a deferral.
    .addColumn('send_at', 'timestamptz', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // One row per recipient: materialising a page twice (a retried activity) counts nobody twice.
    .addPrimaryKeyConstraint('newsletter_recipients_pkey', ['newsletter_id', 'contact_id'])
    .execute();
  // The send loop reads only what is still queued, by contact id (keyset) or by due time.
  await db.schema
    .createIndex('newsletter_recipients_queued_idx')
    .on('newsletter_recipients')
    .columns(['newsletter_id', 'contact_id'])
    .where(sql.ref('status'), '=', 'queued')
    .execute();
  await db.schema
    .createIndex('newsletter_recipients_due_idx')
    .on('newsletter_recipients')
    .columns(['newsletter_id', 'send_at'])
    .where(sql.ref('status'), '=', 'queued')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('newsletter_recipients').execute();
  await db.schema.dropTable('newsletters').execute();
}

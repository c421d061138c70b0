import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<unknown> and never import application code,
// so a later change to the Database types cannot change what an old migration does.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text')
    .addColumn('traits', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('stage', 'text', (col) => col.notNull().defaultTo('visitor'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('contacts_email_idx').on('contacts').column('email').execute();

  await db.schema
    .createTable('contact_identities')
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('anonymous', 'user', 'email')`))
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('contact_identities_pkey', ['kind', 'value'])
    .execute();
  await db.schema.createIndex('contact_identities_contact_idx').on('contact_identities').column('contact_id').execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('message_id', 'text', (col) => col.notNull().unique())
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id'))
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text')
    .addColumn('anonymous_id', 'text')
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull())
    .addColumn('received_at', 'timestamptz', (col) => col.notNull())
    .addColumn('properties', 'jsonb', (col) => col.notNull())
    .addColumn('traits', 'jsonb', (col) => col.notNull())
    .addColumn('context', 'jsonb', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('events_contact_time_idx').on('events').columns(['contact_id', 'occurred_at']).execute();

  await db.schema
    .createTable('email_messages')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id'))
    .addColumn('template', 'text', (col) => col.notNull())
    .addColumn('to_address', 'text', (col) => col.notNull())
    .addColumn('subject', 'text')
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'failed')`),
    )
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('smtp_response', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('email_messages_contact_idx').on('email_messages').column('contact_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['email_messages', 'events', 'contact_identities', 'contacts']) {
    await db.schema.dropTable(table).execute();
  }
}

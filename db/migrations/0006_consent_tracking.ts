import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contact_subscriptions')
    .addColumn('contact_id', 'uuid', (col) => col.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('topic', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('subscribed', 'pending', 'unsubscribed')`))
    .addColumn('source', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_at', 'timestamptz')
    .addPrimaryKeyConstraint('contact_subscriptions_pkey', ['contact_id', 'topic'])
    .execute();

  // By address, not by contact: a bounced or complaining address stays blocked whichever profile holds it.
  await db.schema
    .createTable('suppressions')
    .addColumn('address', 'text', (col) => col.primaryKey())
    .addColumn('reason', 'text', (col) => col.notNull().check(sql`reason in ('hard_bounce', 'complaint', 'manual')`))
    .addColumn('detail', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`alter table email_messages drop constraint email_messages_status_check`.execute(db);
  await sql`alter table email_messages add constraint email_messages_status_check
    check (status in ('pending', 'sending', 'sent', 'failed', 'skipped', 'deferred'))`.execute(db);
  await db.schema
    .alterTable('email_messages')
    .addColumn('category', 'text', (col) => col.notNull().defaultTo('transactional').check(sql`category in ('marketing', 'transactional')`))
    .addColumn('topic', 'text')
    .addColumn('skip_reason', 'text')
    .addColumn('deferred_until', 'timestamptz')
    .execute();
  // The weekly marketing budget counts a contact's recent marketing e-mails before every send.
  await sql`create index email_messages_marketing_budget_idx on email_messages (contact_id, sent_at) where category = 'marketing'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index email_messages_marketing_budget_idx`.execute(db);
  await db.schema.alterTable('email_messages').dropColumn('category').dropColumn('topic').dropColumn('skip_reason').dropColumn('deferred_until').execute();
  await sql`alter table email_messages drop constraint email_messages_status_check`.execute(db);
  await sql`alter table email_messages add constraint email_messages_status_check check (status in ('pending', 'sent', 'failed'))`.execute(db);
  await db.schema.dropTable('suppressions').execute();
  await db.schema.dropTable('contact_subscriptions').execute();
}

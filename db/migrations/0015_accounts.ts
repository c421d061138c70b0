import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// Accounts (Segment's group call: the company a B2B contact belongs to) and who belongs to which.
// An account's id is the sender's groupId, an identifier compared only for equality: collation "C",
// like message ids and identities (0013). Its traits keep each value's source and time, as a
// contact's do, so group calls that arrive out of order converge on the newest values.
// A contact may belong to several accounts; membership goes with the contact (erasure, merges).

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table accounts (
      id text collate "C" primary key,
      traits jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null
    )`.execute(db);
  await sql`
    create table account_members (
      account_id text collate "C" not null references accounts (id) on delete cascade,
      contact_id uuid not null references contacts (id) on delete cascade,
      joined_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (account_id, contact_id)
    )`.execute(db);
  // A contact's accounts (merges, erasure, the profile); the primary key serves the members of an account.
  await sql`create index account_members_contact_id on account_members (contact_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_members').execute();
  await db.schema.dropTable('accounts').execute();
}

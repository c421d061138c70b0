import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// People who use the console, beside the API keys machines use. A password is stored only as its
// salted scrypt hash (`scrypt$N$r$p$salt$hash`, parameters kept with it so they can be raised
// later without breaking older hashes). Sessions are rows, not stateless tokens: logging out,
// disabling a user or an expiry takes effect on the very next request, in every API process. The
// cookie carries a random token; only its SHA-256 is stored, so a leaked table opens no session.
// Failed logins are rows too, so the rate limit holds across API processes and restarts.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table console_users (
      id uuid primary key default gen_random_uuid(),
      email text not null unique check (email = lower(email)),
      password_hash text not null,
      role text not null check (role in ('admin', 'marketer', 'sales')),
      disabled_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table console_sessions (
      token_hash text collate "C" primary key,
      user_id uuid not null references console_users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index console_sessions_user on console_sessions (user_id)`.execute(db);
  await sql`
    create table console_login_failures (
      id bigserial primary key,
      subject text collate "C" not null,
      failed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index console_login_failures_subject on console_login_failures (subject, failed_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table console_login_failures`.execute(db);
  await sql`drop table console_sessions`.execute(db);
  await sql`drop table console_users`.execute(db);
}

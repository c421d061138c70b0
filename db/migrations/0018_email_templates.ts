import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// E-mail templates and partials edited through the API, so marketers change an e-mail without a
// deploy. A template has one draft (what the editor saves) and numbered versions (what publishing
// freezes); the send path sends the version published at send time and writes its number on the
// e-mail's row, so a delivered e-mail can be rendered again exactly as it went out. Versions are
// never updated or deleted while the template exists.
//
// The files in templates/ are the built-in templates: mirrored here at start-up as read-only
// version 1 (built_in), so they are listed and copied like any other. Names are one namespace for
// e-mails and partials: `<mj-include path="./partials/NAME.mjml" />` names a partial by its name.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table templates (
      name text collate "C" primary key check (name ~ '^[a-z0-9][a-z0-9_-]*$'),
      kind text not null check (kind in ('email', 'partial')),
      built_in boolean not null default false,
      draft text not null,
      published_version integer,
      archived_at timestamptz,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table template_versions (
      template text collate "C" not null references templates (name) on delete cascade,
      version integer not null check (version > 0),
      source text not null,
      published_at timestamptz not null default now(),
      published_by text not null,
      primary key (template, version)
    )`.execute(db);
  // Null on rows written before templates had versions (those were the files, i.e. version 1).
  await sql`alter table email_messages add column template_version integer`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table email_messages drop column template_version`.execute(db);
  await sql`drop table template_versions`.execute(db);
  await sql`drop table templates`.execute(db);
}

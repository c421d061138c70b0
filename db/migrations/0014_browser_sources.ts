import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// A write key may be a browser source: the origins (CORS) whose pages may send with it, as
// analytics.js does from every visitor's browser. Null means a server-side key, which no page may
// use. Only a write key may have origins: it is the only key that is public in a page, and the
// check keeps an admin or sales key from ever being made usable from a browser, whatever writes the row.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table api_keys
      add column allowed_origins text[],
      add constraint api_keys_origins_only_on_write_keys
        check (allowed_origins is null or (role = 'write' and cardinality(allowed_origins) > 0))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table api_keys drop constraint api_keys_origins_only_on_write_keys, drop column allowed_origins`.execute(db);
}

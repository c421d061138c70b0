import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// Message ids and identity values are identifiers, compared only for equality and never sorted for
// a reader: they take the "C" collation, so their btrees compare bytes. In the database's default
// collation (C.UTF-8 here, a language collation elsewhere) every comparison went through strcoll on
// NUL-terminated copies; a batch probes and inserts 500 message ids and 500 identities, and probes
// and inserts into these two indexes were 13 % faster in "C" (docs/BENCHMARKS.md, 2026-12-04).
// Equality is the same in both (deterministic collations compare equal only identical strings), so
// uniqueness is unchanged. Changing a column's collation rebuilds its indexes, not the table.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events alter column message_id type text collate "C"`.execute(db);
  await sql`alter table contact_identities alter column kind type text collate "C", alter column value type text collate "C"`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contact_identities alter column kind type text collate "default", alter column value type text collate "default"`.execute(db);
  await sql`alter table events alter column message_id type text collate "default"`.execute(db);
}

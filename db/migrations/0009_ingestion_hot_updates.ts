import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// Every ingested batch rewrites the row of each contact it touches (scores, stage, last activity) and
// its saved scoring state. Those updates can be HOT (no new index entries, dead versions pruned in
// place) only if no indexed column changes and the page has room for the new version:
// - contacts_stage_idx covered (stage, last_activity_at), so every event's new last activity meant a
//   new entry in each of the table's indexes. Its readers filter on the stage (contact search,
//   audiences, the MQL review); the activity bound is checked on the rows the stage selects.
// - free space is left in each page of the two tables for the next version of its rows.
//
// The score ledger loses its two foreign keys. It is derived data (rebuilt from the events by any
// re-score), written only by db/contact-scoring.ts in the transaction that holds the contact's row
// lock and has just stored or read the event; nothing deletes contacts or events. Checking both keys
// row by row was two thirds of the ledger insert, the costliest statement of a batch
// (docs/BENCHMARKS.md). A future erasure of a contact deletes its ledger rows itself.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index contacts_stage_idx`.execute(db);
  await db.schema.createIndex('contacts_stage_idx').on('contacts').column('stage').execute();
  await sql`alter table contacts set (fillfactor = 80)`.execute(db);
  await sql`alter table contact_scores set (fillfactor = 70)`.execute(db);
  await sql`alter table score_ledger drop constraint score_ledger_contact_id_fkey, drop constraint score_ledger_event_id_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table score_ledger
      add constraint score_ledger_contact_id_fkey foreign key (contact_id) references contacts (id) on delete cascade,
      add constraint score_ledger_event_id_fkey foreign key (event_id) references events (id)`.execute(db);
  await sql`alter table contact_scores reset (fillfactor)`.execute(db);
  await sql`alter table contacts reset (fillfactor)`.execute(db);
  await sql`drop index contacts_stage_idx`.execute(db);
  await db.schema.createIndex('contacts_stage_idx').on('contacts').columns(['stage', 'last_activity_at']).execute();
}

import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// The incremental scorer's state (cap counters, newest event scored, model version) moves from its
// own table into the contact row. Every ingested batch already locks and rewrites the row of each
// contact it touches; a separate contact_scores row meant one more read and one more upsert of 500
// rows per batch, the costliest statement of the batch path (docs/BENCHMARKS.md). The contact row now
// carries the state too, so its pages keep more room for the HOT update of the next batch; and the
// state is `json` (its text, as written), not jsonb: its 57 cap counters took 830 bytes as jsonb
// numerics and 260 as text, and a contact row that no longer fits its page's free space gets a
// non-HOT update, a new entry in each of the table's indexes (seen: 12 % of updates HOT).
//
// The contact row also carries its engagement unrounded (engagement_sum, at engagement_scored_at)
// and the time of the oldest ledger line in it, so the next batch decays the sum to its own time and
// adds its new lines, without summing the contact's ledger again. The sum is null where it must be
// summed from the ledger: before the first batch, after a re-score, or while a line is dated in the
// future (it will count from then on).
//
// events loses its foreign key to contacts, as the score ledger did in 0009: every event is written
// by the transaction that holds its contact's row lock (db/ingestion.ts), merges move events to the
// surviving contact, and an erasure deletes the events before the contacts. The key's check, a
// lookup and a share lock on the contact per event, was a third of the events insert, the
// costliest statement of a batch.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contacts add column scoring_state json, add column engagement_sum float8, add column engagement_oldest_at timestamptz`.execute(db);
  await sql`update contacts c set scoring_state = s.state::json from contact_scores s where s.contact_id = c.id`.execute(db);
  await db.schema.dropTable('contact_scores').execute();
  await sql`alter table contacts set (fillfactor = 70)`.execute(db);
  await sql`alter table events drop constraint events_contact_id_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events add constraint events_contact_id_fkey foreign key (contact_id) references contacts (id)`.execute(db);
  await db.schema
    .createTable('contact_scores')
    .addColumn('contact_id', 'uuid', (col) => col.primaryKey().references('contacts.id').onDelete('cascade'))
    .addColumn('model_id', 'text', (col) => col.notNull())
    .addColumn('model_version', 'integer', (col) => col.notNull())
    .addColumn('state', 'jsonb', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`
    insert into contact_scores (contact_id, model_id, model_version, state)
    select id, scoring_state->>'modelId', (scoring_state->>'modelVersion')::integer, scoring_state::jsonb
    from contacts where scoring_state is not null`.execute(db);
  await sql`alter table contact_scores set (fillfactor = 70)`.execute(db);
  await sql`alter table contacts set (fillfactor = 80)`.execute(db);
  await sql`alter table contacts drop column scoring_state, drop column engagement_sum, drop column engagement_oldest_at`.execute(db);
}

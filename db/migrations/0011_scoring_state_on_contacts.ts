import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// The incremental scorer's state (cap counters, newest event scored, model version) moves from its
// own table into the contact row. Every ingested batch already locks and rewrites the row of each
// contact it touches; a separate contact_scores row meant one more read and one more upsert of 500
// rows per batch, the costliest statement of the batch path (docs/BENCHMARKS.md). The contact row now
// carries one more jsonb, so its pages keep more room for the HOT update of the next batch.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table contacts add column scoring_state jsonb`.execute(db);
  await sql`update contacts c set scoring_state = s.state from contact_scores s where s.contact_id = c.id`.execute(db);
  await db.schema.dropTable('contact_scores').execute();
  await sql`alter table contacts set (fillfactor = 70)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
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
    select id, scoring_state->>'modelId', (scoring_state->>'modelVersion')::integer, scoring_state
    from contacts where scoring_state is not null`.execute(db);
  await sql`alter table contact_scores set (fillfactor = 70)`.execute(db);
  await sql`alter table contacts set (fillfactor = 80)`.execute(db);
  await sql`alter table contacts drop column scoring_state`.execute(db);
}

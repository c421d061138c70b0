import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// Two cuts to what every ingested batch writes (docs/BENCHMARKS.md, 2026-12-04):
//
// The score ledger loses its surrogate key. Nothing refers to a ledger line by id: lines are read
// and deleted by contact (score_ledger_contact_time_idx) and ordered by time and event; yet every
// line paid a sequence call and an insert into the primary key's btree, 1.6 lines per page view,
// where btree inserts were a quarter of PostgreSQL's time.
//
// The scoring state beside each contact takes a compact form (domain/scoring `encodeScoringState`:
// only the cap slots in use), a third of the text the full counters took, written and read back by
// every batch for each of its contacts. States in the old form are cleared: a contact without one
// is re-scored from its stored events by its next event, the path a change of model takes.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table score_ledger drop column id`.execute(db);
  await sql`update contacts set scoring_state = null, engagement_sum = null where scoring_state is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table score_ledger add column id bigserial primary key`.execute(db);
  await sql`update contacts set scoring_state = null, engagement_sum = null where scoring_state is not null`.execute(db);
}

import type { Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// A crowd entering one journey together runs as a cohort: one workflow, one interpreter per
// contact. A member keeps its own run row (id: the workflow id it would have had alone; run_id: the
// cohort's run id and the member's place in it), and `cohort_id` says which workflow to signal to reach it. Null for a run with a
// workflow of its own, including a member that left its cohort.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('journey_runs').addColumn('cohort_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('journey_runs').dropColumn('cohort_id').execute();
}

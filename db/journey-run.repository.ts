import type { Db } from './connection.js';
import type { JourneyNodeVisitTable, JourneyRunStatusColumn } from './journey.types.js';

export interface JourneyVisitRecord {
  workflowId: string;
  runId: string;
  journeyId: string;
  version: number;
  contactId: string;
  entryKey: string | null;
  nodeId: string;
  visit: number;
  outcome: JourneyNodeVisitTable['outcome'];
  /** The workflow's clock, so time-skipping tests and replays record journey time, not wall time. */
  at: Date;
  /** The run's status after this visit. */
  status: JourneyRunStatusColumn;
  startedAt: Date;
}

export const ENDED: ReadonlySet<JourneyRunStatusColumn> = new Set(['completed', 'exited_goal', 'exited', 'exited_timeout', 'stopped']);

/**
 * Node visits (one run's, or a cohort's members' at one moment) and each run's status after its
 * last one, in one transaction of three statements; a retry writes nothing twice. `cohortId` names the
 * workflow a new run row is reached through; an existing row keeps its own.
 */
export async function recordJourneyVisits(db: Db, records: readonly JourneyVisitRecord[], cohortId: string | null): Promise<void> {
  if (records.length === 0) return;
  await db.transaction().execute(async (trx) => {
    // A run stopped by an erasure records its last visit after the contact is gone: nothing may come
    // back. The key-share lock waits for an erasure in progress (it holds the row for update).
    const contactIds = [...new Set(records.map((record) => record.contactId))];
    const present = await trx.selectFrom('contacts').select('id').where('id', 'in', contactIds).orderBy('id').forKeyShare().execute();
    const alive = new Set(present.map((row) => row.id));
    const kept = records.filter((record) => alive.has(record.contactId));
    if (kept.length === 0) return;
    await trx
      .insertInto('journey_node_visits')
      .values(
        kept.map((record) => ({
          run_id: record.runId,
          workflow_id: record.workflowId,
          journey_id: record.journeyId,
          version: record.version,
          contact_id: record.contactId,
          node_id: record.nodeId,
          visit: record.visit,
          outcome: record.outcome,
          at: record.at,
        })),
      )
      .onConflict((oc) => oc.columns(['run_id', 'node_id', 'visit', 'outcome']).doNothing())
      .execute();
    // One row per run in the upsert (a statement may not update a row twice): its latest visit.
    const latest = new Map<string, JourneyVisitRecord>();
    for (const record of kept) latest.set(`${record.workflowId}\n${record.runId}`, record);
    await trx
      .insertInto('journey_runs')
      .values(
        [...latest.values()].map((record) => ({
          id: record.workflowId,
          run_id: record.runId,
          journey_id: record.journeyId,
          version: record.version,
          contact_id: record.contactId,
          entry_key: record.entryKey,
          status: record.status,
          current_node: record.nodeId,
          started_at: record.startedAt,
          updated_at: record.at,
          ended_at: ENDED.has(record.status) ? record.at : null,
          cohort_id: cohortId,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['id', 'run_id'])
          .doUpdateSet((eb) => ({
            version: eb.ref('excluded.version'),
            status: eb.ref('excluded.status'),
            current_node: eb.ref('excluded.current_node'),
            updated_at: eb.ref('excluded.updated_at'),
            ended_at: eb.ref('excluded.ended_at'),
          }))
          .where('journey_runs.updated_at', '<=', (eb) => eb.ref('excluded.updated_at')),
      )
      .execute();
  });
}

/** A cohort member now runs in a workflow of its own: its signals go there. */
export async function leaveCohort(db: Db, workflowId: string, runId: string): Promise<void> {
  await db.updateTable('journey_runs').set({ cohort_id: null }).where('id', '=', workflowId).where('run_id', '=', runId).execute();
}

/** A run's status alone (pause and resume), without a node visit. */
export async function setJourneyRunStatus(db: Db, workflowId: string, runId: string, status: JourneyRunStatusColumn, at: Date): Promise<void> {
  await db.updateTable('journey_runs').set({ status, updated_at: at }).where('id', '=', workflowId).where('run_id', '=', runId).execute();
}

export async function listJourneyRuns(db: Db, filter: { journeyId?: string; contactId?: string; workflowId?: string }) {
  let query = db.selectFrom('journey_runs').selectAll().orderBy('started_at');
  if (filter.journeyId !== undefined) query = query.where('journey_id', '=', filter.journeyId);
  if (filter.contactId !== undefined) query = query.where('contact_id', '=', filter.contactId);
  if (filter.workflowId !== undefined) query = query.where('id', '=', filter.workflowId);
  return query.execute();
}

/** A run's visits in the order they happened. */
export async function listJourneyVisits(db: Db, workflowId: string) {
  return db
    .selectFrom('journey_node_visits')
    .select(['run_id', 'journey_id', 'version', 'contact_id', 'node_id', 'visit', 'outcome', 'at'])
    .where('workflow_id', '=', workflowId)
    .orderBy('id')
    .execute();
}

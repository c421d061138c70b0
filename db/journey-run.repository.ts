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

/** One node visit and the run's status after it, in one transaction; a retry writes nothing twice. */
export async function recordJourneyVisit(db: Db, record: JourneyVisitRecord): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // A run stopped by an erasure records its last visit after the contact is gone: nothing may come
    // back. The key-share lock waits for an erasure in progress (it holds the row for update).
    const contact = await trx.selectFrom('contacts').select('id').where('id', '=', record.contactId).forKeyShare().executeTakeFirst();
    if (contact === undefined) return;
    await trx
      .insertInto('journey_node_visits')
      .values({
        run_id: record.runId,
        workflow_id: record.workflowId,
        journey_id: record.journeyId,
        version: record.version,
        contact_id: record.contactId,
        node_id: record.nodeId,
        visit: record.visit,
        outcome: record.outcome,
        at: record.at,
      })
      .onConflict((oc) => oc.columns(['run_id', 'node_id', 'visit', 'outcome']).doNothing())
      .execute();
    const endedAt = ENDED.has(record.status) ? record.at : null;
    await trx
      .insertInto('journey_runs')
      .values({
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
        ended_at: endedAt,
      })
      .onConflict((oc) =>
        oc.columns(['id', 'run_id']).doUpdateSet({
          version: record.version,
          status: record.status,
          current_node: record.nodeId,
          updated_at: record.at,
          ended_at: endedAt,
        }).where('journey_runs.updated_at', '<=', record.at),
      )
      .execute();
  });
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

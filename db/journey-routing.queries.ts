import type { Kysely } from 'kysely';
import type { PreviousRun } from '../domain/journeys/event-routing.js';
import type { Database } from './database.js';

type Queryable = Kysely<Database>;

/** Runs that may still act: paused runs count, they resume. */
export const IN_FLIGHT = ['running', 'paused'] as const;

export interface InFlightRun {
  workflowId: string;
  journeyId: string;
  version: number;
  contactId: string;
  entryKey: string | null;
  currentNode: string | null;
}

function toInFlight(row: { id: string; journey_id: string; version: number; contact_id: string; entry_key: string | null; current_node: string | null }): InFlightRun {
  return { workflowId: row.id, journeyId: row.journey_id, version: row.version, contactId: row.contact_id, entryKey: row.entry_key, currentNode: row.current_node };
}

const runColumns = ['id', 'journey_id', 'version', 'contact_id', 'entry_key', 'current_node'] as const;

export async function inFlightRunsOfContact(db: Queryable, contactId: string, journeyId?: string): Promise<InFlightRun[]> {
  let query = db.selectFrom('journey_runs').select(runColumns).where('contact_id', '=', contactId).where('status', 'in', [...IN_FLIGHT]);
  if (journeyId !== undefined) query = query.where('journey_id', '=', journeyId);
  return (await query.orderBy('started_at').execute()).map(toInFlight);
}

/** In-flight runs of a journey, optionally only those on versions older than `beforeVersion`. */
export async function inFlightRunsOfJourney(db: Queryable, journeyId: string, options: { beforeVersion?: number } = {}): Promise<InFlightRun[]> {
  let query = db.selectFrom('journey_runs').select(runColumns).where('journey_id', '=', journeyId).where('status', 'in', [...IN_FLIGHT]);
  if (options.beforeVersion !== undefined) query = query.where('version', '<', options.beforeVersion);
  return (await query.orderBy('started_at').execute()).map(toInFlight);
}

/** Every run of the contact in the journey, for the re-entry policy: in flight ones have no end. */
export async function previousRuns(db: Queryable, journeyId: string, contactId: string): Promise<PreviousRun[]> {
  const rows = await db
    .selectFrom('journey_runs')
    .select(['status', 'started_at', 'ended_at', 'updated_at'])
    .where('journey_id', '=', journeyId)
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map((row) => ({
    status: row.status,
    startedAt: row.started_at,
    endedAt: (IN_FLIGHT as readonly string[]).includes(row.status) ? null : (row.ended_at ?? row.updated_at),
  }));
}

/** Contacts in flight per version and node: what a version change would act on. */
export async function inFlightCountsByNode(db: Queryable, journeyId: string): Promise<{ version: number; nodeId: string | null; contacts: number }[]> {
  const rows = await db
    .selectFrom('journey_runs')
    .select(['version', 'current_node', (eb) => eb.fn.countAll<string>().as('contacts')])
    .where('journey_id', '=', journeyId)
    .where('status', 'in', [...IN_FLIGHT])
    .groupBy(['version', 'current_node'])
    .orderBy('version')
    .orderBy('current_node')
    .execute();
  return rows.map((row) => ({ version: row.version, nodeId: row.current_node, contacts: Number(row.contacts) }));
}

export interface JourneyAnalytics {
  entered: number;
  inFlight: number;
  exitedByGoal: number;
  exitedByTimeout: number;
  exited: number;
  completed: number;
  stopped: number;
  nodes: { version: number; nodeId: string; now: number; visits: Record<string, number> }[];
}

/**
 * Entries, ends and per-node traffic of a journey, across versions. Node visits come from
 * `journey_node_visits` (one row per visit and outcome); "now" is where in-flight runs sit.
 */
export async function journeyAnalytics(db: Queryable, journeyId: string): Promise<JourneyAnalytics> {
  const [entered, statuses, visits, current] = await Promise.all([
    db
      .selectFrom('journey_node_visits')
      .select((eb) => eb.fn.count<string>('run_id').distinct().as('runs'))
      .where('journey_id', '=', journeyId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('journey_runs')
      .select(['status', (eb) => eb.fn.countAll<string>().as('runs')])
      .where('journey_id', '=', journeyId)
      .groupBy('status')
      .execute(),
    db
      .selectFrom('journey_node_visits')
      .select(['version', 'node_id', 'outcome', (eb) => eb.fn.countAll<string>().as('visits')])
      .where('journey_id', '=', journeyId)
      .groupBy(['version', 'node_id', 'outcome'])
      .execute(),
    inFlightCountsByNode(db, journeyId),
  ]);
  const byStatus = new Map(statuses.map((row) => [row.status, Number(row.runs)]));
  const nodes = new Map<string, JourneyAnalytics['nodes'][number]>();
  const nodeOf = (version: number, nodeId: string) => {
    const key = `${version}:${nodeId}`;
    let node = nodes.get(key);
    if (node === undefined) {
      node = { version, nodeId, now: 0, visits: {} };
      nodes.set(key, node);
    }
    return node;
  };
  for (const row of visits) nodeOf(row.version, row.node_id).visits[row.outcome] = Number(row.visits);
  for (const row of current) if (row.nodeId !== null) nodeOf(row.version, row.nodeId).now += row.contacts;
  return {
    // A run that has not yet recorded its first visit is still an entry.
    entered: Math.max(Number(entered.runs), [...byStatus.values()].reduce((sum, runs) => sum + runs, 0)),
    inFlight: (byStatus.get('running') ?? 0) + (byStatus.get('paused') ?? 0),
    exitedByGoal: byStatus.get('exited_goal') ?? 0,
    exitedByTimeout: byStatus.get('exited_timeout') ?? 0,
    exited: byStatus.get('exited') ?? 0,
    completed: byStatus.get('completed') ?? 0,
    stopped: byStatus.get('stopped') ?? 0,
    nodes: [...nodes.values()].sort((a, b) => a.version - b.version || a.nodeId.localeCompare(b.nodeId)),
  };
}

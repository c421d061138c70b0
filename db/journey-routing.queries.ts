import { sql, type Kysely } from 'kysely';
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
  /** The cohort workflow the run is a member of: where its signals go. Null when it has a workflow of its own. */
  cohortId: string | null;
}

function toInFlight(row: { id: string; journey_id: string; version: number; contact_id: string; entry_key: string | null; current_node: string | null; cohort_id: string | null }): InFlightRun {
  return { workflowId: row.id, journeyId: row.journey_id, version: row.version, contactId: row.contact_id, entryKey: row.entry_key, currentNode: row.current_node, cohortId: row.cohort_id };
}

const runColumns = ['id', 'journey_id', 'version', 'contact_id', 'entry_key', 'current_node', 'cohort_id'] as const;

/**
 * Which of these run ids (journeyWorkflowId) are in flight. A run alone is kept unique by Temporal's
 * workflow ids, a cohort's member only by its row: the router asks here before admitting either.
 */
export async function inFlightRunIds(db: Queryable, workflowIds: readonly string[]): Promise<Set<string>> {
  if (workflowIds.length === 0) return new Set();
  const rows = await db.selectFrom('journey_runs').select('id').where('id', 'in', [...new Set(workflowIds)]).where('status', 'in', [...IN_FLIGHT]).execute();
  return new Set(rows.map((row) => row.id));
}

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

/** A (journey, contact) pair: the unit the re-entry policy and the per-contact limit are decided for. */
export interface JourneyContact {
  journeyId: string;
  contactId: string;
}

export const pairKey = ({ journeyId, contactId }: JourneyContact): string => `${journeyId}\n${contactId}`;

/**
 * Takes the entry lock of every pair until the transaction ends: whoever holds it decides and records
 * that person's entries into that journey. One statement, in key order, so two dispatchers locking
 * overlapping sets wait for each other instead of deadlocking.
 */
export async function lockJourneyEntries(trx: Queryable, pairs: readonly JourneyContact[]): Promise<void> {
  if (pairs.length === 0) return;
  const keys = [...new Set(pairs.map(({ journeyId, contactId }) => `journey-entry:${journeyId}:${contactId}`))];
  // Volatile functions in the select list run after the sort, so the locks are taken in key order.
  await sql`select pg_advisory_xact_lock(key) from (select distinct hashtextextended(name, 0) as key from unnest(${keys}::text[]) as name) as keys order by key`.execute(trx);
}

/** In-flight runs of several contacts at once, oldest first per contact. */
export async function inFlightRunsOfContacts(db: Queryable, contactIds: readonly string[]): Promise<Map<string, InFlightRun[]>> {
  const byContact = new Map<string, InFlightRun[]>(contactIds.map((id) => [id, []]));
  if (contactIds.length === 0) return byContact;
  const rows = await db
    .selectFrom('journey_runs')
    .select(runColumns)
    .where('contact_id', 'in', [...new Set(contactIds)])
    .where('status', 'in', [...IN_FLIGHT])
    .orderBy('started_at')
    .execute();
  for (const row of rows) byContact.get(row.contact_id)?.push(toInFlight(row));
  return byContact;
}

/** Every run of each contact in each journey, for the re-entry policy (in-flight runs have no end), keyed by `pairKey`. */
export async function previousRunsOfPairs(db: Queryable, pairs: readonly JourneyContact[]): Promise<Map<string, PreviousRun[]>> {
  const byPair = new Map<string, PreviousRun[]>(pairs.map((pair) => [pairKey(pair), []]));
  if (pairs.length === 0) return byPair;
  const rows = await db
    .selectFrom('journey_runs')
    .select(['journey_id', 'contact_id', 'status', 'started_at', 'ended_at', 'updated_at'])
    .where('contact_id', 'in', [...new Set(pairs.map((pair) => pair.contactId))])
    .where('journey_id', 'in', [...new Set(pairs.map((pair) => pair.journeyId))])
    .execute();
  for (const row of rows) {
    byPair.get(pairKey({ journeyId: row.journey_id, contactId: row.contact_id }))?.push({
      status: row.status,
      startedAt: row.started_at,
      endedAt: (IN_FLIGHT as readonly string[]).includes(row.status) ? null : (row.ended_at ?? row.updated_at),
    });
  }
  return byPair;
}

/** The workflow each (journey, cause) already admitted, keyed `<journeyId>\n<cause>`. */
export async function entriesByCause(db: Queryable, causes: readonly { journeyId: string; cause: string }[]): Promise<Map<string, string>> {
  if (causes.length === 0) return new Map();
  const rows = await db
    .selectFrom('journey_entries')
    .select(['journey_id', 'cause', 'workflow_id'])
    .where('cause', 'in', [...new Set(causes.map((entry) => entry.cause))])
    .where('journey_id', 'in', [...new Set(causes.map((entry) => entry.journeyId))])
    .execute();
  return new Map(rows.map((row) => [`${row.journey_id}\n${row.cause}`, row.workflow_id]));
}

export interface RoutedEvent {
  id: string;
  messageId: string;
  contactId: string;
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

/** Stored events by id or by message id (a stage change is stored under `stage-transition:<id>`). */
export async function eventsForRouting(db: Queryable, ids: readonly number[], messageIds: readonly string[]): Promise<RoutedEvent[]> {
  if (ids.length === 0 && messageIds.length === 0) return [];
  const rows = await db
    .selectFrom('events')
    .select(['id', 'message_id', 'contact_id', 'type', 'occurred_at', 'properties'])
    .where((eb) =>
      eb.or([
        ...(ids.length === 0 ? [] : [eb('id', 'in', ids.map(String))]),
        // Stage changes only, as their partial index has them (migration 0019: no index on every message id).
        ...(messageIds.length === 0 ? [] : [eb.and([eb('type', '=', 'stage_changed'), eb('message_id', 'in', [...messageIds])])]),
      ]),
    )
    .execute();
  return rows.map((row) => ({ id: String(row.id), messageId: row.message_id, contactId: row.contact_id, type: row.type, occurredAt: row.occurred_at, properties: row.properties }));
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

export interface ContactAtNode {
  runId: string;
  contactId: string;
  email: string | null;
  enteredAt: Date;
}

/**
 * The contacts in flight at one node of one version, longest there first (by when they entered),
 * a page at a time after the run `after`: what a marketer sees clicking a node's count.
 */
export async function contactsAtNode(db: Queryable, where: { journeyId: string; version: number; nodeId: string }, page: { limit: number; after?: string | undefined }): Promise<ContactAtNode[]> {
  let query = db
    .selectFrom('journey_runs as r')
    .innerJoin('contacts as c', 'c.id', 'r.contact_id')
    .select(['r.run_id as runId', 'r.contact_id as contactId', 'c.email as email', 'r.started_at as enteredAt'])
    .where('r.journey_id', '=', where.journeyId)
    .where('r.version', '=', where.version)
    .where('r.current_node', '=', where.nodeId)
    .where('r.status', 'in', [...IN_FLIGHT]);
  if (page.after !== undefined) {
    const after = page.after;
    query = query.where((eb) =>
      eb.or([
        eb('r.started_at', '>', eb.selectFrom('journey_runs').select('started_at').where('run_id', '=', after).limit(1)),
        eb.and([eb('r.started_at', '=', eb.selectFrom('journey_runs').select('started_at').where('run_id', '=', after).limit(1)), eb('r.run_id', '>', after)]),
      ]),
    );
  }
  return query.orderBy('r.started_at').orderBy('r.run_id').limit(page.limit).execute();
}

/** Runs per journey by where they are, for the journeys list: entered at all, in flight now, ended at a goal. */
export async function runCountsByJourney(db: Queryable): Promise<Map<string, { entered: number; inFlight: number; exitedByGoal: number }>> {
  const rows = await db
    .selectFrom('journey_runs')
    .select([
      'journey_id',
      (eb) => eb.fn.countAll<string>().as('entered'),
      (eb) => eb.fn.countAll<string>().filterWhere('status', 'in', [...IN_FLIGHT]).as('in_flight'),
      (eb) => eb.fn.countAll<string>().filterWhere('status', '=', 'exited_goal').as('exited_goal'),
    ])
    .groupBy('journey_id')
    .execute();
  return new Map(rows.map((row) => [row.journey_id, { entered: Number(row.entered), inFlight: Number(row.in_flight), exitedByGoal: Number(row.exited_goal) }]));
}

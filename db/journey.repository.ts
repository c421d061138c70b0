import { sql } from 'kysely';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import { eventTypesOf, runEventTypesOf } from '../domain/journeys/event-routing.js';
import type { Db } from './connection.js';
import type { InFlightPolicy, JourneyStatus } from './journey-catalog.types.js';

export interface JourneyRecord {
  id: string;
  name: string;
  status: JourneyStatus;
  activeVersion: number | null;
  draft: unknown;
  inFlightPolicy: InFlightPolicy;
  createdAt: Date;
  updatedAt: Date;
}

export interface PublishedVersion {
  journeyId: string;
  version: number;
  definition: unknown;
  publishedAt: Date;
  inFlightPolicy: InFlightPolicy;
  nodeMap: Record<string, string> | null;
}

const journeyColumns = ['id', 'name', 'status', 'active_version', 'draft', 'in_flight_policy', 'created_at', 'updated_at'] as const;

function toRecord(row: {
  id: string;
  name: string;
  status: JourneyStatus;
  active_version: number | null;
  draft: unknown;
  in_flight_policy: InFlightPolicy;
  created_at: Date;
  updated_at: Date;
}): JourneyRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    activeVersion: row.active_version,
    draft: row.draft,
    inFlightPolicy: row.in_flight_policy,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Stores a new journey as a draft. False when the id is taken (nothing changed). */
export async function createJourneyDraft(
  db: Db,
  journey: { id: string; name: string; draft: unknown; inFlightPolicy?: InFlightPolicy },
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insertInto('journeys')
    .values({
      id: journey.id,
      name: journey.name,
      draft: JSON.stringify(journey.draft),
      in_flight_policy: journey.inFlightPolicy ?? 'finish_on_old',
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

/** Replaces the draft being edited; an archived journey cannot be edited. */
export async function updateJourneyDraft(
  db: Db,
  id: string,
  change: { name?: string; draft: unknown; inFlightPolicy?: InFlightPolicy },
  now: Date,
): Promise<JourneyRecord | undefined> {
  const row = await db
    .updateTable('journeys')
    .set({
      draft: JSON.stringify(change.draft),
      updated_at: now,
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.inFlightPolicy === undefined ? {} : { in_flight_policy: change.inFlightPolicy }),
    })
    .where('id', '=', id)
    .where('status', '!=', 'archived')
    .returning(journeyColumns)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function findJourney(db: Db, id: string): Promise<JourneyRecord | undefined> {
  const row = await db.selectFrom('journeys').select(journeyColumns).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function listJourneys(db: Db): Promise<JourneyRecord[]> {
  const rows = await db.selectFrom('journeys').select(journeyColumns).orderBy('id').execute();
  return rows.map(toRecord);
}

export async function findJourneyVersion(db: Db, journeyId: string, version: number): Promise<PublishedVersion | undefined> {
  const row = await db
    .selectFrom('journey_versions')
    .selectAll()
    .where('journey_id', '=', journeyId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { journeyId: row.journey_id, version: row.version, definition: row.definition, publishedAt: row.published_at, inFlightPolicy: row.in_flight_policy, nodeMap: row.node_map };
}

export async function listJourneyVersions(db: Db, journeyId: string): Promise<{ version: number; publishedAt: Date; inFlightPolicy: InFlightPolicy }[]> {
  const rows = await db
    .selectFrom('journey_versions')
    .select(['version', 'published_at', 'in_flight_policy'])
    .where('journey_id', '=', journeyId)
    .orderBy('version')
    .execute();
  return rows.map((row) => ({ version: row.version, publishedAt: row.published_at, inFlightPolicy: row.in_flight_policy }));
}

export type PublishOutcome =
  | { ok: true; version: number; previousVersion: number | null }
  | { ok: false; reason: 'not_found' | 'archived' | 'no_draft' };

/**
 * Freezes `definition` (the validated draft) as the next version and makes it the one new entries
 * run, in one transaction. The version number is assigned under the journey's row lock, so two
 * publications never claim the same one.
 */
export async function publishJourneyDraft(
  db: Db,
  id: string,
  options: { definition: unknown; inFlightPolicy?: InFlightPolicy; nodeMap?: Record<string, string> },
  now: Date,
): Promise<PublishOutcome> {
  return db.transaction().execute(async (trx) => {
    const journey = await trx.selectFrom('journeys').select(['status', 'draft', 'active_version', 'in_flight_policy']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (journey === undefined) return { ok: false, reason: 'not_found' };
    if (journey.status === 'archived') return { ok: false, reason: 'archived' };
    if (journey.draft === null) return { ok: false, reason: 'no_draft' };
    const latest = await trx
      .selectFrom('journey_versions')
      .select(sql<number>`coalesce(max(version), 0)`.as('version'))
      .where('journey_id', '=', id)
      .executeTakeFirstOrThrow();
    const version = Number(latest.version) + 1;
    await trx
      .insertInto('journey_versions')
      .values({
        journey_id: id,
        version,
        definition: JSON.stringify(options.definition),
        in_flight_policy: options.inFlightPolicy ?? journey.in_flight_policy,
        node_map: options.nodeMap === undefined ? null : JSON.stringify(options.nodeMap),
        published_at: now,
      })
      .execute();
    await trx
      .updateTable('journeys')
      // A paused journey stays paused: publishing is not resuming.
      .set({ active_version: version, draft: null, status: journey.status === 'paused' ? 'paused' : 'active', updated_at: now })
      .where('id', '=', id)
      .execute();
    return { ok: true, version, previousVersion: journey.active_version };
  });
}

/** Moves a journey between statuses; returns the journey when it was in one of `from`. */
export async function transitionJourney(db: Db, id: string, from: readonly JourneyStatus[], to: JourneyStatus, now: Date): Promise<JourneyRecord | undefined> {
  const row = await db
    .updateTable('journeys')
    .set({ status: to, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returning(journeyColumns)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export interface RoutableVersion {
  journeyId: string;
  version: number;
  definition: JourneyDefinition;
}

export interface JourneyRouting {
  /** Active journeys' active versions: what a new entry runs. */
  entries: RoutableVersion[];
  /** Every version a run may still be in, by `journeyId:version`. */
  versions: Map<string, RoutableVersion>;
  /** Event types any of them listens for; ingestion enqueues nothing for the others. */
  eventTypes: ReadonlySet<string>;
}

export const versionKey = (journeyId: string, version: number) => `${journeyId}:${version}`;

/**
 * The published journeys events are routed to, cached briefly (like the scoring model), so
 * ingestion pays no query per batch and skips routing entirely when no journey listens.
 */
export class JourneyStore {
  private cached: { routing: JourneyRouting; until: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2_000,
  ) {}

  async routing(now = Date.now()): Promise<JourneyRouting> {
    if (this.cached !== undefined && this.cached.until > now) return this.cached.routing;
    const rows = await this.db
      .selectFrom('journey_versions')
      .innerJoin('journeys', 'journeys.id', 'journey_versions.journey_id')
      .select(['journey_versions.journey_id', 'journey_versions.version', 'journey_versions.definition', 'journeys.status', 'journeys.active_version'])
      // Drafts have no versions; an archived journey's runs may still wait for an order.
      .where('journeys.status', 'in', ['active', 'paused', 'archived'])
      .orderBy('journey_versions.journey_id')
      .orderBy('journey_versions.version')
      .execute();
    const entries: RoutableVersion[] = [];
    const versions = new Map<string, RoutableVersion>();
    const eventTypes = new Set<string>();
    for (const row of rows) {
      // Validated when it was published, and frozen since: read as stored, never re-parsed by today's schema.
      const routable = { journeyId: row.journey_id, version: row.version, definition: row.definition as JourneyDefinition };
      versions.set(versionKey(row.journey_id, row.version), routable);
      for (const type of runEventTypesOf(routable.definition)) eventTypes.add(type);
      if (row.status === 'active' && row.version === row.active_version) {
        entries.push(routable);
        for (const type of eventTypesOf(routable.definition)) eventTypes.add(type);
      }
    }
    const routing = { entries, versions, eventTypes };
    this.cached = { routing, until: now + this.ttlMs };
    return routing;
  }

  forget(): void {
    this.cached = undefined;
  }
}

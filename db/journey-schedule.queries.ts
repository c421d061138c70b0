import { sql } from 'kysely';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import type { Db } from './connection.js';
import type { JourneyStatus } from './journey-catalog.types.js';

export type ScheduleEntry = Extract<JourneyDefinition['entry'], { kind: 'schedule' }>;

export interface ScheduledJourney {
  journeyId: string;
  status: Extract<JourneyStatus, 'active' | 'paused'>;
  version: number;
  entry: ScheduleEntry;
}

/** Journeys whose published version enters contacts on a calendar: each has a Temporal Schedule while active or paused. */
export async function scheduledJourneys(db: Db, journeyId?: string): Promise<ScheduledJourney[]> {
  let query = db
    .selectFrom('journeys')
    .innerJoin('journey_versions', (join) => join.onRef('journey_versions.journey_id', '=', 'journeys.id').onRef('journey_versions.version', '=', 'journeys.active_version'))
    .select(['journeys.id', 'journeys.status', 'journey_versions.version', 'journey_versions.definition'])
    .where('journeys.status', 'in', ['active', 'paused'])
    .where(sql<string>`journey_versions.definition -> 'entry' ->> 'kind'`, '=', 'schedule');
  if (journeyId !== undefined) query = query.where('journeys.id', '=', journeyId);
  const rows = await query.orderBy('journeys.id').execute();
  return rows.map((row) => ({
    journeyId: row.id,
    status: row.status as ScheduledJourney['status'],
    version: row.version,
    entry: (row.definition as JourneyDefinition).entry as ScheduleEntry,
  }));
}

/**
 * One page of the people a calendar tick enters, in id order after `after`: merged profiles are
 * pointers, not people, so only canonical contacts, optionally only those in `stages`.
 */
export async function scheduledCohortPage(db: Db, options: { stages?: readonly string[]; after?: string; limit: number }): Promise<string[]> {
  let query = db.selectFrom('contacts').select('id').where('merged_into', 'is', null);
  if (options.stages !== undefined) query = query.where('stage', 'in', [...options.stages]);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  const rows = await query.orderBy('id').limit(options.limit).execute();
  return rows.map((row) => row.id);
}

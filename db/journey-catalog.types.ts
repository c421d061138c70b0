import type { ColumnType } from 'kysely';
import type { CreatedAt, Json, Timestamp } from './database.js';

/** draft → active ⇄ paused → archived. Only an active journey admits new entries. */
export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';

/** What publishing a new version does to contacts already inside an older one. */
export type InFlightPolicy = 'finish_on_old' | 'move_to_new';

export interface JourneyTable {
  id: string;
  name: string;
  status: ColumnType<JourneyStatus, JourneyStatus | undefined, JourneyStatus>;
  active_version: number | null;
  /** The definition being edited; its `version` is assigned at publication. */
  draft: Json<unknown> | null;
  in_flight_policy: ColumnType<InFlightPolicy, InFlightPolicy | undefined, InFlightPolicy>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface JourneyVersionTable {
  journey_id: string;
  version: number;
  definition: Json<unknown>;
  published_at: ColumnType<Date, Date | string | undefined, never>;
  in_flight_policy: InFlightPolicy;
  node_map: Json<Record<string, string>> | null;
}

export interface JourneyEntryTable {
  journey_id: string;
  /** `event:<id>` or `stage-transition:<id>`. */
  cause: string;
  contact_id: string;
  version: number;
  workflow_id: string;
  run_id: string;
  entered_at: Timestamp;
}

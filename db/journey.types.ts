import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export type JourneyRunStatusColumn = 'running' | 'paused' | 'completed' | 'exited_goal' | 'exited' | 'exited_timeout' | 'stopped';

export interface JourneyRunTable {
  /** The workflow id. */
  id: string;
  /** Temporal's first run id of the chain: tells a re-entry apart from the run before it. */
  run_id: string;
  journey_id: string;
  version: number;
  contact_id: string;
  entry_key: string | null;
  status: JourneyRunStatusColumn;
  current_node: string | null;
  started_at: Timestamp;
  updated_at: Timestamp;
  ended_at: Timestamp | null;
  /** The cohort workflow a member runs in (its signals go there); null for a run with a workflow of its own. */
  cohort_id: string | null;
}

export interface JourneyNodeVisitTable {
  id: Generated<string>;
  run_id: string;
  workflow_id: string;
  journey_id: string;
  version: number;
  contact_id: string;
  node_id: string;
  visit: number;
  outcome: 'entered' | 'completed' | 'goal' | 'exit' | 'timeout' | 'stopped' | 'skipped';
  at: Timestamp;
}

export interface CouponTable {
  code: string;
  contact_id: string;
  cause: string;
  journey_id: string | null;
  discount_kind: 'percent' | 'amount';
  discount_value: ColumnType<string, number | string, number | string>;
  currency: string | null;
  category: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: Timestamp;
  /** The first redemption; `coupon_redemptions` holds every one. */
  redeemed_at: Timestamp | null;
  /** Null for the coupons journeys issued with terms of their own (before campaigns, or without one). */
  campaign_id: ColumnType<string | null, string | null | undefined, never>;
  valid_from: ColumnType<Date | null, Date | string | null | undefined, never>;
  uses_allowed: ColumnType<number, number | undefined, never>;
}

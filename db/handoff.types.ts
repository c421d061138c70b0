import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json, Timestamp } from './database.js';

export interface SalesRepTable {
  email: string;
  name: string;
  manager_email: string | null;
  territories: Json<string[]>;
  capacity: number;
  available: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface RoutingRulesTable {
  version: Generated<number>;
  document: Json<unknown>;
  created_at: CreatedAt;
}

export interface RoutingCursorTable {
  pool: string;
  last_owner: string;
}

/** `routing` only between the hand-off's creation and its first assignment. */
export type StoredHandoffStatus = 'routing' | 'assigned' | 'escalated' | 'accepted' | 'rejected' | 'recycled' | 'won' | 'lost';

export interface HandoffTable {
  id: Generated<string>;
  contact_id: string;
  workflow_run_id: string;
  workflow_id: string;
  status: StoredHandoffStatus;
  /** Why the lead went to sales (the MQL reason, or the journey's). */
  reason: string;
  /** `mql`, or `journey:<id>` for a journey's hand-off node. */
  source: string;
  owner: string | null;
  /** Reps who had the lead before a reassignment. */
  previous_owners: ColumnType<string[], string | undefined, string>;
  routing_rule: Json<unknown> | null;
  rules_version: number | null;
  summary: Json<unknown> | null;
  opportunity_stage: string | null;
  rejection_reason: string | null;
  lost_reason: string | null;
  sla_due_at: Timestamp | null;
  reminded_at: Timestamp | null;
  escalated_at: Timestamp | null;
  escalated_to: string | null;
  assigned_at: Timestamp | null;
  accepted_at: Timestamp | null;
  rejected_at: Timestamp | null;
  recycled_at: Timestamp | null;
  closed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface HandoffActionTable {
  id: Generated<number>;
  handoff_id: string;
  action: string;
  details: Json<unknown>;
  actor: string;
  occurred_at: Timestamp;
}

export type CrmDeliveryStatus = 'pending' | 'delivered' | 'dead_letter';

export interface CrmDeliveryTable {
  id: Generated<string>;
  handoff_id: string;
  url: string;
  status: Generated<CrmDeliveryStatus>;
  attempts: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
  created_at: CreatedAt;
}

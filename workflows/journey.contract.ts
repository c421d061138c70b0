// What the API (and tests) need to talk to a running journey, without the workflow body: the
// input, the signals, the query. Importing this file pulls in no activity and no workflow code.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { JourneyDefinition } from '../domain/journeys/definition.js';

/** An event routed to a journey run: ids and properties, never the contact's address. */
export interface JourneyEventPayload {
  /** The stored event's id: an event signalled twice counts once. */
  eventId: string;
  type: string;
  occurredAt: string;
  properties: Record<string, unknown>;
  /** The value of the journey's entry-key path on this event, when the router already read it. */
  entryKey?: string;
}

export type JourneyRunStatus = 'running' | 'paused' | 'completed' | 'exited_goal' | 'exited' | 'exited_timeout' | 'stopped';

export type JourneyVisitOutcome = 'entered' | 'completed' | 'goal' | 'exit' | 'timeout' | 'stopped' | 'skipped';

export interface JourneyPathStep {
  nodeId: string;
  at: string;
  outcome: JourneyVisitOutcome;
}

/** What a run carries over `continueAsNew` (and over a move to a new version). */
export interface JourneyCarriedState {
  startedAt: string;
  /** The newest steps only: the full path is in `journey_node_visits`. */
  path: JourneyPathStep[];
  /** Visits per node so far: the e-mail cause `<workflowId>/<nodeId>/<visit>` must never repeat. */
  visits: Record<string, number>;
  coupon?: { code: string; expiresAt: string };
  /** Ids of the newest events already handled, so a re-signalled event is not counted twice. */
  seenEventIds: string[];
  /** The event that ended the last wait, for `last_event` branch conditions and e-mail data. */
  lastEvent?: JourneyEventPayload;
  paused: boolean;
}

export interface JourneyWorkflowInput {
  journeyId: string;
  version: number;
  /** Frozen at entry: a published change never alters a contact already inside. */
  definition: JourneyDefinition;
  contactId: string;
  entryKey?: string;
  entryEvent?: { eventId: string; type: string; properties: Record<string, unknown> };
  /** The node to run first instead of `definition.start` (after continueAsNew or a version move). */
  resumeAt?: string;
  carried?: JourneyCarriedState;
  /** Nodes run before continuing as new (default 200); lower in tests and simulations. */
  maxNodesPerExecution?: number;
  /**
   * The run id of a run that began in a cohort and now has a workflow of its own: the cohort's first
   * run id, which its `journey_runs` row and its e-mail causes carry. Absent for a run that began alone.
   */
  runId?: string;
}

export interface JourneyWorkflowResult {
  status: Exclude<JourneyRunStatus, 'running' | 'paused'>;
  lastNodeId: string;
}

export interface JourneyState {
  journeyId: string;
  version: number;
  status: JourneyRunStatus;
  currentNodeId: string | null;
  path: JourneyPathStep[];
}

export interface MigrateJourneyInput {
  version: number;
  definition: JourneyDefinition;
  /** Old node id → node of the new version; an unmapped node keeps its id if the new version has it. */
  nodeMap: Record<string, string>;
}

export const journeyEventSignal = defineSignal<[JourneyEventPayload]>('journeyEvent');
export const pauseJourneySignal = defineSignal('pauseJourney');
export const resumeJourneySignal = defineSignal('resumeJourney');
export const stopJourneySignal = defineSignal<[{ reason: string }]>('stopJourney');
export const migrateJourneySignal = defineSignal<[MigrateJourneyInput]>('migrateJourney');
export const journeyStateQuery = defineQuery<JourneyState>('journeyState');

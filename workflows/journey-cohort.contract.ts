// What the router, the API and tests need to start a cohort run and talk to one of its members,
// without the workflow body. Importing this file pulls in no activity and no workflow code.
import { defineSignal, type SignalDefinition } from '@temporalio/workflow';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import {
  journeyEventSignal,
  migrateJourneySignal,
  pauseJourneySignal,
  resumeJourneySignal,
  stopJourneySignal,
  type JourneyEventPayload,
  type JourneyWorkflowInput,
  type MigrateJourneyInput,
} from './journey.contract.js';

/** One contact of a cohort: what its own `journeyWorkflow` input would say about it. */
export interface JourneyCohortMember {
  contactId: string;
  entryKey?: string;
  entryEvent?: JourneyWorkflowInput['entryEvent'];
  /** Events routed to the member between its admission and the cohort's start (the same sweep). */
  events?: JourneyEventPayload[];
}

/**
 * Contacts who entered one version of a journey together, run in one workflow: each member has its
 * own interpreter, visits and e-mail causes, as if it had its own workflow, and the members' visits
 * and e-mails of one moment go to the database and the SMTP server in batches.
 */
export interface JourneyCohortInput {
  journeyId: string;
  version: number;
  /** Frozen at entry, once for every member. */
  definition: JourneyDefinition;
  members: JourneyCohortMember[];
  /** Nodes a member runs before it leaves for a workflow of its own (default 200, as journeyWorkflow). */
  maxNodesPerExecution?: number;
}

export interface JourneyCohortResult {
  members: number;
  /** Members that ended inside the cohort, by status. */
  ended: Record<string, number>;
  /** Members that left for a workflow of their own (a version move, a long journey, a big history). */
  graduated: number;
  /** Members whose run failed (an unknown template, a missing contact): recorded as stopped. */
  failed: number;
}

/** What a member is told; the same messages a standalone run gets by its own signals. */
export type JourneyRunCommand =
  | { kind: 'event'; event: JourneyEventPayload }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'stop'; reason: string }
  | { kind: 'migrate'; target: MigrateJourneyInput };

/** `memberId` is the member's run id in `journey_runs` (journeyWorkflowId of its journey, contact and key). */
export const journeyCohortMemberSignal = defineSignal<[{ memberId: string; command: JourneyRunCommand }]>('journeyCohortMember');

/** A client's or a workflow's handle on a run with a workflow of its own. */
interface Signallable {
  signal<Args extends unknown[]>(definition: SignalDefinition<Args>, ...args: Args): Promise<void>;
}

/** Tells a run with a workflow of its own what a command says, by that workflow's own signals. */
export function signalOwnWorkflow(handle: Signallable, command: JourneyRunCommand): Promise<void> {
  switch (command.kind) {
    case 'event':
      return handle.signal(journeyEventSignal, command.event);
    case 'pause':
      return handle.signal(pauseJourneySignal);
    case 'resume':
      return handle.signal(resumeJourneySignal);
    case 'stop':
      return handle.signal(stopJourneySignal, { reason: command.reason });
    case 'migrate':
      return handle.signal(migrateJourneySignal, command.target);
  }
}

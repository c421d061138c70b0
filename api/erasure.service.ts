import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import { eraseContact } from '../db/erasure.repository.js';
import { handoffWorkflowId } from '../workflows/ids.js';
import { tellJourneyRun } from '../orchestration/journey-signals.js';

export interface ErasureOutcome {
  /** The person erased: the contact the requested id resolved to. */
  contactId: string;
  /** The contact and every profile merged into it. */
  profiles: number;
  /** Rows deleted per table. */
  erased: Record<string, number>;
  /** Journey runs told to stop and hand-offs terminated. */
  workflowsStopped: number;
  /** Why each workflow that could not be stopped was not; its activities fail on the missing contact. */
  stopFailures: unknown[];
}

/** A workflow that has already finished (or never ran) has nothing left to stop. */
async function unlessGone(action: Promise<unknown>): Promise<boolean> {
  try {
    await action;
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Erasure on request: the person's rows go in one transaction, then their workflows are stopped. */
export function createErasureService(deps: { db: Db; temporal: Client }) {
  /** Undefined when no contact has this id. */
  async function erase(id: string, erasedBy: string): Promise<ErasureOutcome | undefined> {
    const erasure = await eraseContact(deps.db, id, erasedBy);
    if (erasure === undefined) return undefined;
    // After the commit, so a failed erasure stops nothing. Activities that still run for the
    // contact find it gone: sending and reading facts fail as ContactNotFound, visits record nothing.
    const reason = 'contact erased on request';
    const stops = await Promise.allSettled([
      ...erasure.journeyRuns.map((run) => unlessGone(tellJourneyRun(deps.temporal, run, { kind: 'stop', reason }))),
      ...erasure.profileIds.map((profileId) => unlessGone(deps.temporal.workflow.getHandle(handoffWorkflowId(profileId)).terminate(reason))),
    ]);
    return {
      contactId: erasure.contactId,
      profiles: erasure.profileIds.length,
      erased: erasure.counts,
      workflowsStopped: stops.filter((stop) => stop.status === 'fulfilled' && stop.value).length,
      stopFailures: stops.flatMap((stop) => (stop.status === 'rejected' ? [stop.reason as unknown] : [])),
    };
  }

  return { erase };
}

export type ErasureService = ReturnType<typeof createErasureService>;

import type { Client, WorkflowHandle } from '@temporalio/client';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import type { SimulationOptions, SimulationTally } from '../domain/journeys/simulation.js';
import {
  JOURNEY_COHORT_SIMULATION_WORKFLOW_TYPE,
  journeyCohortSimulationProgressQuery,
  type JourneyCohortSimulationInput,
  type JourneyCohortSimulationProgress,
  type JourneyCohortSimulationResult,
} from '../workflows/journey-simulation.contract.js';
import type { journeyCohortSimulationWorkflow } from '../workflows/journey-simulation.workflow.js';

// A dry run is a set of cohort workflows (workflows/journey-simulation.workflow.ts). Starting and
// watching them lives below scripts/ so that the CLI (scripts/simulate.ts, on a time-skipping server
// of its own) and a future HTTP dry run start and read them the same way.

export { DRY_RUN_DEFAULTS } from '../domain/journeys/simulation.js';

/** Contacts per cohort workflow: few enough workflow tasks, each task's work and history small. */
export const COHORT_SIZE = 2_500;

/** Splits `total` contacts into near-equal cohorts of at most `size`. */
export function cohortsOf(total: number, size: number): { first: number; count: number }[] {
  const cohorts = Math.max(1, Math.ceil(total / size));
  return Array.from({ length: cohorts }, (_, index) => {
    const first = Math.floor((index * total) / cohorts);
    return { first, count: Math.floor(((index + 1) * total) / cohorts) - first };
  });
}

export type CohortHandle = WorkflowHandle<typeof journeyCohortSimulationWorkflow>;

export const cohortWorkflowId = (prefix: string, index: number) => `${prefix}-cohort-${index}`;

export async function startCohorts(
  client: Client,
  plan: {
    definition: JourneyDefinition;
    options: SimulationOptions;
    startMs: number;
    stepMs: number;
    taskQueue: string;
    workflowIdPrefix: string;
    cohortSize?: number;
  },
): Promise<CohortHandle[]> {
  const cohorts = cohortsOf(plan.options.contacts, plan.cohortSize ?? COHORT_SIZE);
  return Promise.all(
    cohorts.map(({ first, count }, index) => {
      const input: JourneyCohortSimulationInput = {
        definition: plan.definition,
        options: plan.options,
        startMs: plan.startMs,
        stepMs: plan.stepMs,
        first,
        count,
      };
      return client.workflow.start<typeof journeyCohortSimulationWorkflow>(JOURNEY_COHORT_SIMULATION_WORKFLOW_TYPE, {
        taskQueue: plan.taskQueue,
        workflowId: cohortWorkflowId(plan.workflowIdPrefix, index),
        args: [input],
      });
    }),
  );
}

export interface DryRunProgress {
  /** Journey time the slowest running cohort has reached; undefined before any answers. */
  atMs: number | undefined;
  ended: number;
  emails: number;
  finished: boolean;
  /** Why a cohort did not complete, when one failed or was ended. */
  failure?: string;
}

export const endedIn = (tally: SimulationTally) => Object.values(tally.outcomes).reduce((sum, count) => sum + count, 0);
export const emailsIn = (tally: SimulationTally) => Object.values(tally.emails).reduce((sum, perDay) => sum + Object.values(perDay).reduce((total, count) => total + count, 0), 0);

/**
 * Asks every cohort not yet done where it is: a running one by its progress query, a completed one
 * for its result (kept in `done`). `latest` keeps each cohort's last answer between calls.
 */
export async function readCohorts(
  handles: readonly CohortHandle[],
  done: Map<number, JourneyCohortSimulationResult>,
  latest: Map<number, JourneyCohortSimulationProgress>,
): Promise<DryRunProgress> {
  let failure: string | undefined;
  await Promise.all(
    handles.map(async (handle, index) => {
      if (done.has(index)) return;
      const status = (await handle.describe()).status.name;
      if (status === 'COMPLETED') done.set(index, await handle.result());
      // A query of a finished cohort would replay its whole history: ask only running ones.
      else if (status === 'RUNNING') {
        const progress = await handle.query(journeyCohortSimulationProgressQuery).catch(() => undefined);
        if (progress !== undefined) latest.set(index, progress);
      } else failure ??= `cohort ${index} ${status.toLowerCase()}`;
    }),
  );
  const running = [...latest].filter(([index]) => !done.has(index)).map(([, progress]) => progress);
  const finished = [...done.values()];
  return {
    atMs: running.length > 0 ? Math.min(...running.map((progress) => progress.atMs)) : undefined,
    ended: running.reduce((sum, progress) => sum + progress.ended, 0) + finished.reduce((sum, result) => sum + endedIn(result.tally), 0),
    emails: running.reduce((sum, progress) => sum + progress.emails, 0) + finished.reduce((sum, result) => sum + emailsIn(result.tally), 0),
    finished: done.size === handles.length,
    ...(failure === undefined ? {} : { failure }),
  };
}

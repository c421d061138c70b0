// What the dry-run CLI needs to start and watch a cohort simulation, without the workflow body.
import { defineQuery } from '@temporalio/workflow';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import type { SimulationOptions, SimulationTally } from '../domain/journeys/simulation.js';

export const JOURNEY_COHORT_SIMULATION_WORKFLOW_TYPE = 'journeyCohortSimulationWorkflow';

export interface JourneyCohortSimulationInput {
  definition: JourneyDefinition;
  /** The whole dry run's options: every cohort draws the same seeded population and keeps its slice. */
  options: SimulationOptions;
  /** Journey time at the start of the dry run (the test server's clock when the run began). */
  startMs: number;
  /** Events reach runs at the start of the step they fall in (an hour by default). */
  stepMs: number;
  /** This cohort: contacts `first` to `first + count - 1` of the population. */
  first: number;
  count: number;
}

export interface JourneyCohortSimulationResult {
  contacts: number;
  tally: SimulationTally;
}

export interface JourneyCohortSimulationProgress {
  /** Journey time the cohort has reached. */
  atMs: number;
  ended: number;
  emails: number;
}

export const journeyCohortSimulationProgressQuery = defineQuery<JourneyCohortSimulationProgress>('journeyCohortSimulationProgress');

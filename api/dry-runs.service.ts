import { randomUUID } from 'node:crypto';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import { validateJourneyDefinition } from '../domain/journeys/graph.js';
import type { SimulationSummary } from '../domain/journeys/simulation.js';
import { HttpError } from './errors.js';
import { InvalidJourneyError, type JourneyService } from './journeys.service.js';

export interface DryRunProgress {
  fraction: number;
  day: number;
  ended: number;
  emails: number;
}

export interface DryRunRequest {
  contacts: number;
  days: number;
  eventProbability: number;
  seed: number;
}

/**
 * Runs a journey's dry run for synthetic contacts and reports its progress: the cohort simulation of
 * `npm run relance -- simulate` on a time-skipping Temporal server of its own (scripts/simulate.ts),
 * given by the process that composes the API, since the API itself starts no server.
 */
export type DryRunner = (definition: JourneyDefinition, request: DryRunRequest, onProgress: (progress: DryRunProgress) => void) => Promise<SimulationSummary>;

export interface DryRun {
  id: string;
  journeyId: string;
  /** What was simulated: the draft, or the active version when there is no draft. */
  source: 'draft' | 'active';
  request: DryRunRequest;
  status: 'running' | 'done' | 'failed';
  progress: DryRunProgress;
  summary: SimulationSummary | null;
  error: string | null;
  startedAt: Date;
}

// A dry run's result is read by the editor right after it ends; a few per process are kept, in memory.
const KEPT = 20;

export function createDryRunService(deps: { journeys: JourneyService; runner?: DryRunner | undefined }) {
  const runs = new Map<string, DryRun>();
  let running: string | undefined;

  async function start(journeyId: string, request: DryRunRequest): Promise<DryRun> {
    if (deps.runner === undefined) throw new HttpError(503, 'dry_run_unavailable', 'dry runs are not wired in this process: run them with `npm run relance -- simulate`, or start the API with `npm start`');
    // One at a time: a dry run takes both cores of a small machine for its seconds.
    if (running !== undefined) throw new HttpError(409, 'dry_run_busy', `a dry run is already running (${running}); try again when it ends`);
    const { journey, activeDefinition } = await deps.journeys.describe(journeyId);
    const source = journey.draft !== undefined && journey.draft !== null ? 'draft' : 'active';
    const validation = validateJourneyDefinition(source === 'draft' ? journey.draft : activeDefinition);
    if (!validation.ok) throw new InvalidJourneyError(validation.issues, 'definition');
    const run: DryRun = { id: randomUUID(), journeyId, source, request, status: 'running', progress: { fraction: 0, day: 0, ended: 0, emails: 0 }, summary: null, error: null, startedAt: new Date() };
    runs.set(run.id, run);
    for (const old of [...runs.keys()].slice(0, Math.max(0, runs.size - KEPT))) runs.delete(old);
    running = run.id;
    deps
      .runner(validation.definition, request, (progress) => {
        run.progress = progress;
      })
      .then(
        (summary) => {
          run.summary = summary;
          run.progress = { ...run.progress, fraction: 1, day: request.days };
          run.status = 'done';
        },
        (error: unknown) => {
          run.status = 'failed';
          run.error = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(() => {
        running = undefined;
      });
    return run;
  }

  function find(journeyId: string, id: string): DryRun {
    const run = runs.get(id);
    if (run === undefined || run.journeyId !== journeyId) throw new HttpError(404, 'unknown_dry_run', `no dry run ${id} of journey ${journeyId} in this process (the last ${KEPT} are kept)`);
    return run;
  }

  return { start, find };
}

export type DryRunService = ReturnType<typeof createDryRunService>;

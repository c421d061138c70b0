/**
 * Dry run of a journey before launch:
 *
 *   npm run relance -- simulate <template name | path/to/journey.json> [--contacts 1000] [--days 30]
 *     [--seed 1] [--event-probability 0.3] [--entry-days 7] [--step-hours 1]
 *
 * Runs the journey interpreter (the one `journeyWorkflow` runs) for synthetic contacts on Temporal's
 * time-skipping test server, in cohort workflows of a few thousand contacts each
 * (workflows/journey-simulation.workflow.ts), so 30 days pass in seconds, and prints how many
 * contacts took each path, e-mails per day, and exits by goal and by timeout. Effects only record:
 * nothing is sent to anyone, nothing is written to a database. Events reach runs at the start of the
 * step they fall in (an hour by default).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import { validateJourneyDefinition } from '../domain/journeys/graph.js';
import { mergeTallies, summarizeTally, type SimulationOptions, type SimulationSummary } from '../domain/journeys/simulation.js';
import { listJourneyTemplates, loadJourneyTemplate } from '../templates/journey-templates.js';
import type { JourneyCohortSimulationProgress, JourneyCohortSimulationResult } from '../workflows/journey-simulation.contract.js';
import { DRY_RUN_DEFAULTS, emailsIn, endedIn, readCohorts, startCohorts } from '../orchestration/journey-dry-run.js';
import type { DryRunner } from '../api/dry-runs.service.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { ensureTemporalTestServer } from './temporal-tools.js';
import { progressBar, UsageError } from './cli/command.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAY_MS = 86_400_000;

export interface Arguments extends SimulationOptions {
  journey: string;
  stepHours: number;
}

export function parseArguments(argv: readonly string[]): Arguments {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      flags.set(name, inline ?? argv[++index] ?? '');
    } else positional.push(arg);
  }
  const number = (name: string, fallback: number, check: (value: number) => boolean) => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || !check(value)) throw new Error(`--${name}: "${raw}" is not a valid value`);
    return value;
  };
  const journey = positional[0];
  if (journey === undefined) throw new Error('usage: npm run relance -- simulate <template name | journey.json> [--contacts 1000] [--days 30]');
  const days = number('days', DRY_RUN_DEFAULTS.days, (v) => Number.isInteger(v) && v > 0 && v <= 366);
  return {
    journey,
    contacts: number('contacts', DRY_RUN_DEFAULTS.contacts, (v) => Number.isInteger(v) && v > 0 && v <= 100_000),
    days,
    seed: number('seed', DRY_RUN_DEFAULTS.seed, Number.isInteger),
    eventProbability: number('event-probability', DRY_RUN_DEFAULTS.eventProbability, (v) => v >= 0 && v <= 1),
    entryWindowDays: number('entry-days', Math.min(7, days), (v) => v > 0),
    stepHours: number('step-hours', DRY_RUN_DEFAULTS.stepHours, (v) => v > 0 && v <= 24),
  };
}

/** A built-in template by name ("nurture" will do for "inbound-nurture" when only one name has that word), or a .json file. */
export async function loadDefinition(journey: string): Promise<JourneyDefinition> {
  if (!journey.endsWith('.json')) {
    const names = await listJourneyTemplates();
    const matches = names.includes(journey) ? [journey] : names.filter((name) => name.split('-').includes(journey));
    if (matches.length === 1) return loadJourneyTemplate(matches[0] as string);
    const hint = matches.length > 1 ? `it could be ${matches.join(', ')}` : `templates: ${names.join(', ')}`;
    throw new UsageError(`no journey template "${journey}" (${hint}); or give a path to a journey .json file`);
  }
  const result = validateJourneyDefinition(JSON.parse(await readFile(journey, 'utf8')));
  if (!result.ok) throw new Error(`${journey}: ${result.issues.map((issue) => `${issue.nodeId}: ${issue.reason}`).join('; ')}`);
  return result.definition;
}

export interface SimulationRuntime {
  /** A time-skipping environment of the caller's (tests); otherwise one is started and torn down. */
  env?: TestWorkflowEnvironment;
  bundle?: WorkflowBundle;
  progress?: (line: string) => void;
  /** Contacts per cohort workflow (2,500 by default). */
  cohortSize?: number;
  /** Journey time the dry run starts at (local-time delays depend on it); the test server's clock by default. */
  startMs?: number;
  /** The same progress as the bar, as figures (the console's dry run shows them). */
  onProgress?: Parameters<DryRunner>[2];
}

export async function simulate(args: Arguments, runtime: SimulationRuntime = {}): Promise<SimulationSummary> {
  return simulateDefinition(await loadDefinition(args.journey), args, runtime);
}

/** The dry run of a definition already validated (the console's draft, or a template the CLI loaded). */
export async function simulateDefinition(definition: JourneyDefinition, args: Omit<Arguments, 'journey'>, runtime: SimulationRuntime = {}): Promise<SimulationSummary> {
  const output = { progress: runtime.progress ?? ((line: string) => process.stderr.write(line)) };
  const ownEnv = runtime.env === undefined;
  const [env, bundle] = await Promise.all([
    runtime.env ??
      ensureTemporalTestServer({ projectRoot: PROJECT_ROOT, log: () => undefined }).then((testServerPath) =>
        TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath } } }),
      ),
    runtime.bundle ?? bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  try {
    const startMs = runtime.startMs ?? (await env.currentTimeMs());
    const endMs = startMs + args.days * DAY_MS;
    const options: SimulationOptions = { contacts: args.contacts, days: args.days, seed: args.seed, eventProbability: args.eventProbability, entryWindowDays: args.entryWindowDays };
    // One queue per run: a caller's environment may host several simulations one after the other.
    const taskQueue = `relance-simulation-${definition.id}-${args.seed}-${startMs}`;
    // Cohorts are CPU-bound workflow code: two threads let two of them run at once.
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, workflowThreadPoolSize: 2 });
    const show = (atMs: number, endedCount: number, emails: number) => {
      const day = Math.min(args.days, Math.floor((atMs - startMs) / DAY_MS));
      runtime.onProgress?.({ fraction: Math.min(1, (atMs - startMs) / (endMs - startMs)), day, ended: endedCount, emails });
      output.progress(`\r${progressBar((atMs - startMs) / (endMs - startMs))} day ${day}/${args.days}  ended ${endedCount}/${args.contacts}  e-mails ${emails}`);
    };
    const results = await worker.runUntil(async () => {
      const handles = await startCohorts(env.client, {
        definition,
        options,
        startMs,
        stepMs: args.stepHours * 3_600_000,
        taskQueue,
        workflowIdPrefix: taskQueue,
        ...(runtime.cohortSize === undefined ? {} : { cohortSize: runtime.cohortSize }),
      });
      const done = new Map<number, JourneyCohortSimulationResult>();
      const latest = new Map<number, JourneyCohortSimulationProgress>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          const progress = await readCohorts(handles, done, latest).catch(() => undefined);
          if (watching && progress?.atMs !== undefined) show(progress.atMs, progress.ended, progress.emails);
        }
      })();
      try {
        // One result at a time: each call lets the test server skip time until that cohort is done,
        // and every cohort's timers fire meanwhile.
        for (const [index, handle] of handles.entries()) done.set(index, await handle.result());
      } finally {
        watching = false;
        await watcher;
      }
      return [...done.values()];
    });
    const tally = mergeTallies(results.map((result) => result.tally));
    show(endMs, endedIn(tally), emailsIn(tally));
    output.progress('\n');
    return summarizeTally(tally, args.contacts, args.days);
  } finally {
    if (ownEnv) await env.teardown();
  }
}

export function formatSummary(journey: string, summary: SimulationSummary, elapsedMs: number): string {
  const lines = [`Simulated ${summary.contacts} contacts × ${summary.days} days of "${journey}" in ${(elapsedMs / 1000).toFixed(1)} s`, '', 'Paths taken:'];
  for (const { path, contacts } of summary.paths) lines.push(`  ${String(contacts).padStart(7)}  ${path}`);
  lines.push('', 'Outcomes:');
  for (const [status, count] of Object.entries(summary.outcomes).sort()) lines.push(`  ${String(count).padStart(7)}  ${status}`);
  lines.push('', `E-mails: ${summary.emailsPerDay.reduce((sum, count) => sum + count, 0)} (${Object.entries(summary.emailsByTemplate).map(([template, count]) => `${template} ${count}`).join(', ')})`, 'E-mails per day:');
  const peak = Math.max(1, ...summary.emailsPerDay);
  summary.emailsPerDay.forEach((count, day) => lines.push(`  day ${String(day + 1).padStart(3)}  ${String(count).padStart(7)}  ${'▇'.repeat(Math.round((count / peak) * 40))}`));
  return lines.join('\n');
}

let sharedBundle: Promise<WorkflowBundle> | undefined;

/**
 * The console's dry runs (api/dry-runs.service.ts), on a time-skipping server started for each and
 * the workflow bundle built once per process: what the CLI runs, with its defaults for the rest.
 */
export const dryRunner: DryRunner = async (definition, request, onProgress) => {
  sharedBundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const bundle = await sharedBundle;
  return simulateDefinition(definition, { ...request, entryWindowDays: Math.min(7, request.days), stepHours: DRY_RUN_DEFAULTS.stepHours }, { bundle, onProgress, progress: () => undefined });
};

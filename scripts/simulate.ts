/**
 * Dry run of a journey before launch:
 *
 *   npm run relance -- simulate <template name | path/to/journey.json> [--contacts 1000] [--days 30]
 *     [--seed 1] [--event-probability 0.3] [--entry-days 7] [--step-hours 1]
 *
 * Runs the real interpreter workflow for synthetic contacts on Temporal's time-skipping test server,
 * so 30 days pass in seconds, and prints how many contacts took each path, e-mails per day, and exits
 * by goal and by timeout. Activities are in-process recorders: nothing is sent to anyone, nothing is
 * written to a database. Events reach runs by signal at the next step (an hour by default).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { RecordJourneyVisitInput } from '../activities/journey.activities.js';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import type { ContactFacts, FactsRequest } from '../domain/journeys/evaluate.js';
import { eventPathsRead, propertiesFor } from '../domain/journeys/event-routing.js';
import { validateJourneyDefinition } from '../domain/journeys/graph.js';
import { summarize, syntheticContacts, type SimulationOptions, type SimulationRecord, type SimulationSummary, type SyntheticContact } from '../domain/journeys/simulation.js';
import { loadJourneyTemplate } from '../templates/journey-templates.js';
import { journeyEventSignal, type JourneyWorkflowInput } from '../workflows/journey.contract.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { ensureTemporalTestServer } from './temporal-tools.js';
import { progressBar } from './cli/command.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAY_MS = 86_400_000;
const ENDED = new Set(['completed', 'exited_goal', 'exited', 'exited_timeout', 'stopped']);

interface Arguments extends SimulationOptions {
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
  const days = number('days', 30, (v) => Number.isInteger(v) && v > 0 && v <= 366);
  return {
    journey,
    contacts: number('contacts', 1000, (v) => Number.isInteger(v) && v > 0 && v <= 100_000),
    days,
    seed: number('seed', 1, Number.isInteger),
    eventProbability: number('event-probability', 0.3, (v) => v >= 0 && v <= 1),
    entryWindowDays: number('entry-days', Math.min(7, days), (v) => v > 0),
    stepHours: number('step-hours', 1, (v) => v > 0 && v <= 24),
  };
}

async function loadDefinition(journey: string): Promise<JourneyDefinition> {
  if (!journey.endsWith('.json')) return loadJourneyTemplate(journey);
  const result = validateJourneyDefinition(JSON.parse(await readFile(journey, 'utf8')));
  if (!result.ok) throw new Error(`${journey}: ${result.issues.map((issue) => `${issue.nodeId}: ${issue.reason}`).join('; ')}`);
  return result.definition;
}

/** Activities that record what the journey did and touch nothing outside this process. */
function recordingActivities(contacts: ReadonlyMap<string, SyntheticContact>, definition: JourneyDefinition, record: SimulationRecord, startMs: number): Partial<Activities> {
  const nowMs = () => Context.current().info.currentAttemptScheduledTimestampMs;
  let coupons = 0;
  return {
    async recordJourneyVisit(input: RecordJourneyVisitInput) {
      if (input.outcome === 'entered') {
        const path = record.paths.get(input.contactId) ?? [];
        path.push(input.nodeId);
        record.paths.set(input.contactId, path);
      }
      const node = definition.nodes[input.nodeId];
      if (node?.type === 'send_email' && input.outcome === 'completed') {
        record.emails.push({ day: Math.floor((Date.parse(input.at) - startMs) / DAY_MS), template: node.template });
      }
      if (ENDED.has(input.status)) record.outcomes.set(input.contactId, input.status);
    },
    async setJourneyStatus() {},
    async loadContactFacts(input: { contactId: string; request: FactsRequest; since: string }): Promise<ContactFacts> {
      const contact = contacts.get(input.contactId);
      const at = nowMs();
      const traits: Record<string, unknown> = {};
      for (const name of input.request.traits) if (contact?.traits[name] !== undefined) traits[name] = contact.traits[name];
      const eventsSeen: Record<string, boolean> = {};
      for (const type of input.request.eventTypes) eventsSeen[type] = contact?.events.some((event) => event.type === type && event.atMs <= at) ?? false;
      return { traits, stage: 'lead', engagement: 10, fitPoints: 10, fitGrade: 'B', eventsSeen };
    },
    async sendEmail(input) {
      return { status: 'sent', emailId: input.cause };
    },
    async setContactStage() {
      return { changed: true };
    },
    async setContactTrait() {
      return { outcome: 'applied' as const };
    },
    async issueCoupon(input) {
      coupons += 1;
      return { code: `SIM-${coupons.toString().padStart(6, '0')}`, expiresAt: new Date(Date.parse(input.at) + input.validityDays * DAY_MS).toISOString() };
    },
    async requestHandoff() {},
    async callWebhook() {
      return { status: 204 };
    },
  };
}


/** Resolves once `snapshot` has not changed for half a second (at most ten seconds). */
async function settled(snapshot: () => string): Promise<void> {
  let last = snapshot();
  let stableSince = Date.now();
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && Date.now() - stableSince < 500; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const current = snapshot();
    if (current !== last) {
      last = current;
      stableSince = Date.now();
    }
  }
}

/** Runs `work` over items with at most `concurrency` in flight. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

export interface SimulationRuntime {
  /** A time-skipping environment of the caller's (tests); otherwise one is started and torn down. */
  env?: TestWorkflowEnvironment;
  bundle?: WorkflowBundle;
  progress?: (line: string) => void;
}

export async function simulate(args: Arguments, runtime: SimulationRuntime = {}): Promise<SimulationSummary> {
  const definition = await loadDefinition(args.journey);
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
    const startMs = await env.currentTimeMs();
    const contacts = syntheticContacts(definition, args, startMs);
    const byId = new Map(contacts.map((contact) => [contact.contactId, contact]));
    const record: SimulationRecord = { paths: new Map(), outcomes: new Map(), emails: [] };
    // One queue per run: a caller's environment may host several simulations one after the other.
    const taskQueue = `relance-simulation-${definition.id}-${args.seed}-${startMs}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: recordingActivities(byId, definition, record, startMs),
      maxConcurrentActivityTaskExecutions: 200,
      maxConcurrentWorkflowTaskExecutions: 100,
    });
    const workflowId = (contact: SyntheticContact) => `simulation:${definition.id}:${contact.contactId}`;
    const paths = eventPathsRead(definition);
    const actions = contacts
      .flatMap((contact) => [{ atMs: contact.entry.atMs, contact, event: undefined }, ...contact.events.map((event) => ({ atMs: event.atMs, contact, event }))])
      .sort((a, b) => a.atMs - b.atMs);

    await worker.runUntil(async () => {
      const stepMs = args.stepHours * 3_600_000;
      const endMs = startMs + args.days * DAY_MS;
      let next = 0;
      for (let t = startMs; t < endMs; t += stepMs) {
        const due: typeof actions = [];
        while (next < actions.length && (actions[next] as (typeof actions)[number]).atMs < t + stepMs) due.push(actions[next++] as (typeof actions)[number]);
        await inParallel(due, 50, async ({ contact, event }) => {
          if (event === undefined) {
            const input: JourneyWorkflowInput = {
              journeyId: definition.id,
              version: 1,
              definition,
              contactId: contact.contactId,
              ...(contact.entryKey === undefined ? {} : { entryKey: contact.entryKey }),
              entryEvent: { eventId: contact.entry.eventId, type: contact.entry.type, properties: propertiesFor(paths, contact.entry) },
            };
            await env.client.workflow.start('journeyWorkflow', { taskQueue, workflowId: workflowId(contact), args: [input] });
            return;
          }
          try {
            await env.client.workflow.getHandle(workflowId(contact)).signal(journeyEventSignal, {
              eventId: event.eventId,
              type: event.type,
              occurredAt: new Date(event.atMs).toISOString(),
              properties: propertiesFor(paths, event),
              ...(contact.entryKey === undefined ? {} : { entryKey: contact.entryKey }),
            });
          } catch (error) {
            // The run already ended: the event changes nothing, as in production.
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
        });
        await env.sleep(stepMs);
        const day = Math.floor((t + stepMs - startMs) / DAY_MS);
        output.progress(`\r${progressBar((t + stepMs - startMs) / (endMs - startMs))} day ${Math.min(day, args.days)}/${args.days}  ended ${record.outcomes.size}/${contacts.length}  e-mails ${record.emails.length}`);
      }
      output.progress('\n');
      // The last sleep fired timers whose workflow tasks and activities may still be running: let them
      // finish (simulated time stands still meanwhile) before the record is read.
      await settled(() => `${record.emails.length}/${record.outcomes.size}/${[...record.paths.values()].reduce((sum, path) => sum + path.length, 0)}`);
    });
    return summarize(record, contacts.length, args.days);
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

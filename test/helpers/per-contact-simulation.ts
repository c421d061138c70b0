// The dry run as it was before cohorts: one journeyWorkflow per synthetic contact, with in-process
// recording activities, events signalled at each step while the test server sleeps step by step.
// Kept only so test/workflows/simulate.test.ts can show the cohort simulation (the one in the product,
// scripts/simulate.ts) gives the same numbers as the journeys themselves would.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../activities/index.js';
import type { RecordJourneyVisitInput } from '../../activities/journey.activities.js';
import type { JourneyDefinition } from '../../domain/journeys/definition.js';
import type { FactsRequest } from '../../domain/journeys/evaluate.js';
import { eventPathsRead, propertiesFor } from '../../domain/journeys/event-routing.js';
import {
  summarize,
  syntheticContacts,
  syntheticFacts,
  type SimulationOptions,
  type SimulationRecord,
  type SimulationSummary,
  type SyntheticContact,
} from '../../domain/journeys/simulation.js';
import { journeyEventSignal, type JourneyWorkflowInput } from '../../workflows/journey.contract.js';

const DAY_MS = 86_400_000;
const ENDED = new Set(['completed', 'exited_goal', 'exited', 'exited_timeout', 'stopped']);

function recordingActivities(contacts: ReadonlyMap<string, SyntheticContact>, definition: JourneyDefinition, record: SimulationRecord, startMs: number): Partial<Activities> {
  let coupons = 0;
  return {
    async recordJourneyVisit(input: RecordJourneyVisitInput) {
      if (input.outcome === 'entered') {
        const path = record.paths.get(input.contactId) ?? [];
        path.push(input.nodeId);
        record.paths.set(input.contactId, path);
      }
      const node = definition.nodes[input.nodeId];
      if (node?.type === 'send_email' && input.outcome === 'completed') record.emails.push({ day: Math.floor((Date.parse(input.at) - startMs) / DAY_MS), template: node.template });
      if (ENDED.has(input.status)) record.outcomes.set(input.contactId, input.status);
    },
    async setJourneyStatus() {},
    async loadContactFacts(input: { contactId: string; request: FactsRequest; since: string }) {
      return syntheticFacts(contacts.get(input.contactId), input.request, Context.current().info.currentAttemptScheduledTimestampMs);
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
      return { code: `SIM-${coupons.toString().padStart(6, '0')}`, expiresAt: new Date(Date.parse(input.at) + (input.validityDays ?? 0) * DAY_MS).toISOString() };
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

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

export async function simulatePerContact(
  definition: JourneyDefinition,
  options: SimulationOptions & { stepHours: number },
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundle,
): Promise<{ startMs: number; summary: SimulationSummary }> {
  const startMs = await env.currentTimeMs();
  const contacts = syntheticContacts(definition, options, startMs);
  const byId = new Map(contacts.map((contact) => [contact.contactId, contact]));
  const record: SimulationRecord = { paths: new Map(), outcomes: new Map(), emails: [] };
  const taskQueue = `per-contact-simulation-${definition.id}-${options.seed}-${startMs}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: recordingActivities(byId, definition, record, startMs),
    maxConcurrentActivityTaskExecutions: 200,
    maxConcurrentWorkflowTaskExecutions: 100,
  });
  const workflowId = (contact: SyntheticContact) => `${taskQueue}:${contact.contactId}`;
  const paths = eventPathsRead(definition);
  const actions = contacts
    .flatMap((contact) => [{ atMs: contact.entry.atMs, contact, event: undefined }, ...contact.events.map((event) => ({ atMs: event.atMs, contact, event }))])
    .sort((a, b) => a.atMs - b.atMs);

  await worker.runUntil(async () => {
    const stepMs = options.stepHours * 3_600_000;
    const endMs = startMs + options.days * DAY_MS;
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
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      });
      await env.sleep(stepMs);
    }
    await settled(() => `${record.emails.length}/${record.outcomes.size}/${[...record.paths.values()].reduce((sum, path) => sum + path.length, 0)}`);
    // Runs still waiting would hold timers in the shared environment after their worker is gone.
    const unfinished = contacts.filter((contact) => !record.outcomes.has(contact.contactId));
    await inParallel(unfinished, 20, async (contact) => {
      await env.client.workflow.getHandle(workflowId(contact)).terminate('dry run over');
    });
  });
  return { startMs, summary: summarize(record, contacts.length, options.days) };
}

import { ApplicationFailure, setHandler, sleep } from '@temporalio/workflow';
import { eventPathsRead, propertiesFor } from '../domain/journeys/event-routing.js';
import { syntheticContacts, syntheticFacts, tallyRecord, type SimulationRecord, type SyntheticContact, type SyntheticEvent } from '../domain/journeys/simulation.js';
import { createJourneyRun, type JourneyEffects, type JourneyRun } from './journey-interpreter.js';
import type { JourneyEventPayload, JourneyWorkflowInput } from './journey.contract.js';
import {
  journeyCohortSimulationProgressQuery,
  type JourneyCohortSimulationInput,
  type JourneyCohortSimulationResult,
} from './journey-simulation.contract.js';

const DAY_MS = 86_400_000;
/** Journey time a cohort runs ahead of its workflow's clock before it sleeps on a Temporal timer. */
const SYNC_MS = 6 * 3_600_000;
const ENDED = new Set(['completed', 'exited_goal', 'exited', 'exited_timeout', 'stopped']);

/** A run blocked until `ready()` holds or, if it has one, its deadline passes. */
interface Waiter {
  ready: () => boolean;
  deadlineMs: number | undefined;
  resolve: (arrived: boolean) => void;
}

interface SimulatedContact {
  synthetic: SyntheticContact;
  run: JourneyRun;
  /** Its events not yet delivered, in time order. */
  pending: SyntheticEvent[];
  waiter?: Waiter;
  done: boolean;
}

/**
 * The dry run of a journey for a cohort of synthetic contacts: each contact runs the same
 * interpreter as `journeyWorkflow`, with effects that only record (nothing is sent, nothing written)
 * and the cohort's clock. One scheduler loop steps that clock from moment to moment (an entry, the
 * step an event falls in, a wait's deadline) and wakes the contacts due, letting each go as far as
 * it can; every few hours of journey time it sleeps on a Temporal timer, which the time-skipping
 * server skips, so a cohort of thousands costs a hundred or so workflow tasks instead of dozens per
 * contact, and its history holds only timers.
 *
 * At each moment: waits whose deadline has come time out first, then contacts enter, then events
 * of that step arrive, one per contact at a time, each run going as far as it can before the next.
 * That is the order one journeyWorkflow per contact sees (test/workflows/simulate.test.ts compares them)
 * where its order is certain; where a deadline falls on a step, one workflow per contact races its
 * timer against the step's signals, and here the deadline, earlier in journey time, always wins.
 */
export async function journeyCohortSimulationWorkflow(input: JourneyCohortSimulationInput): Promise<JourneyCohortSimulationResult> {
  const { definition, options, startMs, stepMs } = input;
  const endMs = startMs + options.days * DAY_MS;
  const stepOf = (atMs: number) => startMs + Math.floor((atMs - startMs) / stepMs) * stepMs;
  const paths = eventPathsRead(definition);
  const record: SimulationRecord = { paths: new Map(), outcomes: new Map(), emails: [] };
  let now = startMs;
  let syncedMs = startMs;

  // Runs that can still make progress before every contact is blocked again.
  let running = 0;
  let idle: (() => void) | undefined;
  let failure: unknown;
  const blocked = () => {
    running -= 1;
    if (running === 0) idle?.();
  };
  const settled = async () => {
    if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
    idle = undefined;
    if (failure !== undefined) throw failure instanceof ApplicationFailure ? failure : ApplicationFailure.nonRetryable(String(failure), 'SimulationFailed');
  };
  const wake = (contact: SimulatedContact, arrived: boolean) => {
    const waiter = contact.waiter as Waiter;
    contact.waiter = undefined;
    running += 1;
    waiter.resolve(arrived);
  };

  // Effects answer at once with promises made once per cohort: every promise a workflow creates costs
  // a captured stack trace, and a cohort makes hundreds of thousands of these calls.
  const resolved = Promise.resolve();
  const applied = Promise.resolve({ outcome: 'applied' as const });
  const sent = Promise.resolve({ status: 'sent' as const, emailId: 'simulation' });
  const webhookCompleted = Promise.resolve('completed' as const);
  const arrivedAlready = Promise.resolve(true);
  const timedOutAlready = Promise.resolve(false);

  function effectsFor(contact: SyntheticContact, index: number): JourneyEffects {
    return {
      recordVisit: ({ nodeId, outcome, at, status }) => {
        if (outcome === 'entered') {
          const path = record.paths.get(contact.contactId) ?? [];
          path.push(nodeId);
          record.paths.set(contact.contactId, path);
        }
        const node = definition.nodes[nodeId];
        if (node?.type === 'send_email' && outcome === 'completed') record.emails.push({ day: Math.floor((Date.parse(at) - startMs) / DAY_MS), template: node.template });
        if (ENDED.has(status)) record.outcomes.set(contact.contactId, status);
        return resolved;
      },
      sendEmail: () => sent,
      loadFacts: (request) => Promise.resolve(syntheticFacts(contact, request, now)),
      setStage: () => applied,
      setTrait: () => applied,
      issueCoupon: ({ visit, node, at }) =>
        Promise.resolve({
          code: `SIM-${index.toString().padStart(6, '0')}-${visit}`,
          // A campaign's validity is not in the definition; a dry run only needs a date.
          expiresAt: new Date(Date.parse(at) + (node.validityDays ?? 0) * DAY_MS).toISOString(),
        }),
      handOff: () => resolved,
      callWebhook: () => webhookCompleted,
    };
  }

  function enter(synthetic: SyntheticContact, index: number): SimulatedContact {
    const journeyInput: JourneyWorkflowInput = {
      journeyId: definition.id,
      version: 1,
      definition,
      contactId: synthetic.contactId,
      ...(synthetic.entryKey === undefined ? {} : { entryKey: synthetic.entryKey }),
      entryEvent: { eventId: synthetic.entry.eventId, type: synthetic.entry.type, properties: propertiesFor(paths, synthetic.entry) },
    };
    const block = (ready: () => boolean, deadlineMs: number | undefined) =>
      new Promise<boolean>((resolve) => {
        contact.waiter = { ready, deadlineMs, resolve };
        blocked();
      });
    const run = createJourneyRun(journeyInput, {
      now: () => now,
      waitFor: (ready) => (ready() ? resolved : block(ready, undefined).then(() => undefined)),
      waitUntil: (ready, deadlineMs) => (ready() ? arrivedAlready : deadlineMs <= now ? timedOutAlready : block(ready, deadlineMs)),
      shouldContinueAsNew: () => false,
      continueAsNew: async () => {
        throw ApplicationFailure.nonRetryable('a dry run never continues as new', 'SimulationFailed');
      },
      finished: () => resolved,
      effects: effectsFor(synthetic, index),
    });
    const contact: SimulatedContact = { synthetic, run, pending: [...synthetic.events], done: false };
    running += 1;
    run.run().then(
      () => {
        contact.done = true;
        blocked();
      },
      (error: unknown) => {
        failure ??= error;
        contact.done = true;
        blocked();
      },
    );
    return contact;
  }

  const payload = (contact: SyntheticContact, event: SyntheticEvent): JourneyEventPayload => ({
    eventId: event.eventId,
    type: event.type,
    occurredAt: new Date(event.atMs).toISOString(),
    properties: propertiesFor(paths, event),
    ...(contact.entryKey === undefined ? {} : { entryKey: contact.entryKey }),
  });

  const population = syntheticContacts(definition, options, startMs, input.first, input.count)
    .map((synthetic, offset) => ({ synthetic, index: input.first + offset }))
    .sort((a, b) => a.synthetic.entry.atMs - b.synthetic.entry.atMs || a.index - b.index);
  let active: SimulatedContact[] = [];
  let entered = 0;

  setHandler(journeyCohortSimulationProgressQuery, () => ({ atMs: now, ended: record.outcomes.size, emails: record.emails.length }));

  for (;;) {
    for (const contact of active) if (contact.waiter?.deadlineMs !== undefined && contact.waiter.deadlineMs <= now) wake(contact, false);
    await settled();

    for (let next = population[entered]; next !== undefined && stepOf(next.synthetic.entry.atMs) <= now; next = population[++entered]) {
      active.push(enter(next.synthetic, next.index));
    }
    await settled();

    for (let delivered = true; delivered; ) {
      delivered = false;
      for (const contact of active) {
        const event = contact.pending[0];
        if (contact.done || event === undefined || stepOf(event.atMs) > now) continue;
        contact.pending.shift();
        delivered = true;
        contact.run.deliver(payload(contact.synthetic, event));
        if (contact.waiter?.ready() === true) wake(contact, true);
      }
      await settled();
    }

    active = active.filter((contact) => !contact.done);
    let nextMs = Infinity;
    const entering = population[entered];
    if (entering !== undefined) nextMs = stepOf(entering.synthetic.entry.atMs);
    for (const contact of active) {
      const event = contact.pending[0];
      if (event !== undefined) nextMs = Math.min(nextMs, stepOf(event.atMs));
      if (contact.waiter?.deadlineMs !== undefined) nextMs = Math.min(nextMs, contact.waiter.deadlineMs);
    }
    if (nextMs > endMs) break;
    // A Temporal timer per moment would cost a workflow task each (hundreds per cohort); the moments
    // of a few hours run in one task, and the workflow's own clock catches up with the cohort's.
    if (nextMs >= syncedMs + SYNC_MS) {
      await sleep(nextMs - syncedMs);
      syncedMs = nextMs;
    }
    now = nextMs;
  }
  return { contacts: population.length, tally: tallyRecord(record) };
}

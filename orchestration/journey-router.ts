import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import { canonicalContactIds } from '../db/contact.repository.js';
import type { JourneyRouting, JourneyStore, RoutableVersion } from '../db/journey.repository.js';
import { versionKey } from '../db/journey.repository.js';
import {
  entriesByCause,
  eventsForRouting,
  inFlightRunIds,
  inFlightRunsOfContacts,
  lockJourneyEntries,
  pairKey,
  previousRunsOfPairs,
  type InFlightRun,
  type RoutedEvent,
} from '../db/journey-routing.queries.js';
import type { OrchestrationIntent } from '../db/outbox.repository.js';
import type { PreviousRun } from '../domain/journeys/event-routing.js';
import { entryKeyOf, eventMatches, type MatchableEvent } from '../domain/journeys/evaluate.js';
import { acceptsAnyEntryKey, eventPathsRead, propertiesFor, reEntryDecision, runListensTo } from '../domain/journeys/event-routing.js';
import type { JourneyCohortInput, JourneyCohortMember } from '../workflows/journey-cohort.contract.js';
import type { journeyCohortWorkflow } from '../workflows/journey-cohort.workflow.js';
import type { JourneyEventPayload, JourneyWorkflowInput } from '../workflows/journey.contract.js';
import { cohortMemberRunId, journeyWorkflowId, WELCOME_TEMPLATE } from '../workflows/ids.js';
import { tellJourneyRun } from './journey-signals.js';
import { journeyEntries } from '../telemetry/metrics.js';

const STAGE_CHANGED = 'stage_changed';

export interface JourneyEntryOutcome {
  journeyId: string;
  entered: boolean;
  workflowId?: string;
  reason?: string;
}

type RunEvent = MatchableEvent & { id: string; occurredAt: string };

/** One journey whose entry matches the intent: admitted (or refused) for the contact under `cause`. */
interface Admission {
  routable: RoutableVersion;
  contactId: string;
  cause: string;
  entryKey: string | undefined;
  entryEvent: JourneyWorkflowInput['entryEvent'];
}

/** What routing one intent takes, worked out for the whole sweep before any lock is taken. */
interface IntentPlan {
  contactId: string;
  /** Told to the contact's runs first; absent when no run can hear it. */
  signal: RunEvent | undefined;
  admissions: Admission[];
  refused: JourneyEntryOutcome[];
}

/**
 * Routing for one claim of outbox intents, in the transaction that claimed them. Everything the
 * intents need is read in a few set-based queries after the entry locks of every (journey, contact)
 * they may admit are taken; decisions then update that state as each intent is routed, and the
 * entries and runs are written together at the end, before the locks go with the commit.
 */
export interface JourneySweep {
  /** The person an intent is about, merges followed: intents of one person must be routed one after the other. */
  contactOf(intent: OrchestrationIntent): string;
  /** A stored event some journey listens for: tell the contact's runs, then admit it where the entry matches. */
  routeEvent(intent: { eventId: number }): Promise<JourneyEntryOutcome[]>;
  /** A lifecycle stage change: runs that hear `stage_changed` are told, then "stage entered" journeys admit. */
  routeStageChange(intent: { transitionId: number }): Promise<JourneyEntryOutcome[]>;
  /** A calendar tick of a scheduled journey: the contact is admitted under the tick, as any entry is. */
  routeScheduledEntry(intent: ScheduledEntryIntent): Promise<JourneyEntryOutcome[]>;
  /**
   * Whether an active journey that sends the welcome e-mail itself (the nurture template does)
   * admits this stored sign-up: then that journey welcomes the contact, not the built-in workflow.
   */
  welcomesSignUp(eventId: number): boolean;
  /** Writes the entries and runs admitted in this sweep; once, after every intent was routed. */
  record(): Promise<void>;
}

type ScheduledEntryIntent = Extract<OrchestrationIntent, { kind: 'scheduled_entry' }>;

const stageMessageId = (transitionId: number) => `stage-transition:${transitionId}`;
const scheduledKey = (intent: ScheduledEntryIntent) => `${intent.journeyId}\n${intent.contactId}\n${intent.tick}`;
/** The entry event a scheduled run starts with, as the dry run names it. */
const SCHEDULE_TICK = 'schedule_tick';
const causeKey = (journeyId: string, cause: string) => `${journeyId}\n${cause}`;

/**
 * Admissions to one journey version in one sweep from which the contacts run as one cohort workflow
 * instead of one workflow each (a stage change for an imported list, a calendar tick): below it, a
 * workflow per contact is cheap enough and shows each run on its own in Temporal's UI.
 */
export const COHORT_MINIMUM = 10;

/** A cohort's workflow id follows from who entered it and why: a sweep handed over again starts none twice. */
function cohortWorkflowId(journeyId: string, version: number, members: readonly { workflowId: string; cause: string }[]): string {
  const hash = createHash('sha256');
  for (const { workflowId, cause } of [...members].sort((a, b) => (a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0))) hash.update(`${workflowId}\n${cause}\n`);
  return `journey-cohort:${journeyId}:v${version}:${hash.digest('hex').slice(0, 24)}`;
}

/** A member admitted in this sweep whose cohort starts when the sweep records its entries. */
interface PendingMember {
  member: JourneyCohortMember & { events: JourneyEventPayload[] };
  run: InFlightRun;
  cause: string;
  at: Date;
}

function planEvent(routing: JourneyRouting, contactId: string, row: RoutedEvent): IntentPlan {
  const event = { id: row.id, type: row.type, occurredAt: row.occurredAt.toISOString(), properties: row.properties };
  const plan: IntentPlan = { contactId, signal: event, admissions: [], refused: [] };
  for (const routable of routing.entries) {
    const entry = routable.definition.entry;
    if (entry.kind !== 'event' || !eventMatches(entry, event)) continue;
    const entryKey = entryKeyOf(routable.definition.entryKey, event);
    if (routable.definition.entryKey !== undefined && entryKey === undefined) {
      plan.refused.push({ journeyId: routable.journeyId, entered: false, reason: `the event has no ${routable.definition.entryKey}` });
      continue;
    }
    const entryEvent = { eventId: event.id, type: event.type, properties: propertiesFor(eventPathsRead(routable.definition), event) };
    plan.admissions.push({ routable, contactId, cause: `event:${event.id}`, entryKey, entryEvent });
  }
  return plan;
}

function planStageChange(routing: JourneyRouting, contactId: string, intent: { from: string; to: string; transitionId: number }, stored: RoutedEvent | undefined): IntentPlan {
  const properties = { from: intent.from, to: intent.to };
  const cause = stageMessageId(intent.transitionId);
  return {
    contactId,
    // Stored by recordStageChanges under this message id, in the transaction that wrote the intent.
    signal: stored === undefined || !routing.eventTypes.has(STAGE_CHANGED) ? undefined : { id: stored.id, type: STAGE_CHANGED, occurredAt: stored.occurredAt.toISOString(), properties },
    admissions: routing.entries
      .filter(({ definition: { entry } }) => entry.kind === 'stage_entered' && entry.stage === intent.to)
      .map((routable) => ({ routable, contactId, cause, entryKey: undefined, entryEvent: { eventId: cause, type: STAGE_CHANGED, properties } })),
    refused: [],
  };
}

function planScheduledEntry(routing: JourneyRouting, contactId: string, intent: ScheduledEntryIntent): IntentPlan {
  const routable = routing.entries.find(({ journeyId, definition }) => journeyId === intent.journeyId && definition.entry.kind === 'schedule');
  // Paused, archived or republished without a calendar between the tick and this sweep.
  if (routable === undefined) return { contactId, signal: undefined, admissions: [], refused: [{ journeyId: intent.journeyId, entered: false, reason: 'the journey does not enter on a calendar now' }] };
  // A tick enters many contacts, and an entry is kept once per (journey, cause): the cause names both.
  const cause = `schedule:${intent.tick}/${contactId}`;
  return { contactId, signal: undefined, admissions: [{ routable, contactId, cause, entryKey: undefined, entryEvent: { eventId: cause, type: SCHEDULE_TICK, properties: {} } }], refused: [] };
}

/**
 * Routes stored events into journeys: running runs of the contact hear the event by signal, then
 * active journeys whose entry matches admit the contact (re-entry policy and per-contact limit
 * checked against `journey_runs`) by starting the interpreter with the frozen active version.
 * Every step is idempotent, so the outbox may hand the same intent over twice.
 */
export function createJourneyRouter(deps: { temporal: Client; taskQueue: string; journeys: JourneyStore; now?: () => Date; cohortMinimum?: number }) {
  const now = deps.now ?? (() => new Date());
  const cohortMinimum = deps.cohortMinimum ?? COHORT_MINIMUM;

  async function begin(trx: Transaction<Database>, intents: readonly OrchestrationIntent[]): Promise<JourneySweep> {
    const routing = await deps.journeys.routing();
    const eventIds = intents.flatMap((intent) => (intent.kind === 'journey_event' ? [intent.eventId] : intent.kind === 'welcome' && intent.eventId !== undefined ? [intent.eventId] : []));
    const stageChanges = intents.flatMap((intent) => (intent.kind === 'stage_changed' ? [intent] : []));
    const stored = await eventsForRouting(trx, eventIds, routing.eventTypes.has(STAGE_CHANGED) ? stageChanges.map((intent) => stageMessageId(intent.transitionId)) : []);
    const events = new Map(stored.map((row) => [row.id, row]));
    const byMessageId = new Map(stored.map((row) => [row.messageId, row]));
    const canonical = await canonicalContactIds(trx, [...intents.map((intent) => intent.contactId), ...stored.map((row) => row.contactId)]);
    const personOf = (contactId: string) => canonical.get(contactId) ?? contactId;

    // An erased contact's events are gone: nothing to route for them.
    const eventPlans = new Map<number, IntentPlan>();
    const stagePlans = new Map<number, IntentPlan>();
    const scheduledPlans = new Map<string, IntentPlan>();
    for (const intent of intents) {
      if (intent.kind === 'journey_event') {
        const row = events.get(String(intent.eventId));
        if (row !== undefined) eventPlans.set(intent.eventId, planEvent(routing, personOf(row.contactId), row));
      } else if (intent.kind === 'stage_changed') {
        stagePlans.set(intent.transitionId, planStageChange(routing, personOf(intent.contactId), intent, byMessageId.get(stageMessageId(intent.transitionId))));
      } else if (intent.kind === 'scheduled_entry' && canonical.has(intent.contactId)) {
        // Absent from `canonical`: erased since the tick read the cohort.
        scheduledPlans.set(scheduledKey(intent), planScheduledEntry(routing, personOf(intent.contactId), intent));
      }
    }
    const plans = [...eventPlans.values(), ...stagePlans.values(), ...scheduledPlans.values()];
    const admissions = plans.flatMap((plan) => plan.admissions);
    const pairs = admissions.map(({ routable, contactId }) => ({ journeyId: routable.journeyId, contactId }));
    await lockJourneyEntries(trx, pairs);
    const inFlight = await inFlightRunsOfContacts(trx, plans.filter((plan) => plan.signal !== undefined).map((plan) => plan.contactId));
    const entered = await entriesByCause(trx, admissions.map(({ routable, cause }) => ({ journeyId: routable.journeyId, cause })));
    const previous = await previousRunsOfPairs(trx, pairs);
    const runIdOf = ({ routable, contactId, entryKey }: Admission) => journeyWorkflowId(routable.journeyId, contactId, entryKey);
    // A run alone is kept unique by its workflow id, a cohort's member by its row: both are asked.
    const running = await inFlightRunIds(trx, admissions.map(runIdOf));
    const admitted: { run: InFlightRun; runId: string; cause: string; at: Date }[] = [];
    // Versions this sweep may admit a crowd to: their contacts enter as cohorts, by version.
    const candidates = new Map<string, number>();
    for (const { routable } of admissions) candidates.set(versionKey(routable.journeyId, routable.version), (candidates.get(versionKey(routable.journeyId, routable.version)) ?? 0) + 1);
    const cohorts = new Map<string, { routable: RoutableVersion; members: PendingMember[] }>();
    const pendingMembers = new Map<string, PendingMember>();

    async function signalRuns(contactId: string, event: RunEvent): Promise<void> {
      for (const run of inFlight.get(contactId) ?? []) {
        const routable = routing.versions.get(versionKey(run.journeyId, run.version));
        if (routable === undefined || !runListensTo(routable.definition, event.type)) continue;
        const entryKey = entryKeyOf(routable.definition.entryKey, event);
        if (!acceptsAnyEntryKey(routable.definition, event.type) && (entryKey ?? null) !== run.entryKey) continue;
        const payload: JourneyEventPayload = {
          eventId: event.id,
          type: event.type,
          occurredAt: event.occurredAt,
          properties: propertiesFor(eventPathsRead(routable.definition), event),
          ...(entryKey === undefined ? {} : { entryKey }),
        };
        // Admitted earlier in this sweep into a cohort not started yet: the cohort starts with it.
        const pending = pendingMembers.get(run.workflowId);
        if (pending !== undefined) {
          pending.member.events.push(payload);
          continue;
        }
        try {
          await tellJourneyRun(deps.temporal, run, { kind: 'event', event: payload });
        } catch (error) {
          // The run ended after the sweep read it: nothing left to tell.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
    }

    /** Admits one contact into one journey version for one cause, at most once per cause, under the pair's entry lock. */
    async function admit({ routable, contactId, cause, entryKey, entryEvent }: Admission): Promise<JourneyEntryOutcome> {
      const { journeyId, version, definition } = routable;
      const already = entered.get(causeKey(journeyId, cause));
      if (already !== undefined) return { journeyId, entered: false, workflowId: already, reason: 'this cause already admitted the contact' };
      const at = now();
      const runs: PreviousRun[] = previous.get(pairKey({ journeyId, contactId })) ?? [];
      const decision = reEntryDecision(definition.reEntry, definition.maxConcurrentRunsPerContact, runs, at);
      if (!decision.enter) return { journeyId, entered: false, reason: decision.reason };

      const workflowId = journeyWorkflowId(journeyId, contactId, entryKey);
      if (running.has(workflowId)) return { journeyId, entered: false, workflowId, reason: 'a run with this workflow id is in flight' };
      const key = versionKey(journeyId, version);
      if ((candidates.get(key) ?? 0) >= cohortMinimum) {
        const run: InFlightRun = { workflowId, journeyId, version, contactId, entryKey: entryKey ?? null, currentNode: definition.start, cohortId: null };
        const member = { contactId, ...(entryKey === undefined ? {} : { entryKey }), ...(entryEvent === undefined ? {} : { entryEvent }), events: [] };
        const pending: PendingMember = { member, run, cause, at };
        const cohort = cohorts.get(key) ?? { routable, members: [] };
        cohort.members.push(pending);
        cohorts.set(key, cohort);
        pendingMembers.set(workflowId, pending);
        admittedLater(run, cause, at);
        return { journeyId, entered: true, workflowId };
      }
      const input: JourneyWorkflowInput = { journeyId, version, definition, contactId, ...(entryKey === undefined ? {} : { entryKey }), ...(entryEvent === undefined ? {} : { entryEvent }) };
      let runId: string;
      try {
        const handle = await deps.temporal.workflow.start('journeyWorkflow', { taskQueue: deps.taskQueue, workflowId, args: [input] });
        runId = handle.firstExecutionRunId;
      } catch (error) {
        // The same cart (or, without an entry key, the same contact) is still inside.
        if (error instanceof WorkflowExecutionAlreadyStartedError) return { journeyId, entered: false, workflowId, reason: 'a run with this workflow id is in flight' };
        throw error;
      }
      const run: InFlightRun = { workflowId, journeyId, version, contactId, entryKey: entryKey ?? null, currentNode: definition.start, cohortId: null };
      admittedLater(run, cause, at);
      admitted.push({ run, runId, cause, at });
      return { journeyId, entered: true, workflowId };
    }

    /** Later intents of this sweep see the run: its entry, its place against the policy, its signals. */
    function admittedLater(run: InFlightRun, cause: string, at: Date): void {
      const pair = { journeyId: run.journeyId, contactId: run.contactId };
      entered.set(causeKey(run.journeyId, cause), run.workflowId);
      const runs = previous.get(pairKey(pair)) ?? [];
      runs.push({ status: 'running', startedAt: at, endedAt: null });
      previous.set(pairKey(pair), runs);
      inFlight.get(run.contactId)?.push(run);
      running.add(run.workflowId);
    }

    /** Starts each crowd admitted in this sweep as one cohort workflow; its members' rows follow. */
    async function startCohorts(): Promise<void> {
      for (const { routable, members } of cohorts.values()) {
        const { journeyId, version, definition } = routable;
        const cohortId = cohortWorkflowId(journeyId, version, members.map(({ run, cause }) => ({ workflowId: run.workflowId, cause })));
        const input: JourneyCohortInput = {
          journeyId,
          version,
          definition,
          members: members.map(({ member: { events, ...member } }) => (events.length === 0 ? member : { ...member, events })),
        };
        let cohortRunId: string;
        try {
          // A cohort this very sweep started before (its transaction rolled back, the intents came again) is the one.
          const handle = await deps.temporal.workflow.start<typeof journeyCohortWorkflow>('journeyCohortWorkflow', {
            taskQueue: deps.taskQueue,
            workflowId: cohortId,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
          cohortRunId = handle.firstExecutionRunId;
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          cohortRunId = (await deps.temporal.workflow.getHandle(cohortId).describe()).runId;
        }
        members.forEach(({ run, cause, at }, index) => {
          run.cohortId = cohortId;
          admitted.push({ run, runId: cohortMemberRunId(cohortRunId, index), cause, at });
        });
      }
      cohorts.clear();
      pendingMembers.clear();
    }

    async function route(plan: IntentPlan | undefined): Promise<JourneyEntryOutcome[]> {
      if (plan === undefined) return [];
      // Runs first: an entry event must not reach the run it starts as if it came later.
      if (plan.signal !== undefined) await signalRuns(plan.contactId, plan.signal);
      const outcomes = [...plan.refused];
      for (const admission of plan.admissions) outcomes.push(await admit(admission));
      return outcomes;
    }

    return {
      contactOf: (intent) => personOf(intent.contactId),
      routeEvent: (intent) => route(eventPlans.get(intent.eventId)),
      routeStageChange: (intent) => route(stagePlans.get(intent.transitionId)),
      routeScheduledEntry: (intent) => route(scheduledPlans.get(scheduledKey(intent))),
      welcomesSignUp(eventId) {
        const row = events.get(String(eventId));
        if (row === undefined) return false;
        const event = { type: row.type, properties: row.properties };
        return routing.entries.some(({ definition }) => {
          const { entry } = definition;
          if (entry.kind !== 'event' || !Object.values(definition.nodes).some((node) => node.type === 'send_email' && node.template === WELCOME_TEMPLATE)) return false;
          if (!eventMatches(entry, event)) return false;
          return definition.entryKey === undefined || entryKeyOf(definition.entryKey, event) !== undefined;
        });
      },
      async record() {
        await startCohorts();
        if (admitted.length === 0) return;
        // The run's own first visit writes its row too; whichever comes second leaves the other's alone.
        await trx
          .insertInto('journey_runs')
          .values(
            admitted.map(({ run, runId, at }) => ({
              id: run.workflowId,
              run_id: runId,
              journey_id: run.journeyId,
              version: run.version,
              contact_id: run.contactId,
              entry_key: run.entryKey,
              status: 'running' as const,
              current_node: run.currentNode,
              started_at: at,
              updated_at: at,
              ended_at: null,
              cohort_id: run.cohortId,
            })),
          )
          .onConflict((oc) => oc.columns(['id', 'run_id']).doNothing())
          .execute();
        await trx
          .insertInto('journey_entries')
          .values(admitted.map(({ run, runId, cause, at }) => ({ journey_id: run.journeyId, cause, contact_id: run.contactId, version: run.version, workflow_id: run.workflowId, run_id: runId, entered_at: at })))
          .execute();
        for (const { run } of admitted) journeyEntries.inc({ journey: run.journeyId });
        admitted.length = 0;
      },
    };
  }

  return { begin };
}

export type JourneyRouter = ReturnType<typeof createJourneyRouter>;

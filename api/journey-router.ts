import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { canonicalContactIds } from '../db/ingestion.js';
import type { JourneyStore, RoutableVersion } from '../db/journey.repository.js';
import { versionKey } from '../db/journey.repository.js';
import { inFlightRunsOfContact, previousRuns } from '../db/journey-routing.queries.js';
import type { JourneyDefinition } from '../domain/journeys/definition.js';
import { entryKeyOf, eventMatches, type MatchableEvent } from '../domain/journeys/evaluate.js';
import { eventPathsRead, propertiesFor, reEntryDecision } from '../domain/journeys/event-routing.js';
import { journeyEventSignal, type JourneyEventPayload, type JourneyWorkflowInput } from '../workflows/journey.contract.js';
import { journeyWorkflowId, WELCOME_TEMPLATE } from '../workflows/ids.js';

const STAGE_CHANGED = 'stage_changed';

export interface JourneyEntryOutcome {
  journeyId: string;
  entered: boolean;
  workflowId?: string;
  reason?: string;
}

/** Whether some listener of this event type in the definition accepts an event of another entry key. */
function acceptsAnyKey(definition: JourneyDefinition, type: string): boolean {
  for (const exit of definition.exits) if (exit.event === type && exit.sameEntryKey !== true) return true;
  for (const node of Object.values(definition.nodes)) {
    if (node.type === 'wait_for_event' && node.event === type && node.sameEntryKey !== true) return true;
  }
  return false;
}

function listensTo(definition: JourneyDefinition, type: string): boolean {
  return definition.exits.some((exit) => exit.event === type) || Object.values(definition.nodes).some((node) => node.type === 'wait_for_event' && node.event === type);
}

/**
 * Routes stored events into journeys: running runs of the contact hear the event by signal, then
 * active journeys whose entry matches admit the contact (re-entry policy and per-contact limit
 * checked against `journey_runs`) by starting the interpreter with the frozen active version.
 * Every step is idempotent, so the outbox may hand the same intent over twice.
 */
export function createJourneyRouter(deps: { db: Db; temporal: Client; taskQueue: string; journeys: JourneyStore; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  async function signalRuns(contactId: string, event: MatchableEvent & { id: string; occurredAt: string }): Promise<number> {
    const routing = await deps.journeys.routing();
    const runs = await inFlightRunsOfContact(deps.db, contactId);
    let signalled = 0;
    for (const run of runs) {
      const routable = routing.versions.get(versionKey(run.journeyId, run.version));
      if (routable === undefined || !listensTo(routable.definition, event.type)) continue;
      const entryKey = entryKeyOf(routable.definition.entryKey, event);
      if (!acceptsAnyKey(routable.definition, event.type) && (entryKey ?? null) !== run.entryKey) continue;
      const payload: JourneyEventPayload = {
        eventId: event.id,
        type: event.type,
        occurredAt: event.occurredAt,
        properties: propertiesFor(eventPathsRead(routable.definition), event),
        ...(entryKey === undefined ? {} : { entryKey }),
      };
      try {
        await deps.temporal.workflow.getHandle(run.workflowId).signal(journeyEventSignal, payload);
        signalled += 1;
      } catch (error) {
        // The run ended between the query and the signal: nothing left to tell.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
    return signalled;
  }

  /**
   * Admits one contact into one journey version for one cause, at most once per cause. An advisory
   * lock per journey and contact makes two entries of the same person decide one after the other.
   */
  async function admit(
    routable: RoutableVersion,
    contactId: string,
    cause: string,
    entryKey: string | undefined,
    entryEvent: JourneyWorkflowInput['entryEvent'],
  ): Promise<JourneyEntryOutcome> {
    const { journeyId, version, definition } = routable;
    return deps.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`journey-entry:${journeyId}:${contactId}`}, 0))`.execute(trx);
      const already = await trx.selectFrom('journey_entries').select('workflow_id').where('journey_id', '=', journeyId).where('cause', '=', cause).executeTakeFirst();
      if (already !== undefined) return { journeyId, entered: false, workflowId: already.workflow_id, reason: 'this cause already admitted the contact' };
      const at = now();
      const decision = reEntryDecision(definition.reEntry, definition.maxConcurrentRunsPerContact, await previousRuns(trx, journeyId, contactId), at);
      if (!decision.enter) return { journeyId, entered: false, reason: decision.reason };

      const workflowId = journeyWorkflowId(journeyId, contactId, entryKey);
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
      // The run's own first visit writes this row too; whichever comes second leaves the other's alone.
      await trx
        .insertInto('journey_runs')
        .values({ id: workflowId, run_id: runId, journey_id: journeyId, version, contact_id: contactId, entry_key: entryKey ?? null, status: 'running', current_node: definition.start, started_at: at, updated_at: at, ended_at: null })
        .onConflict((oc) => oc.columns(['id', 'run_id']).doNothing())
        .execute();
      await trx.insertInto('journey_entries').values({ journey_id: journeyId, cause, contact_id: contactId, version, workflow_id: workflowId, run_id: runId, entered_at: at }).execute();
      return { journeyId, entered: true, workflowId };
    });
  }

  /** A stored event some journey listens for: tell the contact's runs, then admit it where the entry matches. */
  async function routeEvent(intent: { eventId: number; contactId: string }): Promise<JourneyEntryOutcome[]> {
    const row = await deps.db
      .selectFrom('events')
      .select(['id', 'type', 'occurred_at', 'properties', 'contact_id'])
      .where('id', '=', String(intent.eventId))
      .executeTakeFirst();
    // An erased contact's events are gone: nothing to route.
    if (row === undefined) return [];
    const contactId = (await canonicalContactIds(deps.db, [row.contact_id])).get(row.contact_id) ?? row.contact_id;
    const event = { id: String(row.id), type: row.type, occurredAt: row.occurred_at.toISOString(), properties: row.properties };
    // Runs first: an entry event must not reach the run it starts as if it came later.
    await signalRuns(contactId, event);
    const outcomes: JourneyEntryOutcome[] = [];
    for (const routable of (await deps.journeys.routing()).entries) {
      const entry = routable.definition.entry;
      if (entry.kind !== 'event' || !eventMatches(entry, event)) continue;
      const entryKey = entryKeyOf(routable.definition.entryKey, event);
      if (routable.definition.entryKey !== undefined && entryKey === undefined) {
        outcomes.push({ journeyId: routable.journeyId, entered: false, reason: `the event has no ${routable.definition.entryKey}` });
        continue;
      }
      const entryEvent = { eventId: event.id, type: event.type, properties: propertiesFor(eventPathsRead(routable.definition), event) };
      outcomes.push(await admit(routable, contactId, `event:${event.id}`, entryKey, entryEvent));
    }
    return outcomes;
  }

  /**
   * Whether an active journey that sends the welcome e-mail itself (the nurture template does)
   * admits this stored sign-up: then that journey welcomes the contact, not the built-in workflow.
   */
  async function welcomesSignUp(eventId: number): Promise<boolean> {
    const { entries } = await deps.journeys.routing();
    const welcoming = entries.filter(({ definition }) => definition.entry.kind === 'event' && Object.values(definition.nodes).some((node) => node.type === 'send_email' && node.template === WELCOME_TEMPLATE));
    if (welcoming.length === 0) return false;
    const row = await deps.db.selectFrom('events').select(['type', 'properties']).where('id', '=', String(eventId)).executeTakeFirst();
    if (row === undefined) return false;
    const event = { type: row.type, properties: row.properties };
    return welcoming.some(({ definition }) => {
      const { entry } = definition;
      if (entry.kind !== 'event' || !eventMatches(entry, event)) return false;
      return definition.entryKey === undefined || entryKeyOf(definition.entryKey, event) !== undefined;
    });
  }

  /**
   * A lifecycle stage change: runs that wait for or exit on `stage_changed` (nurture ends when sales
   * accept the lead) hear it, then journeys whose entry is "stage entered X" admit the contact.
   */
  async function routeStageChange(intent: { contactId: string; from: string; to: string; transitionId: number }): Promise<JourneyEntryOutcome[]> {
    const outcomes: JourneyEntryOutcome[] = [];
    const routing = await deps.journeys.routing();
    const entries = routing.entries.filter((routable) => routable.definition.entry.kind === 'stage_entered' && routable.definition.entry.stage === intent.to);
    const heard = routing.eventTypes.has(STAGE_CHANGED);
    if (entries.length === 0 && !heard) return outcomes;
    const contactId = (await canonicalContactIds(deps.db, [intent.contactId])).get(intent.contactId) ?? intent.contactId;
    if (heard) {
      // Stored by recordStageChanges under this message id, in the transaction that wrote the intent.
      const row = await deps.db.selectFrom('events').select(['id', 'occurred_at']).where('message_id', '=', `stage-transition:${intent.transitionId}`).executeTakeFirst();
      if (row !== undefined) {
        await signalRuns(contactId, { id: String(row.id), type: STAGE_CHANGED, occurredAt: row.occurred_at.toISOString(), properties: { from: intent.from, to: intent.to } });
      }
    }
    const cause = `stage-transition:${intent.transitionId}`;
    for (const routable of entries) {
      outcomes.push(await admit(routable, contactId, cause, undefined, { eventId: cause, type: 'stage_changed', properties: { from: intent.from, to: intent.to } }));
    }
    return outcomes;
  }

  return { routeEvent, routeStageChange, welcomesSignUp };
}

export type JourneyRouter = ReturnType<typeof createJourneyRouter>;

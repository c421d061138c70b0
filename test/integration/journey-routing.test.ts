import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJourneyRouter } from '../../orchestration/journey-router.js';
import { createJourneyService } from '../../api/journeys.service.js';
import { createJourneyScheduler } from '../../orchestration/journey-schedules.js';
import { createTemporalOrchestrator, type Orchestrator } from '../../orchestration/orchestrator.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { JourneyStore } from '../../db/journey.repository.js';
import { dispatchPending, type OrchestrationIntent } from '../../db/outbox.repository.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { normalizeEvent } from '../../domain/events.js';
import { journeyWorkflowId } from '../../workflows/ids.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createDevServerEnvironment } from '../helpers/temporal.js';

// No worker polls this queue: started runs stay in flight, and their histories show what they were told.
const TASK_QUEUE = 'journey-routing-test';

/** A cart journey: one run per cart, ended by that cart's order. */
function cartJourney(id: string, changes: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    id,
    name: `Cart ${id}`,
    entry: { kind: 'event', event: `${id}_cart_updated` },
    entryKey: 'properties.cart_id',
    exits: [{ name: 'ordered', outcome: 'goal', event: `${id}_order_completed`, sameEntryKey: true }],
    start: 'hold',
    nodes: { hold: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' }, done: { type: 'exit' } },
    ...changes,
  };
}

describe('routing journey intents from the outbox', () => {
  let database: TestDatabase;
  let env: TestWorkflowEnvironment;
  let store: JourneyStore;
  let orchestrate: Orchestrator;
  let seq = 0;

  beforeAll(async () => {
    [database, env] = await Promise.all([createTestDatabase(), createDevServerEnvironment()]);
    store = new JourneyStore(database.db);
    orchestrate = createTemporalOrchestrator(env.client, TASK_QUEUE, createJourneyRouter({ temporal: env.client, taskQueue: TASK_QUEUE, journeys: store }));
  });
  afterAll(async () => {
    await env?.teardown();
    await database?.drop();
  });

  async function publish(definition: ReturnType<typeof cartJourney>): Promise<void> {
    const journeys = createJourneyService({ db: database.db, temporal: env.client, journeys: store, schedules: createJourneyScheduler({ db: database.db, temporal: env.client, taskQueue: TASK_QUEUE }) });
    await journeys.create({ definition });
    await journeys.publish(definition.id, {});
    store.forget();
  }

  /** Stores the events as one batch, as ingestion does, without dispatching; returns the outbox ids. */
  async function ingest(userId: string, events: { event: string; properties: Record<string, unknown> }[]): Promise<number[]> {
    const now = new Date();
    const normalized = events.map(({ event, properties }) => normalizeEvent({ type: 'track', event, userId, properties, messageId: `m-${(seq += 1)}` }, now));
    const { outboxIds } = await storeEvents(database.db, normalized, await new ScoringModelStore(database.db).active(), now, { journeyEventTypes: (await store.routing()).eventTypes });
    return outboxIds;
  }

  const runsOf = (journeyId: string) => database.db.selectFrom('journey_runs').select(['id', 'entry_key']).where('journey_id', '=', journeyId).orderBy('started_at').execute();
  const entriesOf = (journeyId: string) => database.db.selectFrom('journey_entries').select(['cause', 'workflow_id']).where('journey_id', '=', journeyId).execute();
  const intents = (ids: number[]) => database.db.selectFrom('orchestration_outbox').select(['id', 'dispatched_at', 'attempts', 'last_error']).where('id', 'in', ids).orderBy('id').execute();

  it('admits a person once under re-entry "never" when two dispatchers route intents of that person at the same time', async () => {
    await publish(cartJourney('never', { reEntry: { policy: 'never' }, maxConcurrentRunsPerContact: 5 }));
    /** One dispatcher's claim of one intent, routed in its own transaction (as another API process would). */
    const sweep = (id: number) =>
      database.db.transaction().execute(async (trx) => {
        const [row] = await trx.selectFrom('orchestration_outbox').select('payload').where('id', '=', id).forUpdate().execute();
        const intent = row!.payload as OrchestrationIntent;
        const claim = await orchestrate(trx, [intent]);
        await claim.dispatch(intent);
        await claim.finish();
        await trx.updateTable('orchestration_outbox').set({ dispatched_at: new Date() }).where('id', '=', id).execute();
      });
    for (const person of ['ana', 'ben', 'cid']) {
      // Two carts: two workflow ids, so only the entry lock and the policy keep the second one out.
      const [first, second] = await ingest(person, [
        { event: 'never_cart_updated', properties: { cart_id: `${person}-1` } },
        { event: 'never_cart_updated', properties: { cart_id: `${person}-2` } },
      ]);
      await Promise.all([sweep(first!), sweep(second!)]);
    }
    const runs = await runsOf('never');
    expect(runs).toHaveLength(3);
    expect(new Set(runs.map((run) => run.id.split(':key:')[0])).size).toBe(3);
    expect(await entriesOf('never')).toHaveLength(3);
  });

  it('routes a person\'s later intent only after the earlier one: a dispatcher that claims only the later one leaves it pending', async () => {
    await publish(cartJourney('later', { reEntry: { policy: 'never' }, maxConcurrentRunsPerContact: 5 }));
    const [first, second] = await ingest('dot', [
      { event: 'later_cart_updated', properties: { cart_id: 'd-1' } },
      { event: 'later_cart_updated', properties: { cart_id: 'd-2' } },
    ]);
    expect(await Promise.all([dispatchPending(database.db, orchestrate, { ids: [second!] }), dispatchPending(database.db, orchestrate, { ids: [first!] })])).toEqual([
      { dispatched: 0, failed: 0 },
      { dispatched: 1, failed: 0 },
    ]);
    expect(await dispatchPending(database.db, orchestrate)).toEqual({ dispatched: 1, failed: 0 });
    expect((await runsOf('later')).map((run) => run.entry_key)).toEqual(['d-1']);
  });

  it('keeps a person\'s intents in order within one sweep: the order reaches the run its cart started', async () => {
    await publish(cartJourney('order'));
    const ids = await ingest('dee', [
      { event: 'order_cart_updated', properties: { cart_id: 'd-1' } },
      { event: 'order_order_completed', properties: { cart_id: 'd-1' } },
    ]);
    expect(ids).toHaveLength(2);
    expect(await dispatchPending(database.db, orchestrate, { ids })).toEqual({ dispatched: 2, failed: 0 });

    const [run] = await runsOf('order');
    expect(run?.entry_key).toBe('d-1');
    const contactId = run!.id.split(':contact:')[1]!.split(':key:')[0]!;
    expect(run?.id).toBe(journeyWorkflowId('order', contactId, 'd-1'));
    const history = await env.client.workflow.getHandle(run!.id).fetchHistory();
    expect((history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes != null)).toHaveLength(1);
  });

  it('leaves a person\'s later intent pending while another dispatcher holds an earlier one, then routes both in order', async () => {
    await publish(cartJourney('held'));
    const [entry] = await ingest('gil', [{ event: 'held_cart_updated', properties: { cart_id: 'g-1' } }]);
    const [order] = await ingest('gil', [{ event: 'held_order_completed', properties: { cart_id: 'g-1' } }]);
    await database.db.transaction().execute(async (trx) => {
      // Another dispatcher has claimed the entry and not finished with it.
      await trx.selectFrom('orchestration_outbox').select('id').where('id', '=', entry!).forUpdate().execute();
      expect(await dispatchPending(database.db, orchestrate, { ids: [order!] })).toEqual({ dispatched: 0, failed: 0 });
      expect(await dispatchPending(database.db, orchestrate)).toEqual({ dispatched: 0, failed: 0 });
    });
    expect(await intents([order!])).toEqual([{ id: order, dispatched_at: null, attempts: 0, last_error: null }]);
    expect(await runsOf('held')).toEqual([]);

    expect(await dispatchPending(database.db, orchestrate)).toEqual({ dispatched: 2, failed: 0 });
    const [run] = await runsOf('held');
    const history = await env.client.workflow.getHandle(run!.id).fetchHistory();
    expect((history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes != null)).toHaveLength(1);
  });

  it('hands a replayed intent over without a second entry, and records each entry once per cause', async () => {
    await publish(cartJourney('replay', { reEntry: { policy: 'after_exit' }, maxConcurrentRunsPerContact: 5 }));
    const ids = await ingest('eve', [{ event: 'replay_cart_updated', properties: { cart_id: 'e-1' } }]);
    expect(await dispatchPending(database.db, orchestrate, { ids })).toEqual({ dispatched: 1, failed: 0 });
    // The run is over, so Temporal would take the same workflow id again: only the entry per cause stops it.
    const [run] = await runsOf('replay');
    await env.client.workflow.getHandle(run!.id).terminate('done with it');
    // As if the process died between the commit of the starts and marking the intent done.
    await database.db.updateTable('orchestration_outbox').set({ dispatched_at: null }).where('id', 'in', ids).execute();
    expect(await dispatchPending(database.db, orchestrate, { ids })).toEqual({ dispatched: 1, failed: 0 });
    expect(await entriesOf('replay')).toHaveLength(1);
    expect(await runsOf('replay')).toHaveLength(1);
  });

  it('leaves failed intents pending with their attempts and error, for the next sweep to route', async () => {
    await publish(cartJourney('failing', { maxConcurrentRunsPerContact: 5 }));
    const ids = await ingest('fay', [
      { event: 'failing_cart_updated', properties: { cart_id: 'f-1' } },
      { event: 'failing_cart_updated', properties: { cart_id: 'f-2' } },
    ]);
    // A process without a journey router cannot route journey intents: they must stay pending.
    const withoutRouter = createTemporalOrchestrator(env.client, TASK_QUEUE);
    expect(await dispatchPending(database.db, withoutRouter, { ids })).toEqual({ dispatched: 0, failed: 2 });
    expect(await intents(ids)).toEqual(ids.map((id) => ({ id, dispatched_at: null, attempts: 1, last_error: 'journey_event intent but no journey router in this process' })));

    expect(await dispatchPending(database.db, orchestrate, { ids })).toEqual({ dispatched: 2, failed: 0 });
    expect((await intents(ids)).map((row) => row.last_error)).toEqual([null, null]);
    expect((await runsOf('failing')).map((run) => run.entry_key)).toEqual(['f-1', 'f-2']);
  });
});

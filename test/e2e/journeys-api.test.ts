import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyStateQuery, type JourneyState } from '../../workflows/journey.contract.js';
import { journeyWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

/** A cart journey small enough for real time: a mail at once, then a day's delay a goal can cut short. */
function cartJourney(id: string, changes: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    id,
    name: `Cart ${id}`,
    entry: { kind: 'event', event: `${id}_cart_updated` },
    entryKey: 'properties.cart_id',
    exits: [{ name: 'ordered', outcome: 'goal', event: `${id}_order_completed`, sameEntryKey: true }],
    start: 'hello',
    nodes: {
      hello: { type: 'send_email', template: 'welcome', next: 'hold' },
      hold: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' },
      done: { type: 'exit' },
    },
    ...changes,
  };
}

describe('journeys over HTTP: definitions, versions, routing of events into runs', () => {
  let engine: RunningEngine;
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });
  let seq = 0;

  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  /** A known contact with an address; returns its id. */
  async function contact(name: string): Promise<string> {
    const response = await engine.post('/v1/identify', { type: 'identify', userId: name, messageId: `identify-${name}`, traits: { email: `${name}@example.com`, firstName: name } });
    expect(response.status).toBe(200);
    await routed();
    return response.body.contactId as string;
  }

  /**
   * Waits until every outbox intent has reached Temporal. The request dispatches its own intents, but
   * the sweeper may have claimed them first and still be routing them when the response arrives.
   */
  async function routed(): Promise<void> {
    let pending: { kind: string; last_error: string | null }[] = [];
    for (let attempt = 0; attempt < 200; attempt += 1) {
      pending = await engine.database.db.selectFrom('orchestration_outbox').select(['kind', 'last_error']).where('dispatched_at', 'is', null).execute();
      if (pending.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`outbox intents still pending: ${JSON.stringify(pending)}`);
  }

  async function track(userId: string, event: string, properties: Record<string, unknown>) {
    seq += 1;
    const response = await engine.post('/v1/track', { type: 'track', event, userId, messageId: `${userId}-${event}-${seq}`, properties });
    expect(response.status).toBe(200);
    await routed();
    return response.body;
  }

  async function publish(definition: ReturnType<typeof cartJourney>) {
    const created = await engine.post('/v1/journeys', { definition }, admin());
    expect(created.status).toBe(201);
    const published = await engine.post(`/v1/journeys/${definition.id}/publish`, {}, admin());
    expect(published.status).toBe(200);
    return published.body;
  }

  async function stateOf(workflowId: string, until: (state: JourneyState) => boolean): Promise<JourneyState> {
    const handle = engine.temporal.client.workflow.getHandle(workflowId);
    for (let attempt = 0; ; attempt += 1) {
      const state = await handle.query(journeyStateQuery);
      if (until(state) || attempt >= 200) return state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const runsOf = (journeyId: string) =>
    engine.database.db.selectFrom('journey_runs').select(['id', 'contact_id', 'version', 'status', 'entry_key']).where('journey_id', '=', journeyId).orderBy('started_at').execute();

  it('rejects an invalid definition with every node id and reason, and stores nothing', async () => {
    const broken = cartJourney('broken', {
      start: 'hello',
      nodes: {
        hello: { type: 'send_email', template: 'welcome', next: 'ghost' },
        spin_a: { type: 'branch', conditions: [{ when: [{ kind: 'stage', op: 'eq', value: 'lead' }], next: 'spin_b' }], default: 'spin_b' },
        spin_b: { type: 'set_trait', trait: 'spun', value: true, next: 'spin_a' },
        late: { type: 'delay', wait: { kind: 'duration', duration: 'soon' }, next: 'hello' },
      },
    });
    const response = await engine.post('/v1/journeys', { definition: broken }, admin());
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_journey');
    expect(response.body.issues).toEqual([{ nodeId: 'late', reason: expect.stringContaining('duration'), field: 'wait.duration', path: 'definition.nodes.late.wait.duration', message: expect.stringContaining('duration') }]);

    const graph = await engine.post('/v1/journeys', { definition: cartJourney('broken', { nodes: { ...cartJourney('x').nodes, hello: { type: 'send_email', template: 'welcome', next: 'ghost' }, spin_a: { type: 'set_trait', trait: 'a', value: 1, next: 'spin_b' }, spin_b: { type: 'set_trait', trait: 'b', value: 1, next: 'spin_a' } } }) }, admin());
    expect(graph.status).toBe(400);
    expect(graph.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'hello', reason: 'leads to "ghost", which does not exist' }),
        expect.objectContaining({ nodeId: 'hold', reason: expect.stringContaining('unreachable') }),
        expect.objectContaining({ nodeId: 'spin_a', reason: expect.stringContaining('loop without a wait') }),
      ]),
    );
    const stored = await engine.database.db.selectFrom('journeys').select('id').where('id', '=', 'broken').execute();
    expect(stored).toEqual([]);

    // An invalid edit of an existing draft changes nothing either.
    await engine.post('/v1/journeys', { definition: cartJourney('kept') }, admin());
    const edit = await engine.put('/v1/journeys/kept/draft', { definition: cartJourney('kept', { start: 'nowhere' }) });
    expect(edit.status).toBe(400);
    expect(edit.body.issues).toEqual([expect.objectContaining({ nodeId: 'nowhere', reason: 'start node "nowhere" does not exist' })]);
    const kept = await engine.get('/v1/journeys/kept');
    expect(kept.body.draft.start).toBe('hello');
  });

  it('refuses journeys to a write key (403) and to no key (401)', async () => {
    const write = { authorization: `Bearer ${engine.keys.write}` };
    expect((await engine.post('/v1/journeys', { definition: cartJourney('by-writer') }, write)).status).toBe(403);
    expect((await engine.get('/v1/journeys', write)).status).toBe(403);
    expect((await engine.post('/v1/journeys/kept/publish', {}, write)).status).toBe(403);
    expect((await engine.get('/v1/journeys', {})).status).toBe(401);
  });

  it('loads the built-in templates as drafts and copies one under a new id', async () => {
    const list = await engine.get('/v1/journeys');
    expect(list.body.journeys).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'abandoned-cart', status: 'draft', activeVersion: null })]));
    const copy = await engine.post('/v1/journeys', { fromTemplate: 'abandoned-cart', id: 'my-cart', name: 'My cart' }, admin());
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ id: 'my-cart', name: 'My cart', status: 'draft' });
    expect(copy.body.draft.entryKey).toBe('properties.cart_id');
    expect((await engine.post('/v1/journeys', { fromTemplate: 'abandoned-cart', id: 'my-cart' }, admin())).status).toBe(409);
    expect((await engine.post('/v1/journeys', { fromTemplate: 'no-such-template' }, admin())).status).toBe(404);

    // Archived: kept for the record, no longer edited or published.
    expect((await engine.post('/v1/journeys/my-cart/archive', {}, admin())).body).toEqual({ id: 'my-cart', status: 'archived', signalledRuns: 0 });
    expect((await engine.put('/v1/journeys/my-cart/draft', { definition: copy.body.draft })).status).toBe(409);
    expect((await engine.post('/v1/journeys/my-cart/publish', {}, admin())).status).toBe(409);
    expect((await engine.post('/v1/journeys/my-cart/resume', {}, admin())).status).toBe(409);
  });

  it('starts a published journey on an event, sends the first e-mail, and ends it at the goal', async () => {
    expect(await publish(cartJourney('cart'))).toMatchObject({ version: 1, previousVersion: null, movedRuns: 0 });
    const ada = await contact('ada');
    // No journey listens for this type: ingestion writes no journey intent for it at all.
    const ignored = await track('ada', 'cart_updated', { cart_id: 'c-1' });
    const ignoredEvent = await engine.database.db.selectFrom('events').select('id').where('message_id', '=', ignored.messageId).executeTakeFirstOrThrow();
    const journeyIntents = await engine.database.db.selectFrom('orchestration_outbox').select('payload').where('kind', '=', 'journey_event').execute();
    expect(journeyIntents.map((row) => (row.payload as { eventId: number }).eventId)).not.toContain(Number(ignoredEvent.id));
    await track('ada', 'cart_cart_updated', { cart_id: 'c-1', total: 42 });

    const [mail] = await engine.smtp.waitFor((message) => message.to.includes('ada@example.com'));
    expect(mail?.subject).toBe('Welcome, ada!');
    const workflowId = journeyWorkflowId('cart', ada, 'c-1');
    expect(await runsOf('cart')).toEqual([expect.objectContaining({ id: workflowId, contact_id: ada, version: 1, entry_key: 'c-1' })]);
    expect((await stateOf(workflowId, (state) => state.currentNodeId === 'hold')).currentNodeId).toBe('hold');

    // The order of another cart is not this run's goal; the order of this cart is.
    await track('ada', 'cart_order_completed', { cart_id: 'c-other' });
    expect((await stateOf(workflowId, () => true)).status).toBe('running');
    await track('ada', 'cart_order_completed', { cart_id: 'c-1' });
    const ended = await stateOf(workflowId, (state) => state.status === 'exited_goal');
    expect(ended.status).toBe('exited_goal');
    expect(await engine.temporal.client.workflow.getHandle(workflowId).result()).toMatchObject({ status: 'exited_goal' });

    const journey = await engine.get('/v1/journeys/cart');
    expect(journey.body).toMatchObject({ status: 'active', activeVersion: 1, versions: [expect.objectContaining({ version: 1, inFlightPolicy: 'finish_on_old' })] });
    expect(journey.body.analytics).toMatchObject({ entered: 1, inFlight: 0, exitedByGoal: 1, exitedByTimeout: 0 });
    expect(journey.body.analytics.nodes).toEqual(expect.arrayContaining([expect.objectContaining({ version: 1, nodeId: 'hello', now: 0 })]));
  });

  it('pauses every run of a journey and admits no one while paused; resume carries on', async () => {
    await publish(cartJourney('pausing', { maxConcurrentRunsPerContact: 3 }));
    const bob = await contact('bob');
    await track('bob', 'pausing_cart_updated', { cart_id: 'b-1' });
    const workflowId = journeyWorkflowId('pausing', bob, 'b-1');
    await stateOf(workflowId, (state) => state.currentNodeId === 'hold');

    const paused = await engine.post('/v1/journeys/pausing/pause', {}, admin());
    expect(paused.body).toEqual({ id: 'pausing', status: 'paused', signalledRuns: 1 });
    expect((await stateOf(workflowId, (state) => state.status === 'paused')).status).toBe('paused');
    await track('bob', 'pausing_cart_updated', { cart_id: 'b-2' });
    expect((await runsOf('pausing')).map((run) => run.entry_key)).toEqual(['b-1']);
    expect((await engine.post('/v1/journeys/pausing/pause', {}, admin())).status).toBe(409);

    const resumed = await engine.post('/v1/journeys/pausing/resume', {}, admin());
    expect(resumed.body).toEqual({ id: 'pausing', status: 'active', signalledRuns: 1 });
    expect((await stateOf(workflowId, (state) => state.status === 'running')).status).toBe('running');
    await track('bob', 'pausing_cart_updated', { cart_id: 'b-3' });
    expect((await runsOf('pausing')).map((run) => run.entry_key)).toEqual(['b-1', 'b-3']);

    const stopped = await engine.post(`/v1/journeys/pausing/contacts/${bob}/stop`, { reason: 'asked us to' }, admin());
    expect(stopped.body).toMatchObject({ stoppedRuns: 2 });
    expect((await stateOf(workflowId, (state) => state.status === 'stopped')).status).toBe('stopped');
  });

  it('admits a contact once under re-entry policy "never", and at most N carts at once', async () => {
    await publish(cartJourney('once', { entryKey: undefined, exits: [], reEntry: { policy: 'never' }, nodes: { hello: { type: 'send_email', template: 'welcome', next: 'done' }, done: { type: 'exit' } } }));
    const cleo = await contact('cleo');
    await track('cleo', 'once_cart_updated', {});
    const workflowId = journeyWorkflowId('once', cleo);
    await engine.temporal.client.workflow.getHandle(workflowId).result();
    await track('cleo', 'once_cart_updated', {});
    expect(await runsOf('once')).toEqual([expect.objectContaining({ id: workflowId, status: 'completed' })]);
    expect(engine.smtp.messages().filter((message) => message.to.includes('cleo@example.com'))).toHaveLength(1);

    await publish(cartJourney('limit', { maxConcurrentRunsPerContact: 2 }));
    await contact('dan');
    for (const cart of ['d-1', 'd-2', 'd-3']) await track('dan', 'limit_cart_updated', { cart_id: cart });
    expect((await runsOf('limit')).map((run) => run.entry_key)).toEqual(['d-1', 'd-2']);
  });

  it('starts journeys whose entry is a lifecycle stage, once per transition even when the intent is handed over again', async () => {
    await publish(cartJourney('leads', { entry: { kind: 'stage_entered', stage: 'lead' }, entryKey: undefined, exits: [], nodes: { hello: { type: 'send_email', template: 'welcome', next: 'done' }, done: { type: 'exit' } } }));
    const gus = await contact('gus');
    const workflowId = journeyWorkflowId('leads', gus);
    expect(await engine.temporal.client.workflow.getHandle(workflowId).result()).toMatchObject({ status: 'completed' });
    await engine.smtp.waitFor((message) => message.to.includes('gus@example.com'));

    // As if the process died between starting the run and marking the intent done: the sweeper hands it over again.
    const intent = await engine.database.db
      .selectFrom('orchestration_outbox')
      .select('id')
      .where('kind', '=', 'stage_changed')
      .where(sql<boolean>`payload->>'contactId' = ${gus}`)
      .executeTakeFirstOrThrow();
    await engine.database.db.updateTable('orchestration_outbox').set({ dispatched_at: null }).where('id', '=', intent.id).execute();
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const row = await engine.database.db.selectFrom('orchestration_outbox').select('dispatched_at').where('id', '=', intent.id).executeTakeFirstOrThrow();
      if (row.dispatched_at !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const again = await engine.database.db.selectFrom('orchestration_outbox').select(['dispatched_at', 'last_error']).where('id', '=', intent.id).executeTakeFirstOrThrow();
    expect(again).toMatchObject({ dispatched_at: expect.any(Date), last_error: null });
    expect(await runsOf('leads')).toEqual([expect.objectContaining({ id: workflowId, status: 'completed' })]);
    expect(engine.smtp.messages().filter((message) => message.to.includes('gus@example.com'))).toHaveLength(1);
  });

  it('tells running runs about stage changes: becoming a lead is this journey\'s goal', async () => {
    await publish(
      cartJourney('known', {
        entry: { kind: 'event', event: 'known_page' },
        entryKey: undefined,
        exits: [{ name: 'became a lead', outcome: 'goal', event: 'stage_changed', where: [{ path: 'properties.to', op: 'eq', value: 'lead' }] }],
        start: 'hold',
        nodes: { hold: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' }, done: { type: 'exit' } },
      }),
    );
    const visit = await engine.post('/v1/track', { type: 'track', event: 'known_page', anonymousId: 'anon-hal', messageId: 'hal-page' });
    await routed();
    const workflowId = journeyWorkflowId('known', visit.body.contactId);
    expect((await stateOf(workflowId, (state) => state.currentNodeId === 'hold')).status).toBe('running');
    await engine.post('/v1/identify', { type: 'identify', userId: 'hal', anonymousId: 'anon-hal', messageId: 'hal-identify', traits: { email: 'hal@example.com' } });
    await routed();
    expect((await stateOf(workflowId, (state) => state.status === 'exited_goal')).status).toBe('exited_goal');
  });

  it('publishes v2 for new entries while runs in flight finish on v1; move_to_new moves them at mapped nodes', async () => {
    await publish(cartJourney('versions'));
    const eve = await contact('eve');
    await track('eve', 'versions_cart_updated', { cart_id: 'e-1' });
    const eveRun = journeyWorkflowId('versions', eve, 'e-1');
    await stateOf(eveRun, (state) => state.currentNodeId === 'hold');

    const v2 = cartJourney('versions', { nodes: { hello: { type: 'send_email', template: 'welcome', next: 'hold' }, hold: { type: 'delay', wait: { kind: 'duration', duration: '2 days' }, next: 'done' }, done: { type: 'exit' } } });
    expect((await engine.put('/v1/journeys/versions/draft', { definition: v2 })).status).toBe(200);
    expect((await engine.post('/v1/journeys/versions/publish', {}, admin())).body).toMatchObject({ version: 2, previousVersion: 1, inFlightPolicy: 'finish_on_old', movedRuns: 0 });
    const fay = await contact('fay');
    await track('fay', 'versions_cart_updated', { cart_id: 'f-1' });
    const fayRun = journeyWorkflowId('versions', fay, 'f-1');
    expect((await stateOf(fayRun, (state) => state.currentNodeId === 'hold')).version).toBe(2);
    expect((await stateOf(eveRun, () => true)).version).toBe(1);

    const v3 = cartJourney('versions', { nodes: { hello: { type: 'send_email', template: 'welcome', next: 'wait_longer' }, wait_longer: { type: 'delay', wait: { kind: 'duration', duration: '3 days' }, next: 'done' }, done: { type: 'exit' } } });
    await engine.put('/v1/journeys/versions/draft', { definition: v3 });
    const preview = await engine.get('/v1/journeys/versions/preview-migration?nodeMap=hold:wait_longer');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      toVersion: 'draft',
      versions: [
        { version: 1, contacts: 1, nodes: [{ nodeId: 'hold', contacts: 1, movesTo: 'wait_longer' }] },
        { version: 2, contacts: 1, nodes: [{ nodeId: 'hold', contacts: 1, movesTo: 'wait_longer' }] },
      ],
      wouldMove: 2,
      wouldStay: 0,
    });
    const unmapped = await engine.get('/v1/journeys/versions/preview-migration');
    expect(unmapped.body).toMatchObject({ wouldMove: 0, wouldStay: 2 });

    const badMap = await engine.post('/v1/journeys/versions/publish', { inFlightPolicy: 'move_to_new', nodeMap: { hold: 'nowhere' } }, admin());
    expect(badMap.status).toBe(400);
    expect(badMap.body.issues).toEqual([{ nodeId: 'hold', reason: 'node map: the new version has no node "nowhere"', path: 'nodeMap.hold', message: 'node map: the new version has no node "nowhere"' }]);

    const moved = await engine.post('/v1/journeys/versions/publish', { inFlightPolicy: 'move_to_new', nodeMap: { hold: 'wait_longer' } }, admin());
    expect(moved.body).toMatchObject({ version: 3, previousVersion: 2, inFlightPolicy: 'move_to_new', movedRuns: 2 });
    for (const run of [eveRun, fayRun]) {
      const state = await stateOf(run, (candidate) => candidate.version === 3 && candidate.currentNodeId === 'wait_longer');
      expect(state).toMatchObject({ version: 3, currentNodeId: 'wait_longer', status: 'running' });
    }
  });
});

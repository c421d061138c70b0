import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCouponsForContact } from '../../db/coupon.repository.js';
import type { JourneyDefinitionInput } from '../../domain/journeys/definition.js';
import { nextLocalTime, pickSplitArm } from '../../domain/journeys/evaluate.js';
import { migrateJourneySignal, pauseJourneySignal, resumeJourneySignal, stopJourneySignal } from '../../workflows/journey.contract.js';
import { journey, pathOf, startJourneyHarness, WEBHOOK_SECRET, type JourneyHarness } from './journey-harness.js';

const base = { schemaVersion: 1 as const, entry: { kind: 'event' as const, event: 'form_submitted' } };
const define = (id: string, start: string, nodes: JourneyDefinitionInput['nodes'], extra: Partial<JourneyDefinitionInput> = {}) =>
  journey({ ...base, id, name: id, start, nodes, ...extra });

interface Hook {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('journey interpreter: node types', () => {
  let h: JourneyHarness;
  beforeAll(async () => {
    h = await startJourneyHarness('journey-nodes');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('sends an e-mail, waits two days in milliseconds, sends the next, and records the path', async () => {
    const definition = journey({
      schemaVersion: 1,
      id: 'two-mails',
      name: 'Two mails',
      entry: { kind: 'event', event: 'form_submitted' },
      start: 'hello',
      nodes: {
        hello: { type: 'send_email', template: 'welcome', next: 'pause' },
        pause: { type: 'delay', wait: { kind: 'duration', duration: '2 days' }, next: 'guide' },
        guide: { type: 'send_email', template: 'nurture-guide-1', next: 'done' },
        done: { type: 'exit' },
      },
    });
    const contactId = await h.contact('ada', { email: 'ada@example.com', firstName: 'Ada' });
    const handle = await h.start(definition, contactId);
    await h.smtp.waitFor((m) => m.to.includes('ada@example.com'));
    await h.until(handle, (s) => s.currentNodeId === 'pause', 'the delay');
    expect(h.mailsTo('ada@example.com').map((m) => m.subject)).toEqual(['Welcome, Ada!']);

    await h.env.sleep('1 day');
    expect(h.mailsTo('ada@example.com')).toHaveLength(1);
    await h.env.sleep('1 day');
    await h.smtp.waitFor((m) => m.to.includes('ada@example.com'), { count: 2 });
    expect(await h.result(handle)).toEqual({ status: 'completed', lastNodeId: 'done' });

    expect(h.mailsTo('ada@example.com').map((m) => m.subject)).toEqual(['Welcome, Ada!', 'Your first guide, Ada']);
    const state = await h.state(handle);
    expect(state).toMatchObject({ journeyId: 'two-mails', version: 1, status: 'completed', currentNodeId: 'done' });
    expect(state.path.map((step) => `${step.nodeId}:${step.outcome}`)).toEqual(pathOf(await h.visits(handle.workflowId)));
    expect(pathOf(await h.visits(handle.workflowId))).toEqual([
      'hello:entered', 'hello:completed', 'pause:entered', 'pause:completed', 'guide:entered', 'guide:completed', 'done:entered', 'done:completed',
    ]);
    expect(await h.run(handle.workflowId)).toMatchObject({ journey_id: 'two-mails', version: 1, contact_id: contactId, status: 'completed', current_node: 'done' });
    const pauseVisits = (await h.database.db.selectFrom('journey_node_visits').select(['outcome', 'at']).where('workflow_id', '=', handle.workflowId).where('node_id', '=', 'pause').orderBy('id').execute());
    expect(pauseVisits[1]!.at.getTime() - pauseVisits[0]!.at.getTime()).toBeGreaterThanOrEqual(2 * 86_400_000);
  });

  it('waits for an event: the event takes the next branch, silence takes the timeout branch', async () => {
    const definition = define('wait-click', 'wait', {
      wait: { type: 'wait_for_event', event: 'email_clicked', where: [{ path: 'properties.link', op: 'contains', value: 'pricing' }], timeout: '3 days', next: 'clicked', onTimeout: 'silent' },
      clicked: { type: 'send_email', template: 'nurture-guide-2', next: 'done' },
      silent: { type: 'exit' },
      done: { type: 'exit' },
    });
    const clicker = await h.contact('clicker', { email: 'clicker@example.com', firstName: 'Cleo', company: 'Acme' });
    const quiet = await h.contact('quiet', { email: 'quiet@example.com', firstName: 'Quinn' });
    const [a, b] = [await h.start(definition, clicker), await h.start(definition, quiet)];
    await h.until(a, (s) => s.currentNodeId === 'wait', 'the wait');
    await h.until(b, (s) => s.currentNodeId === 'wait', 'the wait');

    // A click on another link does not match the filter; a pricing click does.
    await h.signal(a, await h.track('clicker', 'email_clicked', { link: 'https://x.test/blog' }));
    await h.env.sleep('1 day');
    expect((await h.state(a)).currentNodeId).toBe('wait');
    await h.signal(a, await h.track('clicker', 'email_clicked', { link: 'https://x.test/pricing' }));
    expect(await h.result(a)).toEqual({ status: 'completed', lastNodeId: 'done' });
    expect(h.mailsTo('clicker@example.com').map((m) => m.subject)).toEqual(['Three ideas for Acme']);

    await h.env.sleep('2 days');
    expect(await h.result(b)).toEqual({ status: 'exited_timeout', lastNodeId: 'silent' });
    expect(pathOf(await h.visits(b.workflowId))).toEqual(['wait:entered', 'wait:timeout', 'silent:entered', 'silent:completed']);
    expect(h.mailsTo('quiet@example.com')).toEqual([]);
    expect((await h.run(b.workflowId)).status).toBe('exited_timeout');
  });

  it('branches on traits, score, stage and events seen since entry', async () => {
    const definition = define('branching', 'route', {
      route: {
        type: 'branch',
        conditions: [
          { when: [{ kind: 'trait', trait: 'plan', op: 'eq', value: 'enterprise' }], next: 'enterprise' },
          { when: [{ kind: 'stage', op: 'in', value: ['customer', 'loyal'] }], next: 'customer' },
          { when: [{ kind: 'event_seen', event: 'pricing_viewed', seen: true }, { kind: 'score', score: 'engagement', op: 'gte', value: 0 }], next: 'interested' },
        ],
        default: 'other',
      },
      enterprise: { type: 'exit' },
      customer: { type: 'exit' },
      interested: { type: 'exit' },
      other: { type: 'exit' },
    });
    const big = await h.contact('big', { email: 'big@example.com', plan: 'enterprise' });
    const looker = await h.contact('looker', { email: 'looker@example.com' });
    const nobody = await h.contact('nobody', { email: 'nobody@example.com' });
    // Seen before entry: does not count.
    await h.track('nobody', 'pricing_viewed');
    await h.env.sleep('1 minute');
    await h.track('looker', 'pricing_viewed');
    const handles = await Promise.all([big, looker, nobody].map((id) => h.start(definition, id)));
        const results = await Promise.all(handles.map((handle) => h.result(handle)));
    expect(results.map((r) => r.lastNodeId)).toEqual(['enterprise', 'other', 'other']);
    // Seen after entry: counts.
    const looking = await h.start({ ...definition, id: 'branching-2' }, looker);
    expect((await h.result(looking)).lastNodeId).toBe('other');
    const late = await h.contact('late', { email: 'late@example.com' });
    const seenRun = define('branching-4', 'hold', {
      hold: { type: 'delay', wait: { kind: 'duration', duration: '1 hour' }, next: 'route' },
      ...definition.nodes,
    });
    const seeing = await h.start(seenRun, late);
    await h.until(seeing, (s) => s.currentNodeId === 'hold', 'the hold');
    await h.track('late', 'pricing_viewed');
    await h.env.sleep('1 hour');
    expect((await h.result(seeing)).lastNodeId).toBe('interested');

    await h.database.db.updateTable('contacts').set({ stage: 'customer' }).where('id', '=', nobody).execute();
    expect((await h.result(await h.start({ ...definition, id: 'branching-5' }, nobody))).lastNodeId).toBe('customer');
  });

  it('splits contacts deterministically by weight', async () => {
    const definition = define('split', 'ab', {
      ab: { type: 'random_split', branches: [{ weight: 1, next: 'a' }, { weight: 1, next: 'b' }] },
      a: { type: 'exit' },
      b: { type: 'exit' },
    });
    const ids = await Promise.all(['s1', 's2', 's3', 's4'].map((name) => h.contact(name, { email: `${name}@example.com` })));
    for (const id of ids) {
      const result = await h.result(await h.start(definition, id));
      expect(result.lastNodeId).toBe(['a', 'b'][pickSplitArm(id, 'split', 'ab', [1, 1])]);
    }
  });

  it('sets a stage through the recorded transition, and a trait unless a sales rep owns it', async () => {
    const definition = define('setters', 'stage', {
      stage: { type: 'set_stage', stage: 'customer', next: 'paused' },
      paused: { type: 'set_trait', trait: 'marketing_paused', value: true, next: 'owner' },
      owner: { type: 'set_trait', trait: 'jobTitle', value: 'Buyer', next: 'done' },
      done: { type: 'exit' },
    });
    const contactId = await h.contact('setter', { email: 'setter@example.com' });
    await h.database.db
      .updateTable('contacts')
      .set({ traits: JSON.stringify({ email: { value: 'setter@example.com', source: 'form', updatedAt: '2026-01-01T00:00:00.000Z' }, jobTitle: { value: 'CTO', source: 'sales', updatedAt: '2026-01-01T00:00:00.000Z' } }) })
      .where('id', '=', contactId)
      .execute();
    await h.result(await h.start(definition, contactId));

    const contact = await h.database.db.selectFrom('contacts').select(['stage', 'traits']).where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(contact.stage).toBe('customer');
    expect(contact.traits.marketing_paused).toMatchObject({ value: true, source: 'journey' });
    expect(contact.traits.jobTitle).toMatchObject({ value: 'CTO', source: 'sales' });
    const transition = await h.database.db.selectFrom('stage_transitions').selectAll().where('contact_id', '=', contactId).where('to_stage', '=', 'customer').executeTakeFirstOrThrow();
    expect(transition).toMatchObject({ actor: 'journey', reason: 'journey setters node stage' });
    const stageEvents = await h.database.db.selectFrom('events').select('properties').where('contact_id', '=', contactId).where('type', '=', 'stage_changed').orderBy('id').execute();
    expect(stageEvents.at(-1)?.properties).toMatchObject({ to: 'customer', reason: 'journey setters node stage' });
    const audit = await h.database.db.selectFrom('trait_changes').select(['trait', 'outcome', 'actor']).where('contact_id', '=', contactId).where('actor', 'like', 'journey %').orderBy('id').execute();
    expect(audit).toEqual([
      { trait: 'marketing_paused', outcome: 'applied', actor: 'journey setters node paused' },
      { trait: 'jobTitle', outcome: 'refused', actor: 'journey setters node owner' },
    ]);
  });

  it('issues a unique coupon once, shows its code in the next e-mail, and asks sales for a hand-off', async () => {
    const definition = define('coupon', 'code', {
      code: { type: 'issue_coupon', discount: { kind: 'percent', percent: 15 }, validityDays: 14, category: 'accessories', next: 'mail' },
      mail: { type: 'send_email', template: 'cross-sell-offer', next: 'sales' },
      sales: { type: 'hand_off', reason: 'Asked for a quote', next: 'done' },
      done: { type: 'exit' },
    });
    const contactId = await h.contact('buyer', { email: 'buyer@example.com', firstName: 'Bo' });
    const handle = await h.start(definition, contactId);
    await h.result(handle);
    const coupons = await listCouponsForContact(h.database.db, contactId);
    expect(coupons).toHaveLength(1);
    const [coupon] = coupons;
    expect(coupon).toMatchObject({ discount_kind: 'percent', category: 'accessories', journey_id: 'coupon', redeemed_at: null });
    expect(coupon!.code).toMatch(/^RL-[A-Z2-9]{10}$/);
    expect(Math.round((coupon!.expires_at.getTime() - coupon!.created_at.getTime()) / 86_400_000)).toBeGreaterThanOrEqual(13);
    const [mail] = h.mailsTo('buyer@example.com');
    expect(mail?.subject).toBe('Thank you! 15% off your next order');
    expect(mail?.text).toContain(coupon!.code);

    const intents = await h.database.db.selectFrom('orchestration_outbox').select('payload').where('kind', '=', 'handoff_requested').execute();
    expect(intents.map((row) => row.payload)).toEqual([
      { kind: 'handoff_requested', contactId, reason: 'Asked for a quote', source: expect.stringMatching(new RegExp(`^${handle.workflowId}/.+/sales/1$`)) },
    ]);
  });

  it('calls a webhook signed over timestamp and body, keyed by cause, retrying a failing endpoint', async () => {
    const received: Hook[] = [];
    const server: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.statusCode = received.length === 1 ? 503 : 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tasks`;
      const definition = define('hook', 'notify', {
        notify: { type: 'webhook', url, body: { task: 'call back', contact: '{{ contact.id }}', journey: '{{ journey.id }}', priority: 2 }, next: 'done' },
        done: { type: 'exit' },
      });
      const contactId = await h.contact('hooked', { email: 'hooked@example.com' });
      const handle = await h.start(definition, contactId);
      await h.until(handle, () => received.length >= 1, 'the first call');
      // Temporal retries after its backoff; time passes in milliseconds here.
      await h.env.sleep('1 minute');
      expect(await h.result(handle)).toEqual({ status: 'completed', lastNodeId: 'done' });
      expect(received).toHaveLength(2);
      const [first, second] = received as [Hook, Hook];
      expect(second.body).toBe(first.body);
      expect(JSON.parse(second.body)).toEqual({ task: 'call back', contact: contactId, journey: 'hook', priority: 2 });
      expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
      expect(second.headers['idempotency-key']).toMatch(new RegExp(`^${handle.workflowId}/.+/notify/1$`));
      const timestamp = String(second.headers['x-relance-timestamp']);
      expect(timestamp).toMatch(/^\d+$/);
      expect(second.headers['x-relance-signature']).toBe(`v1=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${second.body}`).digest('hex')}`);
      expect(pathOf(await h.visits(handle.workflowId))).toEqual(['notify:entered', 'notify:completed', 'done:entered', 'done:completed']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up on a webhook that keeps failing after its bounded retries, records the node as skipped and moves on', async () => {
    let calls = 0;
    const server: Server = createServer((_request, response) => {
      calls += 1;
      response.statusCode = 500;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/down`;
      const definition = define('hook-down', 'notify', {
        notify: { type: 'webhook', url, next: 'mail' },
        mail: { type: 'send_email', template: 'nurture-guide-1', next: 'done' },
        done: { type: 'exit' },
      });
      const contactId = await h.contact('hook-down', { email: 'hook-down@example.com', firstName: 'Hal' });
      const handle = await h.start(definition, contactId);
      await h.until(handle, () => calls >= 1, 'the first call');
      for (let attempt = 2; attempt <= 10; attempt += 1) {
        await h.env.sleep('4 hours');
        await h.until(handle, () => calls >= attempt, `attempt ${attempt}`);
      }
      expect(await h.result(handle)).toEqual({ status: 'completed', lastNodeId: 'done' });
      expect(calls).toBe(10);
      expect(pathOf(await h.visits(handle.workflowId)).slice(0, 2)).toEqual(['notify:entered', 'notify:skipped']);
      expect(h.mailsTo('hook-down@example.com').map((m) => m.subject)).toEqual(['Your first guide, Hal']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('waits until a local time of day on allowed weekdays in the contact timezone, and until a date trait minus an offset', async () => {
    const definition = define('local-time', 'morning', {
      morning: { type: 'delay', wait: { kind: 'time_of_day', at: '09:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }, next: 'mail' },
      mail: { type: 'send_email', template: 'nurture-guide-1', next: 'before_renewal' },
      before_renewal: { type: 'delay', wait: { kind: 'until_date_trait', trait: 'renewalDate', offset: '-2 days' }, next: 'done' },
      done: { type: 'exit' },
    });
    const startMs = await h.env.currentTimeMs();
    const renewal = new Date(startMs + 20 * 86_400_000).toISOString();
    const contactId = await h.contact('tokyo', { email: 'tokyo@example.com', firstName: 'Taro', timezone: 'Asia/Tokyo', renewalDate: renewal });
    const handle = await h.start(definition, contactId);
    await h.until(handle, (s) => s.currentNodeId === 'morning', 'the morning delay');
    await h.env.sleep('8 days');
    await h.until(handle, (s) => s.currentNodeId === 'before_renewal', 'the renewal delay');
    await h.env.sleep('13 days');
    await h.result(handle);

    const visits = await h.database.db.selectFrom('journey_node_visits').select(['node_id', 'outcome', 'at']).where('workflow_id', '=', handle.workflowId).orderBy('id').execute();
    const morning = visits.find((v) => v.node_id === 'morning' && v.outcome === 'completed')!.at.getTime();
    const entered = visits.find((v) => v.node_id === 'morning' && v.outcome === 'entered')!.at.getTime();
    // The timer fires at the instant; the visit is written a few ms later.
    const expectedMorning = nextLocalTime(entered, '09:00', 'Asia/Tokyo', ['mon', 'tue', 'wed', 'thu', 'fri']);
    expect(morning - expectedMorning).toBeGreaterThanOrEqual(0);
    expect(morning - expectedMorning).toBeLessThan(60_000);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(morning)).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    const renewalDone = visits.find((v) => v.node_id === 'before_renewal' && v.outcome === 'completed')!.at.getTime();
    expect(renewalDone - (Date.parse(renewal) - 2 * 86_400_000)).toBeGreaterThanOrEqual(0);
    expect(renewalDone - (Date.parse(renewal) - 2 * 86_400_000)).toBeLessThan(60_000);
    expect(h.mailsTo('tokyo@example.com').map((m) => m.subject)).toEqual(['Your first guide, Taro']);
  });

  it('ends at a goal wherever the contact is, counts a re-signalled event once, and stops on request', async () => {
    const definition = define('goal', 'first', {
      first: { type: 'wait_for_event', event: 'ping', timeout: '10 days', next: 'second', onTimeout: 'done' },
      second: { type: 'wait_for_event', event: 'ping', timeout: '10 days', next: 'done', onTimeout: 'done' },
      done: { type: 'exit' },
    }, { exits: [{ name: 'bought', outcome: 'goal', event: 'order_completed', where: [{ path: 'properties.total', op: 'gt', value: 0 }] }] });
    const contactId = await h.contact('goal', { email: 'goal@example.com' });
    const handle = await h.start(definition, contactId);
    const ping = await h.track('goal', 'ping');
    await h.signal(handle, ping);
    await h.until(handle, (s) => s.currentNodeId === 'second', 'the second wait');
    // The same event again (a redelivery) does not count as a second ping.
    await h.signal(handle, ping);
    await h.env.sleep('1 hour');
    expect((await h.state(handle)).currentNodeId).toBe('second');
    await h.signal(handle, await h.track('goal', 'order_completed', { total: 0 }));
    await h.signal(handle, await h.track('goal', 'order_completed', { total: 42 }));
    expect(await h.result(handle)).toEqual({ status: 'exited_goal', lastNodeId: 'second' });
    expect(pathOf(await h.visits(handle.workflowId))).toEqual(['first:entered', 'first:completed', 'second:entered', 'second:goal']);
    expect((await h.run(handle.workflowId))).toMatchObject({ status: 'exited_goal', current_node: 'second' });

    const other = await h.contact('stopped', { email: 'stopped@example.com' });
    const stopped = await h.start(definition, other);
    await h.until(stopped, (s) => s.currentNodeId === 'first', 'the first wait');
    await stopped.signal(stopJourneySignal, { reason: 'marketer stopped the journey' });
    expect(await h.result(stopped)).toEqual({ status: 'stopped', lastNodeId: 'first' });
    expect(pathOf(await h.visits(stopped.workflowId))).toEqual(['first:entered', 'first:stopped']);
  });

  it('holds a paused run (no e-mail while paused) and carries on when resumed', async () => {
    const definition = define('pausable', 'pause', {
      pause: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'mail' },
      mail: { type: 'send_email', template: 'nurture-guide-1', next: 'done' },
      done: { type: 'exit' },
    });
    const contactId = await h.contact('paused', { email: 'paused@example.com', firstName: 'Pia' });
    const handle = await h.start(definition, contactId);
    await h.until(handle, (s) => s.currentNodeId === 'pause', 'the delay');
    await handle.signal(pauseJourneySignal);
    await h.until(handle, (s) => s.status === 'paused', 'paused');
    await h.env.sleep('3 days');
    expect(h.mailsTo('paused@example.com')).toEqual([]);
    await expect.poll(async () => (await h.run(handle.workflowId)).status).toBe('paused');
    await handle.signal(resumeJourneySignal);
    expect(await h.result(handle)).toEqual({ status: 'completed', lastNodeId: 'done' });
    expect(h.mailsTo('paused@example.com').map((m) => m.subject)).toEqual(['Your first guide, Pia']);
  });

  it('moves a run to a new version at the mapped node, keeping its visits', async () => {
    const v1 = define('versioned', 'hello', {
      hello: { type: 'send_email', template: 'welcome', next: 'wait' },
      wait: { type: 'wait_for_event', event: 'ping', timeout: '5 days', next: 'done', onTimeout: 'old_guide' },
      old_guide: { type: 'send_email', template: 'nurture-guide-1', next: 'done' },
      done: { type: 'exit' },
    });
    const v2 = define('versioned', 'hello', {
      hello: { type: 'send_email', template: 'welcome', next: 'wait_v2' },
      wait_v2: { type: 'wait_for_event', event: 'ping', timeout: '2 days', next: 'done', onTimeout: 'new_guide' },
      new_guide: { type: 'send_email', template: 'nurture-guide-2', next: 'done' },
      done: { type: 'exit' },
    });
    const contactId = await h.contact('mover', { email: 'mover@example.com', firstName: 'Mo', company: 'Initech' });
    const handle = await h.start(v1, contactId);
    await h.until(handle, (s) => s.currentNodeId === 'wait', 'the v1 wait');
    await handle.signal(migrateJourneySignal, { version: 2, definition: v2, nodeMap: { wait: 'wait_v2' } });
    await h.until(handle, (s) => s.version === 2 && s.currentNodeId === 'wait_v2', 'the v2 wait');
    await h.env.sleep('2 days');
    expect(await h.result(handle)).toEqual({ status: 'completed', lastNodeId: 'done' });
    expect(h.mailsTo('mover@example.com').map((m) => m.subject)).toEqual(['Welcome, Mo!', 'Three ideas for Initech']);
    const rows = await h.database.db.selectFrom('journey_node_visits').select(['node_id', 'outcome', 'version']).where('workflow_id', '=', handle.workflowId).orderBy('id').execute();
    expect(rows.map((r) => `${r.version}:${r.node_id}:${r.outcome}`)).toEqual([
      '1:hello:entered', '1:hello:completed', '1:wait:entered',
      '2:wait_v2:entered', '2:wait_v2:timeout', '2:new_guide:entered', '2:new_guide:completed', '2:done:entered', '2:done:completed',
    ]);
    expect((await h.run(handle.workflowId))).toMatchObject({ version: 2, status: 'completed' });
  });

  it('continues as new after a bounded number of nodes, carrying visits and the coupon, so every e-mail is sent exactly once', async () => {
    const definition = define('long-loop', 'code', {
      code: { type: 'issue_coupon', discount: { kind: 'percent', percent: 5 }, validityDays: 30, next: 'mail' },
      mail: { type: 'send_email', template: 'cart-coupon', next: 'pause' },
      pause: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'mail' },
    });
    const contactId = await h.contact('looper', { email: 'looper@example.com', firstName: 'Lu' });
    const handle = await h.start(definition, contactId, { maxNodesPerExecution: 3 });
    await h.until(handle, (s) => s.currentNodeId === 'pause', 'the first delay');
    for (let day = 1; day <= 3; day += 1) {
      await h.env.sleep('1 day');
      await h.smtp.waitFor((m) => m.to.includes('looper@example.com'), { count: day + 1 });
    }
    await h.until(handle, (s) => s.currentNodeId === 'pause', 'the fourth delay');
    await handle.signal(stopJourneySignal, { reason: 'test finished' });
    expect(await h.result(handle)).toEqual({ status: 'stopped', lastNodeId: 'pause' });

    const [coupon, ...others] = await listCouponsForContact(h.database.db, contactId);
    expect(others).toEqual([]);
    expect(h.mailsTo('looper@example.com').map((m) => m.subject)).toEqual(Array(4).fill(`${coupon!.code}: a little something to finish your order`));
    const description = await handle.describe();
    expect(description.runId).not.toBe(description.raw.workflowExecutionInfo?.firstRunId);
    const mailVisits = (await h.database.db.selectFrom('journey_node_visits').select('visit').where('workflow_id', '=', handle.workflowId).where('node_id', '=', 'mail').where('outcome', '=', 'completed').orderBy('id').execute()).map((row) => row.visit);
    expect(mailVisits).toEqual([1, 2, 3, 4]);
    expect(await h.database.db.selectFrom('journey_runs').select('status').where('id', '=', handle.workflowId).execute()).toEqual([{ status: 'stopped' }]);
  });
});

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyStateQuery, type JourneyWorkflowResult } from '../../workflows/journey.contract.js';
import { journeyWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

/** Every table that holds a contact id, and the column naming it. */
const CONTACT_COLUMNS = {
  contacts: 'id',
  contact_identities: 'contact_id',
  events: 'contact_id',
  event_message_ids: 'contact_id',
  score_ledger: 'contact_id',
  stage_transitions: 'contact_id',
  trait_changes: 'contact_id',
  email_messages: 'contact_id',
  contact_subscriptions: 'contact_id',
  coupons: 'contact_id',
  handoffs: 'contact_id',
  journey_runs: 'contact_id',
  journey_node_visits: 'contact_id',
  journey_entries: 'contact_id',
  newsletter_recipients: 'contact_id',
  contact_merges: 'from_contact_id',
  account_members: 'contact_id',
} as const;

describe('erasure on request: DELETE /v1/contacts/:id', () => {
  let engine: RunningEngine;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  async function routed(): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const pending = await engine.database.db.selectFrom('orchestration_outbox').select('id').where('dispatched_at', 'is', null).execute();
      if (pending.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('outbox intents still pending');
  }

  async function del(id: string, headers: Record<string, string>) {
    const response = await fetch(`${engine.baseUrl}/v1/contacts/${id}`, { method: 'DELETE', headers });
    return { status: response.status, body: (await response.json()) as any };
  }

  /** Rows per table that still name one of these contacts (outbox intents by their payload). */
  async function rowsAbout(ids: string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [table, column] of Object.entries(CONTACT_COLUMNS)) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)}::text in (${sql.join(ids)})`.execute(engine.database.db);
      counts[table] = rows[0]!.n;
    }
    const merges = await sql<{ n: number }>`select count(*)::int as n from contact_merges where into_contact_id::text in (${sql.join(ids)})`.execute(engine.database.db);
    counts.contact_merges_into = merges.rows[0]!.n;
    const outbox = await sql<{ n: number }>`select count(*)::int as n from orchestration_outbox where payload->>'contactId' in (${sql.join(ids)})`.execute(engine.database.db);
    counts.orchestration_outbox = outbox.rows[0]!.n;
    return counts;
  }

  it('erases a person with their merged profile, stops their journey, keeps the suppression, and answers only an admin key', async () => {
    // A journey that issues a coupon and then waits a day: the run is in flight when the erasure comes.
    const definition = {
      schemaVersion: 1,
      id: 'erase-after-order',
      name: 'After an order',
      entry: { kind: 'event', event: 'order_completed' },
      start: 'coupon',
      nodes: {
        coupon: { type: 'issue_coupon', discount: { kind: 'percent', percent: 10 }, validityDays: 7, next: 'hold' },
        hold: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'done' },
        done: { type: 'exit' },
      },
    };
    expect((await engine.post('/v1/journeys', { definition }, bearer(engine.keys.admin))).status).toBe(201);
    expect((await engine.post(`/v1/journeys/${definition.id}/publish`, {}, bearer(engine.keys.admin))).status).toBe(200);

    // An anonymous visitor, then a sign-up form, then the link between the two, then an order.
    const pages = await engine.post('/v1/batch', {
      batch: ['/pricing', '/product/a'].map((path, i) => ({ type: 'page', anonymousId: 'anon-erin', messageId: `erin-page-${i}`, properties: { path } })),
    });
    const anonymousId: string = pages.body.results[0].contactId;
    const signUp = await engine.post('/v1/track', {
      type: 'track',
      event: 'form_submitted',
      userId: 'user-erin',
      messageId: 'erin-signup',
      properties: { email: 'erin@example.com', firstName: 'Erin' },
    });
    const contactId: string = signUp.body.contactId;
    expect(contactId).not.toBe(anonymousId);
    await engine.smtp.waitFor((message) => message.to.includes('erin@example.com'));
    const link = await engine.post('/v1/identify', { type: 'identify', userId: 'user-erin', anonymousId: 'anon-erin', messageId: 'erin-link', traits: { company: 'Erin SARL' } });
    expect(link.body.contactId).toBe(contactId);
    expect((await engine.post('/v1/track', { type: 'track', event: 'newsletter_subscribed', userId: 'user-erin', messageId: 'erin-newsletter', properties: { topic: 'news' } })).status).toBe(200);
    const order = { type: 'track', event: 'order_completed', userId: 'user-erin', messageId: 'erin-order', properties: { order_id: 'o-1', revenue: 80 } };
    expect((await engine.post('/v1/track', order)).status).toBe(200);
    await routed();

    const journey = engine.temporal.client.workflow.getHandle(journeyWorkflowId(definition.id, contactId));
    for (let attempt = 0; (await journey.query(journeyStateQuery)).currentNodeId !== 'hold'; attempt += 1) {
      if (attempt > 200) throw new Error('the journey never reached its delay');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await engine.post('/v1/suppressions', { address: 'erin@example.com', reason: 'complaint' }, bearer(engine.keys.admin))).status).toBe(200);

    // Everything the test expects erased is there to begin with.
    const before = await rowsAbout([contactId, anonymousId]);
    for (const table of ['contacts', 'contact_identities', 'events', 'score_ledger', 'email_messages', 'contact_subscriptions', 'coupons', 'journey_runs', 'journey_node_visits', 'journey_entries', 'contact_merges', 'orchestration_outbox']) {
      expect(before[table], table).toBeGreaterThan(0);
    }
    expect(before.contacts).toBe(2);

    // Only an admin key erases.
    expect((await del(contactId, {})).status).toBe(401);
    expect((await del(contactId, bearer(engine.keys.write))).status).toBe(403);
    expect((await del(contactId, bearer(engine.keys.sales))).status).toBe(403);
    expect((await del('not-a-uuid', bearer(engine.keys.admin))).status).toBe(400);
    expect((await del(randomUUID(), bearer(engine.keys.admin))).status).toBe(404);
    expect((await rowsAbout([contactId, anonymousId])).contacts).toBe(2);

    // Asked by the merged anonymous id: the whole person goes.
    const erased = await del(anonymousId, bearer(engine.keys.admin));
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ contactId, profiles: 2, workflowsStopped: 1 });
    expect(erased.body.erased).toMatchObject({
      contacts: 2,
      contact_merges: before.contact_merges,
      events: before.events,
      email_messages: before.email_messages,
      coupons: 1,
      journey_runs: 1,
      score_ledger: before.score_ledger,
    });

    // The stopped run ends and records nothing about the person on its way out.
    const result: JourneyWorkflowResult = await journey.result();
    expect(result.status).toBe('stopped');
    const after = await rowsAbout([contactId, anonymousId]);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);

    expect((await engine.get(`/v1/contacts/${contactId}`)).status).toBe(404);
    expect((await engine.get(`/v1/contacts/${anonymousId}`)).status).toBe(404);
    expect((await engine.get('/v1/suppressions/erin@example.com')).body).toMatchObject({ reason: 'complaint' });
    expect(await engine.database.db.selectFrom('suppressions').select('address').execute()).toEqual([{ address: 'erin@example.com' }]);

    // The audit row says who and how much, nothing about the person.
    const audit = await engine.database.db.selectFrom('erasures').selectAll().execute();
    expect(audit).toEqual([expect.objectContaining({ contact_id: contactId, erased_by: 'e2e admin', counts: erased.body.erased })]);
    expect(JSON.stringify(audit)).not.toMatch(/erin|anon-erin|user-erin/i);

    // Gone means gone: erasing again is a 404, and a retried old event is news to us.
    expect((await del(contactId, bearer(engine.keys.admin))).status).toBe(404);
    const retried = await engine.post('/v1/track', order);
    expect(retried.body).toMatchObject({ messageId: 'erin-order', stored: true });
    expect(retried.body.contactId).not.toBe(contactId);
  });
});

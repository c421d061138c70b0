import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ApiInstance } from '../../api/app.js';
import { createTemporalOrchestrator } from '../../orchestration/orchestrator.js';
import { createApiKey } from '../../db/api-key.repository.js';
import { saveRoutingRules, upsertRep } from '../../db/handoff/index.js';
import type { StoredHandoffStatus } from '../../db/handoff.types.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { dispatchPending } from '../../db/outbox.repository.js';
import type { ScoringModelStore } from '../../db/scoring.repository.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import { RoutingRules, type RoutingRulesInput } from '../../domain/handoff/index.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { handoffWorkflowId } from '../../workflows/ids.js';
import { createRelanceWorker } from '../../worker/worker.js';
import type { MailboxMessage } from '../../api/routes/dev-mailbox.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';
import { engineConfig } from '../support/engine-config.js';

const TASK_QUEUE = 'handoff';
const SECRET = 'crm-shared-secret-0123456789abcdef';
const QUEUE = 'sales-queue@seller.test';
// Every hour of every day counts, so SLA timings do not depend on the weekday the test runs on
// (business-hours arithmetic has its own unit tests).
const ALWAYS_OPEN = { timeZone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' };

interface CrmRequest {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A CRM on loopback that answers 503 to its first `failures` requests (all of them with Infinity). */
async function startCrm(failures: number): Promise<{ url: string; requests: CrmRequest[]; close(): Promise<void> }> {
  const requests: CrmRequest[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const answered = requests.length < failures ? 503 : 200;
      requests.push({ headers: request.headers, body, answered });
      response.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/relance`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function validSignature(request: CrmRequest): boolean {
  const timestamp = String(request.headers['x-relance-timestamp']);
  const expected = Buffer.from(`v1=${createHmac('sha256', SECRET).update(`${timestamp}.${request.body}`).digest('hex')}`);
  const received = Buffer.from(String(request.headers['x-relance-signature']));
  return expected.length === received.length && timingSafeEqual(expected, received);
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sales hand-off workflow', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: SmtpCatcher;
  let engine: Engine;
  let worker: Worker;
  let running: Promise<void>;
  let app: ApiInstance;
  let models: ScoringModelStore;
  let adminKey: string;
  const salesKeys = new Map<string, string>();

  beforeAll(async () => {
    let bundle;
    [env, database, smtp, bundle] = await Promise.all([createTimeSkippingEnvironment(), createTestDatabase(), startSmtpCatcher(), bundleWorkflows()]);
    engine = createEngine(
      engineConfig({ TEMPORAL_TASK_QUEUE: TASK_QUEUE, SMTP_URL: smtp.url, SMTP_POOL_SIZE: '1', SMTP_RATE_PER_SECOND: '100', WEBHOOK_SECRET: SECRET }),
      { db: database.db, temporal: env.client, onDispatchError: () => undefined },
    );
    models = engine.models;
    worker = await createRelanceWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: bundle,
      activities: engine.activities,
    });
    running = worker.run();
    app = await buildApp({ engine, logLevel: 'silent' });
    adminKey = (await createApiKey(database.db, { name: 'admin', role: 'admin' })).key;
  });
  afterAll(async () => {
    await app?.close();
    worker?.shutdown();
    await running;
    await engine?.close();
    await Promise.all([env?.teardown(), database?.drop(), smtp?.stop()]);
  });

  /** The world of one test: only these reps are available, under these rules. */
  async function configure(rules: Partial<RoutingRulesInput>, reps: { email: string; territories?: string[]; capacity?: number; managerEmail?: string }[]): Promise<void> {
    await database.db.updateTable('sales_reps').set({ available: false }).execute();
    for (const rep of reps) {
      await upsertRep(database.db, { name: rep.email.split('@')[0]!, managerEmail: rep.managerEmail ?? null, territories: rep.territories ?? [], capacity: rep.capacity ?? 10, available: true, email: rep.email });
      if (!salesKeys.has(rep.email)) salesKeys.set(rep.email, (await createApiKey(database.db, { name: rep.email, role: 'sales', owner: rep.email })).key);
    }
    await saveRoutingRules(database.db, RoutingRules.parse({ fallbackQueue: QUEUE, sla: { businessHours: ALWAYS_OPEN }, ...rules }));
  }

  /** A contact who declares who they are, looks at pricing and asks for a quote: an MQL, handed to Temporal as the API would. */
  async function qualifiedLead(key: string, traits: Record<string, unknown>): Promise<string> {
    const at = new Date(await env.currentTimeMs());
    const events = [
      { type: 'identify', userId: key, messageId: `${key}-1`, traits: { email: `${key}@lead.test`, firstName: key, jobTitle: 'CTO', companySize: 250, ...traits } },
      { type: 'page', userId: key, messageId: `${key}-2`, name: 'Pricing', properties: { path: '/pricing/enterprise' } },
      { type: 'track', event: 'quote_requested', userId: key, messageId: `${key}-3`, properties: { form: 'quote' } },
    ].map((event) => normalizeEvent(InboundEvent.parse({ ...event, timestamp: at.toISOString() }), at));
    const { outcomes } = await storeEvents(database.db, events, await models.active(), at);
    await dispatchPending(database.db, createTemporalOrchestrator(env.client, TASK_QUEUE));
    return outcomes[0]!.contactId;
  }

  const handoffOf = (contactId: string, status?: StoredHandoffStatus) =>
    eventually(
      () =>
        database.db
          .selectFrom('handoffs')
          .selectAll()
          .where('contact_id', '=', contactId)
          .where('status', '!=', 'routing')
          .$if(status !== undefined, (q) => q.where('status', '=', status!))
          .executeTakeFirst(),
      `hand-off of ${contactId}${status === undefined ? '' : ` ${status}`}`,
    );
  const stageOf = async (contactId: string) => (await database.db.selectFrom('contacts').select('stage').where('id', '=', contactId).executeTakeFirstOrThrow()).stage;
  const mailTo = (to: string, subject: RegExp, count = 1): Promise<MailboxMessage[]> => smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject), { count });
  const act = (handoffId: string, action: string, rep: string, body: unknown = {}) =>
    app.inject({ method: 'POST', url: `/v1/handoffs/${handoffId}/${action}`, headers: { authorization: `Bearer ${salesKeys.get(rep)}` }, payload: body as object });

  it('routes by territory, mails the owner the score reasons, and follows accept → SQL, an opportunity stage, won → customer', async () => {
    await configure({ territories: [{ id: 'paris', postcodePrefixes: ['75'] }] }, [{ email: 'paula@seller.test', territories: ['paris'] }, { email: 'other@seller.test' }]);
    const contactId = await qualifiedLead('ada', { postcode: '75011', company: 'Lovelace SA' });
    const handoff = await handoffOf(contactId);
    expect(handoff).toMatchObject({ owner: 'paula@seller.test', status: 'assigned', source: 'mql' });
    expect(handoff.routing_rule).toMatchObject({ kind: 'territory', territoryId: 'paris' });
    expect(handoff.reason).toMatch(/^became MQL: engagement \d+ ≥ 50 and fit grade [AB] ≥ B$/);

    const [mail] = await mailTo('paula@seller.test', /new qualified lead, ada \(Lovelace SA\)/);
    expect(mail!.text).toContain('Requested a quote (+50)');
    expect(mail!.text).toContain('Viewed a pricing page (+5)');
    expect(mail!.text).toMatch(/jobTitle: \+30 \(form\)/);
    expect(mail!.text).toContain('/pricing/enterprise × 1');

    const accepted = await act(handoff.id, 'accept', 'paula@seller.test');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ repeated: false, handoff: { status: 'accepted', opportunity: { stage: 'qualification', probability: 10 } } });
    expect(await stageOf(contactId)).toBe('sql');
    // The same action again: the same answer, nothing changed.
    const again = await act(handoff.id, 'accept', 'paula@seller.test');
    expect(again.json()).toMatchObject({ repeated: true, handoff: { status: 'accepted' } });
    expect((await act(handoff.id, 'accept', 'other@seller.test')).statusCode).toBe(403);

    expect((await act(handoff.id, 'opportunity', 'paula@seller.test', { stage: 'negotiation' })).json().handoff.opportunity).toEqual({ stage: 'negotiation', probability: 45 });
    expect((await act(handoff.id, 'opportunity', 'paula@seller.test', { stage: 'closing' })).statusCode).toBe(400);
    expect((await act(handoff.id, 'won', 'paula@seller.test')).json().handoff.status).toBe('won');
    expect(await stageOf(contactId)).toBe('customer');
    const result = await env.client.workflow.getHandle(handoffWorkflowId(contactId)).result();
    expect(result).toEqual({ handoffId: handoff.id, outcome: 'won' });
    const stages = await database.db.selectFrom('stage_transitions').select(['from_stage', 'to_stage', 'reason']).where('contact_id', '=', contactId).orderBy('id').execute();
    expect(stages.slice(-2)).toEqual([
      { from_stage: 'mql', to_stage: 'sql', reason: 'accepted by sales (paula@seller.test)' },
      { from_stage: 'sql', to_stage: 'customer', reason: 'opportunity won by sales' },
    ]);
  });

  it('gives a contact of an owned account to the account owner, whatever the territory', async () => {
    await configure(
      { accounts: [{ owner: 'olga@seller.test', companies: ['Acme'], domains: ['acme.example'] }], territories: [{ id: 'paris', postcodePrefixes: ['75'] }] },
      [{ email: 'olga@seller.test' }, { email: 'paula@seller.test', territories: ['paris'] }],
    );
    const contactId = await qualifiedLead('grace', { postcode: '75002', company: 'ACME' });
    const handoff = await handoffOf(contactId);
    expect(handoff.owner).toBe('olga@seller.test');
    expect(handoff.routing_rule).toEqual({ kind: 'account', reason: 'account owner of company ACME' });
  });

  it('takes turns among available reps with room, and sends the lead nobody has room for to the fallback queue', async () => {
    await configure({}, [{ email: 'rr-a@seller.test', capacity: 1 }, { email: 'rr-b@seller.test', capacity: 1 }]);
    const owners: (string | null)[] = [];
    for (const key of ['rr1', 'rr2', 'rr3']) owners.push((await handoffOf(await qualifiedLead(key, { country: 'US' }))).owner);
    expect(owners.slice(0, 2).sort()).toEqual(['rr-a@seller.test', 'rr-b@seller.test']);
    expect(owners[2]).toBe(QUEUE);

    const inbox = await app.inject({ method: 'GET', url: '/v1/sales/leads?status=assigned', headers: { authorization: `Bearer ${salesKeys.get('rr-a@seller.test')}` } });
    expect(inbox.json().leads).toHaveLength(1);
    expect(inbox.json().leads[0]).toMatchObject({ owner: 'rr-a@seller.test', status: 'assigned' });
    const badFilter = await app.inject({ method: 'GET', url: '/v1/sales/leads?status=open', headers: { authorization: `Bearer ${salesKeys.get('rr-a@seller.test')}` } });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().message).toMatch(/^querystring\.status: expected a comma-separated list of assigned/);
  });

  it('reminds the owner, then escalates to the manager when nobody accepts within the SLA', async () => {
    await configure({ sla: { businessHours: ALWAYS_OPEN, acceptWithinHours: 4, reminderAfterHours: 2 } }, [{ email: 'sam@seller.test', managerEmail: 'boss@seller.test' }]);
    const contactId = await qualifiedLead('slow', { country: 'US' });
    const handoff = await handoffOf(contactId);
    await mailTo('sam@seller.test', /^new qualified lead, slow/);
    await env.sleep('1 hour');
    expect(smtp.messages().filter((m) => m.to.includes('sam@seller.test')).map((m) => m.subject)).toEqual(['new qualified lead, slow']);

    await env.sleep('90 minutes');
    await mailTo('sam@seller.test', /^Reminder: new qualified lead, slow/);
    expect((await handoffOf(contactId)).status).toBe('assigned');
    expect(smtp.messages().some((m) => m.to.includes('boss@seller.test'))).toBe(false);

    await env.sleep('2 hours');
    const [escalation] = await mailTo('boss@seller.test', /^Escalated: new qualified lead, slow/);
    expect(escalation!.text).toContain('Requested a quote');
    const escalated = await handoffOf(contactId, 'escalated');
    expect(escalated).toMatchObject({ escalated_to: 'boss@seller.test' });
    expect(escalated.escalated_at!.getTime()).toBeGreaterThanOrEqual(handoff.sla_due_at!.getTime());
    // The owner can still take it after the escalation.
    expect((await act(handoff.id, 'accept', 'sam@seller.test')).json().handoff.status).toBe('accepted');
  });

  it('reassigns the lead to another rep when the rules say so, with a fresh SLA and a new notification', async () => {
    await configure(
      { territories: [{ id: 'nz', countries: ['NZ'] }], sla: { businessHours: ALWAYS_OPEN, acceptWithinHours: 4, reminderAfterHours: 2, onBreach: 'reassign', maxReassignments: 1 } },
      [{ email: 'first@seller.test', territories: ['nz'] }, { email: 'second@seller.test', territories: ['nz'] }],
    );
    const contactId = await qualifiedLead('kiwi', { country: 'NZ' });
    const first = await handoffOf(contactId);
    const other = first.owner === 'first@seller.test' ? 'second@seller.test' : 'first@seller.test';
    await mailTo(first.owner!, /^new qualified lead, kiwi/);
    await env.sleep('5 hours');
    const reassigned = await eventually(async () => {
      const row = await handoffOf(contactId);
      return row.owner === other ? row : undefined;
    }, 'reassigned to the other rep');
    expect(reassigned.previous_owners).toEqual([first.owner]);
    expect(reassigned.sla_due_at!.getTime()).toBeGreaterThan(first.sla_due_at!.getTime());
    await mailTo(other, /^new qualified lead, kiwi/);
    expect((await act(first.id, 'accept', first.owner!)).statusCode).toBe(403);
    expect((await act(first.id, 'accept', other)).json().handoff.status).toBe('accepted');
  });

  it('recycles a rejected lead into nurture (stage lead) only once the cooldown is over, keeping the reason', async () => {
    await configure({ recycleCooldownDays: 2 }, [{ email: 'rita@seller.test' }]);
    const contactId = await qualifiedLead('student', { country: 'US' });
    const handoff = await handoffOf(contactId);
    expect((await act(handoff.id, 'reject', 'rita@seller.test', { reason: 'x' })).statusCode).toBe(400);
    const rejected = await act(handoff.id, 'reject', 'rita@seller.test', { reason: 'student project, no budget' });
    expect(rejected.json().handoff).toMatchObject({ status: 'rejected', rejectionReason: 'student project, no budget' });
    expect((await act(handoff.id, 'accept', 'rita@seller.test')).statusCode).toBe(409);

    await env.sleep('1 day');
    expect(await stageOf(contactId)).toBe('mql');
    expect((await handoffOf(contactId)).status).toBe('rejected');

    await env.sleep('25 hours');
    await handoffOf(contactId, 'recycled');
    expect(await stageOf(contactId)).toBe('lead');
    const recycle = await database.db.selectFrom('stage_transitions').select(['from_stage', 'to_stage', 'reason', 'actor']).where('contact_id', '=', contactId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(recycle).toEqual({ from_stage: 'mql', to_stage: 'lead', reason: 'recycled into nurture after the cooldown: rejected by sales (student project, no budget)', actor: 'handoff' });
    const stageEvent = await database.db.selectFrom('events').select('properties').where('contact_id', '=', contactId).where('type', '=', 'stage_changed').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(stageEvent.properties).toMatchObject({ from: 'mql', to: 'lead' });
    expect(await env.client.workflow.getHandle(handoffWorkflowId(contactId)).result()).toEqual({ handoffId: handoff.id, outcome: 'recycled' });
  });

  it('delivers to the CRM exactly once, signed, through a receiver that fails its first attempts', async () => {
    const crm = await startCrm(2);
    try {
      await configure({ crmWebhook: { url: crm.url, maxAttempts: 5 } }, [{ email: 'carl@seller.test' }]);
      const contactId = await qualifiedLead('crm-ok', { country: 'US' });
      const handoff = await handoffOf(contactId);
      await eventually(async () => (crm.requests.length >= 1 ? true : undefined), 'first CRM attempt');
      await env.sleep('10 minutes');
      const delivery = await eventually(
        () => database.db.selectFrom('crm_deliveries').selectAll().where('handoff_id', '=', handoff.id).where('status', '=', 'delivered').executeTakeFirst(),
        'CRM delivery delivered',
      );
      expect(delivery.attempts).toBe(3);
      expect(crm.requests.map((r) => r.answered)).toEqual([503, 503, 200]);
      const accepted = crm.requests.filter((r) => r.answered === 200);
      expect(accepted).toHaveLength(1);
      expect(validSignature(accepted[0]!)).toBe(true);
      expect(new Set(crm.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([delivery.id]));
      expect(JSON.parse(accepted[0]!.body)).toMatchObject({ type: 'handoff.assigned', deliveryId: delivery.id, handoff: { id: handoff.id, owner: 'carl@seller.test', summary: { who: { email: 'crm-ok@lead.test' } } } });
      // A tampered body does not verify.
      expect(validSignature({ ...accepted[0]!, body: accepted[0]!.body.replace('carl', 'mallory') })).toBe(false);
    } finally {
      await crm.close();
    }
  });

  it('ends in dead letter, visible through the API, when the CRM never accepts; the hand-off goes on', async () => {
    const crm = await startCrm(Infinity);
    try {
      await configure({ crmWebhook: { url: crm.url, maxAttempts: 3 } }, [{ email: 'dora@seller.test' }]);
      const contactId = await qualifiedLead('crm-down', { country: 'US' });
      const handoff = await handoffOf(contactId);
      await eventually(async () => (crm.requests.length >= 1 ? true : undefined), 'first CRM attempt');
      await env.sleep('10 minutes');
      await eventually(
        () => database.db.selectFrom('crm_deliveries').select('id').where('handoff_id', '=', handoff.id).where('status', '=', 'dead_letter').executeTakeFirst(),
        'CRM delivery in dead letter',
      );
      expect(crm.requests).toHaveLength(3);
      const seen = await app.inject({ method: 'GET', url: `/v1/handoffs/${handoff.id}`, headers: { authorization: `Bearer ${adminKey}` } });
      expect(seen.statusCode).toBe(200);
      expect(seen.json().deliveries).toEqual([expect.objectContaining({ url: crm.url, status: 'dead_letter', attempts: 3, lastStatusCode: 503, lastError: 'CRM answered 503', deliveredAt: null })]);
      // The rep still works the lead.
      expect((await act(handoff.id, 'accept', 'dora@seller.test')).json().handoff.status).toBe('accepted');
    } finally {
      await crm.close();
    }
  });
});

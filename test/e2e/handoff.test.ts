import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueIntents } from '../../db/outbox.repository.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

const REP = 'rep@example.com';

describe('sales hand-off over HTTP', () => {
  let engine: RunningEngine;
  let asRep: Record<string, string>;
  beforeAll(async () => {
    engine = await startEngine();
    asRep = { authorization: `Bearer ${engine.keys.sales}` };
  });
  afterAll(async () => {
    await engine?.stop();
  });

  async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`not reached in 20 s: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('refuses routing rules and reps that do not hold together, naming the field, and stores nothing', async () => {
    const bad = await engine.put('/v1/handoff/routing-rules', { fallbackQueue: 'queue', sla: { businessHours: { timeZone: 'Mars/Olympus' }, acceptWithinHours: 2, reminderAfterHours: 3 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining(['fallbackQueue', 'sla.businessHours.timeZone']));
    expect((await engine.get('/v1/handoff/routing-rules')).status).toBe(404);
    const rep = await engine.put(`/v1/sales/reps/${REP}`, { name: 'Rep', capacity: -1 });
    expect(rep.status).toBe(400);
    expect(rep.body.issues).toEqual([expect.objectContaining({ path: 'capacity' })]);
    expect((await engine.put(`/v1/sales/reps/${REP}`, { name: 'Rep', capacity: 5 }, asRep)).status).toBe(403);
  });

  it('hands an MQL from the website to the rep: inbox, notification, accept → SQL, answered idempotently', async () => {
    const rules = await engine.put('/v1/handoff/routing-rules', { territories: [{ id: 'fr', countries: ['FR'] }], fallbackQueue: 'queue@example.com', sla: { businessHours: { timeZone: 'Europe/Paris' } } });
    expect(rules.status).toBe(200);
    expect(rules.body).toMatchObject({ version: 1, rules: { recycleCooldownDays: 30, sla: { acceptWithinHours: 4, businessHours: { days: [1, 2, 3, 4, 5], start: '09:00' } } } });
    const rep = await engine.put(`/v1/sales/reps/${REP}`, { name: 'Rep', managerEmail: 'boss@example.com', territories: ['fr'], capacity: 5 });
    expect(rep.body).toEqual({ email: REP, name: 'Rep', managerEmail: 'boss@example.com', territories: ['fr'], capacity: 5, available: true, openLeads: 0 });

    const batch = await engine.post('/v1/batch', {
      batch: [
        { type: 'identify', userId: 'u-fr', messageId: 'h-1', traits: { email: 'lea@client.fr', firstName: 'Léa', jobTitle: 'CTO', companySize: 300, country: 'FR', company: 'Client SA' } },
        { type: 'track', event: 'quote_requested', userId: 'u-fr', messageId: 'h-2' },
      ],
    });
    expect(batch.status).toBe(200);
    const [notification] = await engine.smtp.waitFor((m) => m.to.includes(REP));
    expect(notification!.subject).toBe('new qualified lead, Léa (Client SA)');
    expect(notification!.text).toContain('Requested a quote (+50)');

    const inbox = await engine.get('/v1/sales/leads?status=assigned', asRep);
    expect(inbox.status).toBe(200);
    expect(inbox.body.leads).toHaveLength(1);
    const lead = inbox.body.leads[0];
    expect(lead).toMatchObject({ owner: REP, status: 'assigned', source: 'mql', rule: { kind: 'territory', territoryId: 'fr' } });
    expect(lead.summary).toMatchObject({ who: { email: 'lea@client.fr', name: 'Léa' }, company: { name: 'Client SA', country: 'FR' }, forms: [{ type: 'quote_requested' }] });
    expect((await engine.get('/v1/sales/leads', {})).status).toBe(401);
    expect((await engine.get('/v1/sales/leads')).status).toBe(403);

    const accepted = await engine.post(`/v1/handoffs/${lead.id}/accept`, {}, asRep);
    const again = await engine.post(`/v1/handoffs/${lead.id}/accept`, {}, asRep);
    expect(accepted).toMatchObject({ status: 200, body: { repeated: false, handoff: { status: 'accepted' } } });
    expect(again).toMatchObject({ status: 200, body: { repeated: true, handoff: accepted.body.handoff } });
    const profile = await engine.get(`/v1/contacts/${lead.contactId}`);
    expect(profile.body.stage).toBe('sql');
    expect(profile.body.stageHistory.at(-1)).toMatchObject({ from: 'mql', to: 'sql', reason: `accepted by sales (${REP})`, actor: `sales:${REP}` });
    const rejected = await engine.post(`/v1/handoffs/${lead.id}/reject`, { reason: 'changed my mind' }, asRep);
    expect(rejected).toMatchObject({ status: 409, body: { error: 'conflict', message: 'the lead is accepted: only a lead waiting for an answer can be rejected' } });

    const detail = await engine.get(`/v1/handoffs/${lead.id}`);
    expect(detail.body.actions).toEqual([expect.objectContaining({ action: 'accept', actor: `sales:${REP}` })]);
    expect(detail.body.deliveries).toEqual([]);
  });

  it("starts a hand-off from a journey's request, once per contact while one runs", async () => {
    const signUp = await engine.post('/v1/identify', { type: 'identify', userId: 'u-j', messageId: 'j-1', traits: { email: 'journey@client.fr', country: 'FR' } });
    const contactId = signUp.body.contactId;
    const intent = { kind: 'handoff_requested' as const, contactId, reason: 'asked for a demo in the nurture journey', source: 'journey:inbound-nurture' };
    await engine.database.db.transaction().execute((trx) => enqueueIntents(trx, [intent, intent]));
    const handoff = await eventually(
      () => engine.database.db.selectFrom('handoffs').selectAll().where('contact_id', '=', contactId).where('status', '=', 'assigned').executeTakeFirst(),
      'hand-off assigned',
    );
    expect(handoff).toMatchObject({ owner: REP, reason: 'asked for a demo in the nurture journey', source: 'journey:inbound-nurture' });
    await eventually(async () => ((await engine.database.db.selectFrom('orchestration_outbox').select('id').where('dispatched_at', 'is', null).execute()).length === 0 ? true : undefined), 'outbox drained');
    expect(await engine.database.db.selectFrom('handoffs').select('id').where('contact_id', '=', contactId).execute()).toHaveLength(1);
  });
});

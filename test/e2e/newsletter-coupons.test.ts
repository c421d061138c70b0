import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../db/api-key.repository.js';
import type { CatcherProcess } from '../helpers/catcher-process.js';
import { startBulkMailEngine, type BulkMailEngine } from '../helpers/bulk-mail-engine.js';
import type { RunningEngine } from '../helpers/engine.js';
import { cohortAudience, insertSubscribers } from '../support/subscribers.js';

// A newsletter that hands every recipient a code of one campaign ({{ coupon.code }}), issued as each
// copy is sent, then those codes at a till.

describe('a newsletter with a coupon per recipient', () => {
  let engine: RunningEngine;
  let catcher: CatcherProcess;
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });

  let bulk: BulkMailEngine;
  beforeAll(async () => {
    bulk = await startBulkMailEngine();
    ({ engine, catcher } = bulk);
  });
  afterAll(async () => {
    await bulk?.stop();
  });

  it('gives 1,000 subscribers a distinct code each, the same one when asked again; the till and the report see them', async () => {
    expect((await engine.post('/v1/coupon-campaigns', { id: 'december', name: 'December letter', terms: { discount: { kind: 'amount', amount: 8, currency: 'EUR' }, scope: { kind: 'minimum_order', amount: 40, currency: 'EUR' }, validity: { kind: 'days_from_issue', days: 21 } } }, admin())).status).toBe(201);
    const unknownCampaign = await engine.post('/v1/newsletters', { name: 'December', template: 'newsletter-offer', couponCampaign: 'no-such' }, admin());
    expect(unknownCampaign.status).toBe(400);
    expect(unknownCampaign.body.issues).toEqual([{ path: 'couponCampaign', message: 'no such coupon campaign' }]);

    await insertSubscribers(engine.database.db, { cohort: 'offer', count: 1_000 });
    const created = await engine.post('/v1/newsletters', { name: 'December', template: 'newsletter-offer', audience: cohortAudience('offer'), couponCampaign: 'december' }, admin());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ audienceSize: 1_000, couponCampaign: 'december' });
    const id: string = created.body.id;
    expect((await engine.post(`/v1/newsletters/${id}/send`, {}, admin())).status).toBe(202);
    for (let tries = 0; ; tries += 1) {
      const { body } = await engine.get(`/v1/newsletters/${id}`);
      if (body.status === 'completed') {
        expect(body.counts).toMatchObject({ total: 1_000, sent: 1_000 });
        break;
      }
      if (tries > 480) throw new Error(`newsletter still ${body.status}: ${JSON.stringify(body.counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const mail = await catcher.messages('offer-');
    expect(mail).toHaveLength(1_000);
    const codeOf = new Map(mail.map((m) => [m.to[0]!, /a code of your own: (\S+)$/.exec(m.subject)?.[1] ?? '']));
    expect(new Set(codeOf.values()).size).toBe(1_000);
    for (const m of mail) expect(m.text).toContain(codeOf.get(m.to[0]!));
    const coupons = await engine.database.db.selectFrom('coupons').select(['code', 'contact_id', 'cause']).where('campaign_id', '=', 'december').execute();
    expect(coupons).toHaveLength(1_000);
    expect(new Set(coupons.map((c) => c.cause))).toEqual(new Set([`newsletter:${id}`]));

    // Asking again for a recipient's code of this newsletter gives the code in their e-mail.
    const reader7 = await engine.database.db.selectFrom('contacts').select('id').where('email', '=', 'offer-7@example.com').executeTakeFirstOrThrow();
    const again = await engine.post('/v1/coupon-campaigns/december/coupons', { contactId: reader7.id, cause: `newsletter:${id}` }, admin());
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(codeOf.get('offer-7@example.com'));

    const till = { authorization: `Bearer ${(await createApiKey(engine.database.db, { name: 'till', role: 'shop' })).key}` };
    const code7 = codeOf.get('offer-7@example.com')!;
    const redeemed = await engine.post(`/v1/coupons/${code7}/redeem`, { orderId: 'T-7', total: 52 }, till);
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.message).toBe('Coupon accepted, 8.00 EUR off this order: take 8.00 EUR off.');
    const twice = await engine.post(`/v1/coupons/${code7}/redeem`, { orderId: 'T-8', total: 60 }, till);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain('for order T-7');
    expect((await engine.post('/v1/coupons/NOPE-0000/redeem', { orderId: 'T-9', total: 60 }, till)).status).toBe(404);
    // Three weeks later, reader 8 comes to the till: their code has run out.
    const code8 = codeOf.get('offer-8@example.com')!;
    await sql`update coupons set expires_at = now() - interval '1 hour' where code = ${code8}`.execute(engine.database.db);
    const late = await engine.post(`/v1/coupons/${code8}/redeem`, { orderId: 'T-10', total: 60 }, till);
    expect(late.status).toBe(410);
    expect(late.body.message).toMatch(/^This coupon expired on /);
    const small = await engine.post(`/v1/coupons/${codeOf.get('offer-9@example.com')}/redeem`, { orderId: 'T-11', total: 30 }, till);
    expect(small.status).toBe(422);

    // The redemption is an event of the reader known by address alone.
    const events = await engine.database.db.selectFrom('events').select(['contact_id', 'properties']).where('type', '=', 'coupon_redeemed').execute();
    expect(events).toEqual([{ contact_id: reader7.id, properties: expect.objectContaining({ code: code7, order_id: 'T-7', campaign_id: 'december' }) }]);

    const report = await engine.get('/v1/coupon-campaigns/december/report');
    expect(report.body).toEqual({ campaignId: 'december', issued: 1_000, redeemed: 1, redemptions: 1, redemptionRate: 0.001, revenue: [{ currency: 'EUR', total: 52, orders: 1 }], pool: null });
  });
});

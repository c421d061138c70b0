import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../db/api-key.repository.js';
import { defaultScoringModel } from '../../domain/scoring/index.js';
import { decodeBarcode } from '../helpers/barcode-decoder.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// Coupon campaigns and the redemption API, over HTTP against the whole engine: what a marketer, a
// checkout and a cashier see.

const DAY_MS = 86_400_000;

describe('coupon campaigns and redemption', () => {
  let engine: RunningEngine;
  let shop: Record<string, string>;
  let seq = 0;

  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });
  const newContact = async (name: string) => {
    seq += 1;
    const answer = await engine.post('/v1/identify', { type: 'identify', messageId: `id-${name}-${seq}`, userId: `user-${name}`, traits: { email: `${name}@example.com`, firstName: name } });
    expect(answer.status).toBe(200);
    return answer.body.contactId as string;
  };
  const campaign = async (body: Record<string, unknown>) => {
    const answer = await engine.post('/v1/coupon-campaigns', body, admin());
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.id as string;
  };
  const issue = (campaignId: string, contactId: string, cause: string) => engine.post(`/v1/coupon-campaigns/${campaignId}/coupons`, { contactId, cause }, admin());
  const codeFor = async (campaignId: string, contactId: string, cause = 'test') => {
    const answer = await issue(campaignId, contactId, cause);
    expect([200, 201]).toContain(answer.status);
    return answer.body.code as string;
  };
  const redeem = (code: string, order: Record<string, unknown>, headers = shop) => engine.post(`/v1/coupons/${encodeURIComponent(code)}/redeem`, order, headers);
  const uploadPool = (campaignId: string, csv: string) =>
    fetch(`${engine.baseUrl}/v1/coupon-campaigns/${campaignId}/pool`, { method: 'POST', headers: { ...admin(), 'content-type': 'text/csv' }, body: csv }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const couponEvents = (code: string) =>
    engine.database.db.selectFrom('events').selectAll().where('type', '=', 'coupon_redeemed').where(sql<boolean>`properties @> ${JSON.stringify({ code })}::jsonb`).execute();

  beforeAll(async () => {
    engine = await startEngine();
    const key = await createApiKey(engine.database.db, { name: 'till 3, Lyon store', role: 'shop' });
    shop = { authorization: `Bearer ${key.key}` };
    await campaign({ id: 'spring', name: 'Spring sale', terms: { discount: { kind: 'percent', percent: 10 }, validity: { kind: 'days_from_issue', days: 30 }, codes: { kind: 'generated', prefix: 'SPRING-', length: 8 } } });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('refuses an invalid campaign with the field and reason, and a second campaign of the same id', async () => {
    const invalid = await engine.post('/v1/coupon-campaigns', { name: 'Bad', terms: { discount: { kind: 'amount', amount: 5 }, validity: { kind: 'days_from_issue', days: 0 } } }, admin());
    expect(invalid.status).toBe(400);
    const paths = invalid.body.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['terms.discount.currency', 'terms.validity.days']));
    const mixed = await engine.post('/v1/coupon-campaigns', { name: 'Mixed', terms: { discount: { kind: 'amount', amount: 5, currency: 'EUR' }, scope: { kind: 'minimum_order', amount: 30, currency: 'USD' }, validity: { kind: 'days_from_issue', days: 3 } } }, admin());
    expect(mixed.status).toBe(400);
    expect(mixed.body.issues).toEqual([{ path: 'terms.scope.currency', message: "must be the discount's currency (EUR)" }]);
    const again = await engine.post('/v1/coupon-campaigns', { id: 'spring', name: 'Spring sale', terms: { discount: { kind: 'percent', percent: 20 }, validity: { kind: 'days_from_issue', days: 3 } } }, admin());
    expect(again.status).toBe(409);
    expect((await engine.get('/v1/coupon-campaigns/spring')).body.terms.discount).toEqual({ kind: 'percent', percent: 10 });
    expect((await engine.get('/v1/coupon-campaigns')).body.campaigns.map((c: { id: string }) => c.id)).toContain('spring');
  });

  it('issues one code per contact, campaign and cause, from the unambiguous alphabet', async () => {
    const ada = await newContact('ada');
    const grace = await newContact('grace');
    const first = await issue('spring', ada, 'order-100');
    expect(first.status).toBe(201);
    expect(first.body.code).toMatch(/^SPRING-[A-HJ-NP-Z2-9]{8}$/);
    expect(Date.parse(first.body.expiresAt) - Date.now()).toBeGreaterThan(29 * DAY_MS);
    const again = await issue('spring', ada, 'order-100');
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(first.body.code);
    // Asked at once, many times: still one code.
    const racing = await Promise.all(Array.from({ length: 6 }, () => issue('spring', ada, 'order-101')));
    expect(new Set(racing.map((r) => r.body.code)).size).toBe(1);
    expect(racing.filter((r) => r.status === 201)).toHaveLength(1);
    const other = await codeFor('spring', grace, 'order-100');
    expect(new Set([first.body.code, racing[0]!.body.code, other]).size).toBe(3);
    expect((await issue('spring', '00000000-0000-4000-8000-000000000000', 'x')).status).toBe(404);
    expect((await issue('nope', ada, 'x')).status).toBe(404);
  });

  it('checks a code without redeeming it, and refuses a write key', async () => {
    const code = await codeFor('spring', await newContact('check'));
    const check = await engine.get(`/v1/coupons/${code}`, shop);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ code, valid: true, status: 'valid', discount: { kind: 'percent', percent: 10 }, scope: { kind: 'all' }, usesAllowed: 1, usesLeft: 1, campaign: { id: 'spring', name: 'Spring sale' }, redemptions: [] });
    expect(check.body.message).toMatch(/^Valid: 10 % off, valid until .* UTC\.$/);
    // Typed in lower case on a phone.
    expect((await engine.get(`/v1/coupons/${code.toLowerCase()}`, shop)).body.code).toBe(code);
    expect((await engine.get(`/v1/coupons/${code}`, { authorization: `Bearer ${engine.keys.write}` })).status).toBe(403);
    expect((await engine.get(`/v1/coupons/${code}`, {})).status).toBe(401);
    const bad = await engine.get('/v1/coupons/no%20spaces', shop);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]).toEqual({ path: 'params.code', message: 'a coupon code is letters, digits, "-", "_" or "." only' });
  });

  it('redeems once: 200, the same order again gives the same answer, another order 409 with when, unknown 404', async () => {
    const code = await codeFor('spring', await newContact('redeemer'));
    const first = await redeem(code, { orderId: 'A-1001', total: 42, currency: 'EUR' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'redeemed', code, orderId: 'A-1001', discount: { kind: 'percent', percent: 10 }, amountOff: 4.2, currency: 'EUR' });
    expect(first.body.message).toBe('Coupon accepted, 10 % off this order: take 4.20 EUR off.');
    const retry = await redeem(code, { orderId: 'A-1001', total: 42, currency: 'EUR' });
    expect(retry).toEqual(first);

    const used = await redeem(code, { orderId: 'A-1002', total: 80 });
    expect(used.status).toBe(409);
    expect(used.body).toMatchObject({ error: 'already_used', redeemedAt: first.body.redeemedAt });
    expect(used.body.message).toMatch(/^This coupon was already used on \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC, for order A-1001\.$/);

    const unknown = await redeem('SPRING-NOSUCH99', { orderId: 'A-1003', total: 10 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'unknown_coupon', message: 'Unknown coupon code: check that it was typed as printed.' });
    const invalid = await redeem(code, { total: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['orderId', 'total']);

    const check = await engine.get(`/v1/coupons/${code}`, shop);
    expect(check.body).toMatchObject({ valid: false, status: 'already_used', usesLeft: 0, redemptions: [{ orderId: 'A-1001', redeemedAt: first.body.redeemedAt }] });
  });

  it('410 for an expired code, 422 under the minimum, out of scope or in another currency, each with its message', async () => {
    const contact = await newContact('scoped');
    await campaign({ id: 'winter-past', name: 'Winter', terms: { discount: { kind: 'percent', percent: 15 }, validity: { kind: 'fixed', from: '2025-12-01T00:00:00Z', until: '2026-01-31T23:00:00Z' } } });
    const expired = await redeem(await codeFor('winter-past', contact), { orderId: 'B-1', total: 20 });
    expect(expired.status).toBe(410);
    expect(expired.body).toEqual({ error: 'expired', message: 'This coupon expired on 31 Jan 2026, 23:00 UTC.', expiresAt: '2026-01-31T23:00:00.000Z' });

    await campaign({ id: 'ten-off-fifty', name: '10 EUR off 50', terms: { discount: { kind: 'amount', amount: 10, currency: 'EUR' }, scope: { kind: 'minimum_order', amount: 50, currency: 'EUR' }, validity: { kind: 'days_from_issue', days: 7 } } });
    const minimum = await codeFor('ten-off-fifty', contact);
    const under = await redeem(minimum, { orderId: 'B-2', total: 42.5 });
    expect(under.status).toBe(422);
    expect(under.body).toEqual({ error: 'below_minimum', message: 'This coupon needs an order of at least 50.00 EUR; this order is 42.50 EUR.' });
    const dollars = await redeem(minimum, { orderId: 'B-3', total: 60, currency: 'USD' });
    expect(dollars.status).toBe(422);
    expect(dollars.body).toEqual({ error: 'currency_mismatch', message: 'This coupon is in EUR; this order is in USD.' });
    // Refusals used nothing: the code still works for a qualifying order.
    const ok = await redeem(minimum, { orderId: 'B-4', total: 64 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ amountOff: 10, currency: 'EUR', message: 'Coupon accepted, 10.00 EUR off this order: take 10.00 EUR off.' });

    await campaign({ id: 'shoes', name: 'Shoes', terms: { discount: { kind: 'percent', percent: 20 }, scope: { kind: 'categories', categories: ['Shoes', 'Boots'] }, validity: { kind: 'days_from_issue', days: 7 } } });
    const shoes = await codeFor('shoes', contact);
    const outOfScope = await redeem(shoes, { orderId: 'B-5', total: 30, categories: ['bags'] });
    expect(outOfScope.status).toBe(422);
    expect(outOfScope.body).toEqual({ error: 'out_of_scope', message: 'This coupon applies only to Shoes, Boots: nothing in this order is in those categories.' });
    const check = await engine.get(`/v1/coupons/${shoes}?total=30&categories=bags,hats`, shop);
    expect(check.body).toMatchObject({ valid: false, status: 'out_of_scope' });
    const inScope = await redeem(shoes, { orderId: 'B-6', total: 120, categories: ['bags', 'shoes'] });
    expect(inScope.status).toBe(200);
    expect(inScope.body).toMatchObject({ amountOff: null, message: 'Coupon accepted: 20 % off the Shoes, Boots in this order.' });
  });

  it('two tills redeeming one single-use code at once: exactly one 200', async () => {
    const code = await codeFor('spring', await newContact('racer'));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => redeem(code, { orderId: `R-${i}`, total: 50, currency: 'EUR' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const rows = await engine.database.db.selectFrom('coupon_redemptions').selectAll().where('code', '=', code).execute();
    expect(rows).toHaveLength(1);
    // And the same order from two tills at once: one redemption, the same answer twice.
    const twice = await codeFor('spring', await newContact('twice'));
    const [a, b] = await Promise.all([redeem(twice, { orderId: 'S-1', total: 50 }), redeem(twice, { orderId: 'S-1', total: 50 })]);
    expect(a).toEqual(b);
    expect(a.status).toBe(200);
  });

  it("two codes racing for a capped campaign's last redemption: one 200, one 410", async () => {
    await campaign({ id: 'last-one', name: 'Last one', terms: { discount: { kind: 'percent', percent: 50 }, validity: { kind: 'days_from_issue', days: 3 }, maxRedemptions: 1 } });
    const codes = await Promise.all(['cap1', 'cap2', 'cap3'].map(async (name) => codeFor('last-one', await newContact(name))));
    const answers = await Promise.all(codes.map((code, i) => redeem(code, { orderId: `CAP-${i}`, total: 10 })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
    expect(answers.find((a) => a.status === 410)?.body.error).toBe('offer_ended');
  });

  it('stores the redemption as one coupon_redeemed event that scoring sees, however often the order is retried', async () => {
    const model = { ...defaultScoringModel, engagement: { ...defaultScoringModel.engagement, rules: [...defaultScoringModel.engagement.rules, { id: 'coupon-redeemed', description: 'Redeemed a coupon', event: 'coupon_redeemed', points: 25 }] } };
    const published = await engine.put('/v1/scoring-model', model);
    expect(published.status, JSON.stringify(published.body)).toBe(202);
    await engine.temporal.client.workflow.getHandle(published.body.rescoreWorkflowId).result();

    const contactId = await newContact('scored');
    const code = await codeFor('spring', contactId);
    for (let i = 0; i < 3; i += 1) expect((await redeem(code, { orderId: 'E-1', total: 99.9, currency: 'EUR' })).status).toBe(200);
    const events = await couponEvents(code);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ contact_id: contactId, user_id: 'user-scored', properties: { code, order_id: 'E-1', total: 99.9, currency: 'EUR', campaign_id: 'spring' } });
    const score = await engine.get(`/v1/contacts/${contactId}/score`);
    expect(score.status).toBe(200);
    expect(JSON.stringify(score.body)).toContain('coupon-redeemed');
    const ledger = await engine.database.db.selectFrom('score_ledger').selectAll().where('contact_id', '=', contactId).where('rule_id', '=', 'coupon-redeemed').execute();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]!.points).toBe(25);
  });

  it('a shop reporting the sale as an event and then asking the API redeems once, with one event', async () => {
    const contactId = await newContact('reporter');
    const code = await codeFor('spring', contactId);
    const tracked = await engine.post('/v1/track', { type: 'track', event: 'coupon_redeemed', messageId: 'shop-evt-1', userId: 'user-reporter', properties: { code, order_id: 'W-77', total: 30, currency: 'EUR' } });
    expect(tracked.status).toBe(200);
    const rows = await engine.database.db.selectFrom('coupon_redemptions').selectAll().where('code', '=', code).execute();
    expect(rows).toMatchObject([{ order_id: 'W-77', source: 'event', message_id: 'shop-evt-1' }]);
    const viaApi = await redeem(code, { orderId: 'W-77', total: 30 });
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.orderId).toBe('W-77');
    expect(await couponEvents(code)).toHaveLength(1);
    expect((await redeem(code, { orderId: 'W-78', total: 30 })).status).toBe(409);
  });

  it('hands each pool code out once, in import order, and says when the pool is empty', async () => {
    await campaign({ id: 'shop-pool', name: 'Shop pool', terms: { discount: { kind: 'amount', amount: 5, currency: 'EUR' }, validity: { kind: 'days_from_issue', days: 10 }, codes: { kind: 'pool' } } });
    const invalid = await uploadPool('shop-pool', 'code\nPOOL-0001\nbad code!\n"open\n');
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues).toEqual([
      { path: 'line 3', message: '"bad code!": a coupon code is letters, digits, "-", "_" or "." only' },
      { path: 'line 4', message: 'a quote is opened and never closed' },
    ]);
    const codes = Array.from({ length: 12 }, (_, i) => `POOL-${String(i + 1).padStart(4, '0')}`);
    const csv = `id;code;value\n${codes.map((code, i) => `${i + 1};${code};5`).join('\r\n')}\n${'1;POOL-0001;5'}\n`;
    const imported = await uploadPool('shop-pool', csv);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toEqual({ imported: 12, alreadyInPool: 0, repeatedInFile: 1, taken: [], available: 12 });
    const spring = await codeFor('spring', await newContact('taken'));
    const again = await uploadPool('shop-pool', `${codes.join('\n')}\n${spring}\n`);
    expect(again.body).toEqual({ imported: 0, alreadyInPool: 12, repeatedInFile: 0, taken: [spring], available: 12 });
    expect((await uploadPool('spring', 'X-1234\n')).status).toBe(409);

    const contacts = await Promise.all(Array.from({ length: 12 }, (_, i) => newContact(`pool${i}`)));
    const issued = await Promise.all(contacts.map((id) => issue('shop-pool', id, 'welcome')));
    expect(issued.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(issued.map((r) => r.body.code).sort()).toEqual(codes);
    const repeat = await issue('shop-pool', contacts[0]!, 'welcome');
    expect(repeat.status).toBe(200);
    expect(repeat.body.code).toBe(issued[0]!.body.code);
    const empty = await issue('shop-pool', contacts[0]!, 'another cause');
    expect(empty.status).toBe(409);
    expect(empty.body.error).toBe('pool_empty');
    const pooled = await redeem(issued[3]!.body.code, { orderId: 'P-1', total: 3 });
    expect(pooled.body).toMatchObject({ status: 'redeemed', amountOff: 3, currency: 'EUR' });
  });

  it('reports issued, redeemed, redemption rate and the revenue of the redeeming orders', async () => {
    await campaign({ id: 'report', name: 'Report', terms: { discount: { kind: 'percent', percent: 5 }, validity: { kind: 'days_from_issue', days: 10 }, usesPerCode: 2, maxRedemptions: 3 } });
    const codes = await Promise.all(['r1', 'r2', 'r3', 'r4'].map(async (name) => codeFor('report', await newContact(name))));
    expect((await redeem(codes[0]!, { orderId: 'O-1', total: 100, currency: 'EUR' })).status).toBe(200);
    expect((await redeem(codes[0]!, { orderId: 'O-2', total: 50.5, currency: 'EUR' })).status).toBe(200);
    const third = await redeem(codes[0]!, { orderId: 'O-3', total: 10, currency: 'EUR' });
    expect(third.status).toBe(409);
    expect(third.body.message).toMatch(/^This coupon was already used \(all 2 uses\) on .* for order O-2\.$/);
    expect((await redeem(codes[1]!, { orderId: 'O-4', total: 20, currency: 'USD' })).status).toBe(200);
    const capped = await redeem(codes[2]!, { orderId: 'O-5', total: 20, currency: 'EUR' });
    expect(capped.status).toBe(410);
    expect(capped.body).toEqual({ error: 'offer_ended', message: 'This offer has ended: its 3 coupons have all been used.' });
    const report = await engine.get('/v1/coupon-campaigns/report/report');
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      campaignId: 'report',
      issued: 4,
      redeemed: 2,
      redemptions: 3,
      redemptionRate: 0.5,
      revenue: [
        { currency: 'EUR', total: 150.5, orders: 2 },
        { currency: 'USD', total: 20, orders: 1 },
      ],
      pool: null,
    });
    // A till's key checks and redeems, nothing else.
    const forbidden = await engine.get('/v1/coupon-campaigns/report/report', shop);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toBe('a shop key can only check and redeem coupons: this endpoint needs an admin key');
    expect((await engine.post('/v1/track', { type: 'track', event: 'x', userId: 'u', messageId: 'shop-track' }, shop)).status).toBe(403);
  });

  it('a journey node naming a campaign draws from it, and its e-mail shows a barcode a scanner reads as the code', async () => {
    const definition = {
      schemaVersion: 1,
      id: 'store-offer',
      name: 'Store offer',
      entry: { kind: 'event', event: 'store_offer_requested' },
      start: 'coupon',
      nodes: {
        coupon: { type: 'issue_coupon', campaign: 'in-store', next: 'mail' },
        mail: { type: 'send_email', template: 'birthday-offer', next: 'done' },
        done: { type: 'exit' },
      },
    };
    expect((await engine.post('/v1/journeys', { definition }, admin())).status).toBe(201);
    // Published only once the campaign exists: its coupons would never come otherwise.
    const early = await engine.post('/v1/journeys/store-offer/publish', {}, admin());
    expect(early.status).toBe(400);
    expect(early.body.issues).toMatchObject([{ nodeId: 'coupon', reason: 'campaign: no coupon campaign "in-store" (create it with POST /v1/coupon-campaigns)' }]);
    await campaign({ id: 'in-store', name: 'In store', terms: { discount: { kind: 'percent', percent: 12 }, validity: { kind: 'days_from_issue', days: 14 }, codes: { kind: 'generated', prefix: 'SHOP-', length: 8 } } });
    expect((await engine.post('/v1/journeys/store-offer/publish', {}, admin())).status).toBe(200);

    const contactId = await newContact('instore');
    expect((await engine.post('/v1/track', { type: 'track', event: 'store_offer_requested', userId: 'user-instore', messageId: 'store-offer-1', properties: {} })).status).toBe(200);
    const [mail] = await engine.smtp.waitFor((m) => m.to.includes('instore@example.com') && m.subject !== '' && m.html.includes('/b/'));
    const coupons = await engine.database.db.selectFrom('coupons').selectAll().where('contact_id', '=', contactId).where('campaign_id', '=', 'in-store').execute();
    expect(coupons).toHaveLength(1);
    const code = coupons[0]!.code;
    expect(code).toMatch(/^SHOP-[A-HJ-NP-Z2-9]{8}$/);
    expect(mail!.text).toContain(code);
    const src = /<img[^>]+src="([^"]+\/b\/[^"]+\.png)"/.exec(mail!.html)?.[1];
    expect(src?.startsWith(`${engine.baseUrl}/b/`)).toBe(true);
    const image = await fetch(src!);
    expect(image.status).toBe(200);
    expect(decodeBarcode(Buffer.from(await image.arrayBuffer()), 'code128')).toBe(code);
    // The till redeems what it scanned.
    expect((await redeem(code, { orderId: 'T-1', total: 25, currency: 'EUR' })).body).toMatchObject({ status: 'redeemed', amountOff: 3 });
  });

  it('shows every code as a Code 128 barcode and a QR code at signed URLs; a tampered token is refused', async () => {
    const answer = await issue('spring', await newContact('barcode'), 'in-store');
    const { code, barcodePath, qrPath } = answer.body as { code: string; barcodePath: string; qrPath: string };
    expect(barcodePath).toMatch(/^\/b\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.png$/);
    // No personal data in the URL: the token is the code and the symbology, signed.
    const payload = Buffer.from(barcodePath.slice(3).split('.')[0]!, 'base64url').toString('utf8');
    expect(payload).toBe(JSON.stringify([0, code]));
    for (const [path, format] of [[barcodePath, 'code128'], [qrPath, 'qr']] as const) {
      const response = await fetch(`${engine.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(decodeBarcode(Buffer.from(await response.arrayBuffer()), format)).toBe(code);
    }
    const forged = Buffer.from(JSON.stringify([0, 'SPRING-FREE0000'])).toString('base64url');
    const signature = barcodePath.slice(3, -4).split('.')[1];
    for (const path of [`/b/${forged}.${signature}.png`, `${barcodePath.slice(0, -6)}xx.png`, barcodePath.replace('.png', '.gif'), '/b/nonsense.png']) {
      expect((await fetch(`${engine.baseUrl}${path}`)).status, path).toBe(404);
    }
  });
});

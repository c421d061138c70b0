import { describe, expect, it } from 'vitest';
import { barcodeToken, readBarcodeToken, withCouponImages } from '../../domain/barcodes.js';
import { campaignIdFrom, CampaignTerms, parsePoolCsv, refusalOf, type CouponFacts } from '../../domain/coupons.js';
import { validateJourneyDefinition } from '../../domain/journeys/graph.js';
import { signToken, verifyToken } from '../../domain/tokens.js';

const secret = 'unit-test-secret-unit-test-secret-0123';
const now = new Date('2026-11-23T10:00:00Z');

const facts = (changes: Partial<CouponFacts> = {}): CouponFacts => ({
  code: 'SPRING-ABCD2345',
  discount: { kind: 'percent', percent: 10 },
  scope: { kind: 'all' },
  validFrom: null,
  expiresAt: new Date('2026-12-01T00:00:00Z'),
  usesAllowed: 1,
  redemptions: [],
  campaign: null,
  ...changes,
});

describe('coupon rules', () => {
  it('says what a cashier needs first: used, then expired, then ended, then the basket', () => {
    const usedAndExpired = facts({ redemptions: [{ orderId: 'A-1', at: new Date('2026-11-20T09:30:00Z') }], expiresAt: new Date('2026-11-21T00:00:00Z') });
    expect(refusalOf(usedAndExpired, { total: 1 }, now)).toEqual({ status: 409, reason: 'already_used', redeemedAt: '2026-11-20T09:30:00.000Z', message: 'This coupon was already used on 20 Nov 2026, 09:30 UTC, for order A-1.' });
    expect(refusalOf(facts({ expiresAt: new Date('2026-11-23T10:00:00Z') }), undefined, now)).toMatchObject({ status: 410, reason: 'expired' });
    expect(refusalOf(facts({ campaign: { id: 'c', name: 'C', maxRedemptions: 2, redemptions: 2 } }), undefined, now)).toMatchObject({ status: 410, reason: 'offer_ended' });
    expect(refusalOf(facts({ validFrom: new Date('2026-12-24T00:00:00Z'), expiresAt: new Date('2027-01-01T00:00:00Z') }), undefined, now)).toEqual({ status: 422, reason: 'not_yet_valid', message: 'This coupon can be used from 24 Dec 2026, 00:00 UTC.' });
    const minimum = facts({ scope: { kind: 'minimum_order', amount: 50, currency: 'EUR' } });
    expect(refusalOf(minimum, undefined, now)).toBeUndefined();
    expect(refusalOf(minimum, { total: 49.99 }, now)).toMatchObject({ status: 422, reason: 'below_minimum' });
    expect(refusalOf(minimum, { total: 50 }, now)).toBeUndefined();
    const categories = facts({ scope: { kind: 'categories', categories: ['Shoes'] } });
    expect(refusalOf(categories, { total: 10 }, now)?.message).toBe('This coupon applies only to Shoes: this order lists no category.');
    expect(refusalOf(categories, { total: 10, categories: [' shoes '] }, now)).toBeUndefined();
  });

  it('validates campaign terms with the field and reason, and fills the defaults', () => {
    const parsed = CampaignTerms.parse({ discount: { kind: 'percent', percent: 15 }, validity: { kind: 'days_from_issue', days: 14 } });
    expect(parsed).toEqual({ discount: { kind: 'percent', percent: 15 }, scope: { kind: 'all' }, validity: { kind: 'days_from_issue', days: 14 }, usesPerCode: 1, codes: { kind: 'generated', prefix: '', length: 10 } });
    const bad = CampaignTerms.safeParse({ discount: { kind: 'percent', percent: 150 }, validity: { kind: 'fixed', from: '2026-12-01T00:00:00Z', until: '2026-11-01T00:00:00Z' }, codes: { kind: 'generated', prefix: 'lower' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['codes.prefix', 'discount.percent', 'validity.until']);
    expect(campaignIdFrom('Soldes d’été 2026 !')).toBe('soldes-d-ete-2026');
  });

  it("reads a shop's CSV: header or not, commas, semicolons or tabs, quotes, repeats skipped, bad lines named", () => {
    expect(parsePoolCsv('\uFEFFAAA-111\r\nBBB-222\n\nAAA-111\n')).toEqual({ codes: ['AAA-111', 'BBB-222'], repeated: 1, issues: [] });
    expect(parsePoolCsv('id;Code;value\n1;"X;1";5\n2;Y-2;5\n')).toEqual({ codes: ['Y-2'], repeated: 0, issues: [{ line: 2, message: '"X;1": a coupon code is letters, digits, "-", "_" or "." only' }] });
    expect(parsePoolCsv('number\tvoucher_code\n1\tTAB-001\n2\t\n')).toEqual({ codes: ['TAB-001'], repeated: 0, issues: [{ line: 3, message: 'no code in column 2' }] });
    expect(parsePoolCsv('code,value\n"QUO-1",5\n').codes).toEqual(['QUO-1']);
  });
});

describe('barcode tokens', () => {
  it('round-trip the code and symbology, and refuse a changed code, another secret or a link token', () => {
    const token = barcodeToken(secret, 'qr', 'SPRING-ABCD2345');
    expect(readBarcodeToken(secret, token)).toEqual({ kind: 'qr', code: 'SPRING-ABCD2345' });
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify([1, 'SPRING-FREE'])).toString('base64url');
    expect(readBarcodeToken(secret, `${forged}.${signature}`)).toBeUndefined();
    expect(readBarcodeToken('another-secret-another-secret-another', token)).toBeUndefined();
    // The same secret signs links: neither kind of token passes as the other.
    const link = signToken(secret, { purpose: 'open', contactId: 'c-1', emailId: 'e-1' });
    expect(readBarcodeToken(secret, link)).toBeUndefined();
    expect(verifyToken(secret, token, 'open', now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('add barcode_url and qr_url beside a coupon code in template variables, and leave other data alone', () => {
    const data = withCouponImages({ coupon: { code: 'RL-ABC', expiresAt: 'x' }, event: { a: 1 } }, 'https://mail.example', secret);
    expect(data).toMatchObject({ event: { a: 1 }, coupon: { code: 'RL-ABC', expiresAt: 'x', barcode_url: expect.stringMatching(/^https:\/\/mail\.example\/b\/[\w-]+\.[\w-]+\.png$/), qr_url: expect.stringMatching(/\.png$/) } });
    expect(withCouponImages({ event: { a: 1 } }, 'https://mail.example', secret)).toEqual({ event: { a: 1 } });
    expect(withCouponImages(undefined, 'https://mail.example', secret)).toEqual({});
  });
});

describe('issue_coupon node', () => {
  const journeyWith = (coupon: Record<string, unknown>) => ({
    schemaVersion: 1,
    id: 'j',
    name: 'J',
    entry: { kind: 'event', event: 'x' },
    start: 'coupon',
    nodes: { coupon: { type: 'issue_coupon', ...coupon, next: 'done' }, done: { type: 'exit' } },
  });

  it('keeps the node with terms of its own valid, takes a campaign instead, and refuses a mix or neither', () => {
    expect(validateJourneyDefinition(journeyWith({ discount: { kind: 'percent', percent: 10 }, validityDays: 7 })).ok).toBe(true);
    expect(validateJourneyDefinition(journeyWith({ campaign: 'spring' })).ok).toBe(true);
    expect(validateJourneyDefinition(journeyWith({ campaign: 'spring', validityDays: 7 }))).toEqual({ ok: false, issues: [{ nodeId: 'coupon', field: 'validityDays', reason: 'validityDays: the campaign "spring" sets it: remove validityDays or campaign' }] });
    expect(validateJourneyDefinition(journeyWith({}))).toEqual({
      ok: false,
      issues: [
        { nodeId: 'coupon', field: 'discount', reason: 'discount: required, unless the node names a campaign' },
        { nodeId: 'coupon', field: 'validityDays', reason: 'validityDays: required, unless the node names a campaign' },
      ],
    });
  });
});

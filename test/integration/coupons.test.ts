import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCoupon, listCouponsForContact, redeemCouponsFromEvents } from '../../db/coupon.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('coupons', () => {
  let database: TestDatabase;
  let contactId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    contactId = (await database.db.insertInto('contacts').values({ email: 'c@example.com', traits: '{}', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  const coupon = (cause: string) => ({
    cause,
    contactId,
    journeyId: 'abandoned-cart',
    discount: { kind: 'percent' as const, percent: 10 },
    category: null,
    issuedAt: new Date('2026-11-01T00:00:00Z'),
    expiresAt: new Date('2026-11-08T00:00:00Z'),
  });

  it('issues one code per cause, however often the activity runs', async () => {
    const first = await issueCoupon(database.db, coupon('run-1/coupon/1'));
    const again = await issueCoupon(database.db, coupon('run-1/coupon/1'));
    const other = await issueCoupon(database.db, coupon('run-2/coupon/1'));
    expect(again).toEqual(first);
    expect(other.code).not.toBe(first.code);
    expect(await listCouponsForContact(database.db, contactId)).toHaveLength(2);
  });

  it('marks a coupon redeemed once from a coupon_redeemed event, not after expiry, not an unknown code', async () => {
    const { code } = await issueCoupon(database.db, coupon('run-3/coupon/1'));
    const { code: late } = await issueCoupon(database.db, coupon('run-4/coupon/1'));
    const redeemed = await redeemCouponsFromEvents(database.db, [
      { type: 'coupon_redeemed', occurredAt: '2026-11-03T10:00:00.000Z', properties: { code } },
      { type: 'coupon_redeemed', occurredAt: '2026-11-04T10:00:00.000Z', properties: { code } },
      { type: 'coupon_redeemed', occurredAt: '2026-11-09T10:00:00.000Z', properties: { code: late } },
      { type: 'coupon_redeemed', occurredAt: '2026-11-03T10:00:00.000Z', properties: { code: 'RL-NOSUCHCODE' } },
      { type: 'page_viewed', occurredAt: '2026-11-03T10:00:00.000Z', properties: { code } },
    ]);
    expect(redeemed).toBe(1);
    const rows = await listCouponsForContact(database.db, contactId);
    expect(rows.find((row) => row.code === code)?.redeemed_at?.toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(rows.find((row) => row.code === late)?.redeemed_at).toBeNull();
  });
});

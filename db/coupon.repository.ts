import { randomInt } from 'node:crypto';
import type { Db } from './connection.js';

export interface NewCoupon {
  cause: string;
  contactId: string;
  journeyId: string | null;
  discount: { kind: 'percent'; percent: number } | { kind: 'amount'; amount: number; currency: string };
  category: string | null;
  /** Journey time, like the expiry computed from it. */
  issuedAt: Date;
  expiresAt: Date;
}

// No 0/O or 1/I: codes are read aloud at a till and typed from a phone.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function randomCode(): string {
  let code = '';
  for (let i = 0; i < 10; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `RL-${code}`;
}

/** Issues the coupon of a cause once: a retry (or a replay) gets the code it was given the first time. */
export async function issueCoupon(db: Db, coupon: NewCoupon): Promise<{ code: string; expiresAt: Date }> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const inserted = await db
      .insertInto('coupons')
      .values({
        code: randomCode(),
        cause: coupon.cause,
        contact_id: coupon.contactId,
        journey_id: coupon.journeyId,
        discount_kind: coupon.discount.kind,
        discount_value: coupon.discount.kind === 'percent' ? coupon.discount.percent : coupon.discount.amount,
        currency: coupon.discount.kind === 'amount' ? coupon.discount.currency : null,
        category: coupon.category,
        created_at: coupon.issuedAt,
        expires_at: coupon.expiresAt,
      })
      .onConflict((oc) => oc.doNothing())
      .returning(['code', 'expires_at'])
      .executeTakeFirst();
    if (inserted !== undefined) return { code: inserted.code, expiresAt: inserted.expires_at };
    const existing = await db.selectFrom('coupons').select(['code', 'expires_at']).where('cause', '=', coupon.cause).executeTakeFirst();
    if (existing !== undefined) return { code: existing.code, expiresAt: existing.expires_at };
    // A code collision (one in 32^10): draw again.
  }
  throw new Error(`could not draw a free coupon code for ${coupon.cause}`);
}

/** Marks a coupon redeemed once; a second redemption of the same code changes nothing and says so. */
export async function redeemCoupon(db: Db, code: string, at: Date): Promise<'redeemed' | 'already-redeemed' | 'unknown' | 'expired'> {
  const updated = await db
    .updateTable('coupons')
    .set({ redeemed_at: at })
    .where('code', '=', code)
    .where('redeemed_at', 'is', null)
    .where('expires_at', '>', at)
    .returning('code')
    .executeTakeFirst();
  if (updated !== undefined) return 'redeemed';
  const row = await db.selectFrom('coupons').select(['redeemed_at', 'expires_at']).where('code', '=', code).executeTakeFirst();
  if (row === undefined) return 'unknown';
  return row.redeemed_at !== null ? 'already-redeemed' : 'expired';
}

export async function listCouponsForContact(db: Db, contactId: string) {
  return db.selectFrom('coupons').selectAll().where('contact_id', '=', contactId).orderBy('created_at').execute();
}

/** Marks the coupons that `coupon_redeemed` events name (`properties.code`); unknown or spent codes change nothing. */
export async function redeemCouponsFromEvents(
  db: Db,
  events: readonly { type: string; occurredAt: string; properties: Record<string, unknown> }[],
): Promise<number> {
  let redeemed = 0;
  for (const event of events) {
    const code = event.properties['code'];
    if (event.type !== 'coupon_redeemed' || typeof code !== 'string') continue;
    if ((await redeemCoupon(db, code, new Date(event.occurredAt))) === 'redeemed') redeemed += 1;
  }
  return redeemed;
}

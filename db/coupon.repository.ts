import { createHash, randomInt } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import { CODE_ALPHABET, refusalOf, type CampaignTerms, type CouponDiscount, type CouponFacts, type CouponScope, type Refusal } from '../domain/coupons.js';
import type { Db } from './connection.js';
import type { CouponRedemptionTable } from './coupon.types.js';
import type { Database } from './database.js';

type Trx = Transaction<Database>;

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

export function randomCode(prefix: string, length: number): string {
  let code = prefix;
  for (let i = 0; i < length; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * Issues the coupon of a cause once, with terms of its own (a journey node's discount and validity):
 * a retry (or a replay) gets the code it was given the first time.
 */
export async function issueCoupon(db: Db, coupon: NewCoupon): Promise<{ code: string; expiresAt: Date }> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const inserted = await db
      .insertInto('coupons')
      .values({
        code: randomCode('RL-', 10),
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
    const existing = await db
      .selectFrom('coupons')
      .select(['code', 'expires_at'])
      .where('cause', '=', coupon.cause)
      .where('campaign_id', 'is', null)
      .executeTakeFirst();
    if (existing !== undefined) return { code: existing.code, expiresAt: existing.expires_at };
    // A code collision (one in 32^10): draw again.
  }
  throw new Error(`could not draw a free coupon code for ${coupon.cause}`);
}

export async function listCouponsForContact(db: Db, contactId: string) {
  return db.selectFrom('coupons').selectAll().where('contact_id', '=', contactId).orderBy('created_at').execute();
}

export type CouponRedemption = Selectable<CouponRedemptionTable>;

/** The message id of the event a redemption through the API is stored as: the same for every retry. */
export function redemptionMessageId(code: string, orderId: string): string {
  return `coupon_redeemed:${createHash('sha256').update(JSON.stringify([code, orderId])).digest('hex').slice(0, 32)}`;
}

/** A stored coupon with what a till needs to judge it. */
export interface FoundCoupon {
  facts: CouponFacts;
  contactId: string;
  campaignId: string | null;
  redemptions: CouponRedemption[];
}

/** Codes as typed: exactly, or in capitals (generated codes are upper-case; a phone keyboard may not be). */
const spellings = (code: string) => [...new Set([code, code.toUpperCase()])];

function discountOf(row: { discount_kind: 'percent' | 'amount'; discount_value: string; currency: string | null }): CouponDiscount {
  const value = Number(row.discount_value);
  return row.discount_kind === 'percent' ? { kind: 'percent', percent: value } : { kind: 'amount', amount: value, currency: row.currency ?? '' };
}

/**
 * The coupon a code names, with its redemptions and its campaign's. `lock` takes the coupon's row
 * lock, then the campaign's when it caps redemptions (always in that order: no deadlock between
 * two tills), so what is read stays true until the caller's transaction ends.
 */
export async function findCoupon(db: Db | Trx, code: string, options: { lock: boolean } = { lock: false }): Promise<FoundCoupon | undefined> {
  let query = db
    .selectFrom('coupons')
    .selectAll()
    .where('code', 'in', spellings(code))
    .orderBy(sql`code = ${code}`, 'desc')
    .limit(1);
  if (options.lock) query = query.forUpdate();
  const coupon = await query.executeTakeFirst();
  if (coupon === undefined) return undefined;
  const redemptions = await db.selectFrom('coupon_redemptions').selectAll().where('code', '=', coupon.code).orderBy('redeemed_at').orderBy('id').execute();

  let scope: CouponScope = coupon.category === null ? { kind: 'all' } : { kind: 'categories', categories: [coupon.category] };
  let campaign: CouponFacts['campaign'] = null;
  if (coupon.campaign_id !== null) {
    const row = await db.selectFrom('coupon_campaigns').select(['id', 'name', 'terms']).where('id', '=', coupon.campaign_id).executeTakeFirstOrThrow();
    const terms = row.terms as CampaignTerms;
    scope = terms.scope;
    let used = 0;
    if (terms.maxRedemptions !== undefined) {
      // Only a capped campaign serialises its redemptions: the count must hold until this one is written.
      if (options.lock) await db.selectFrom('coupon_campaigns').select('id').where('id', '=', row.id).forUpdate().execute();
      const counted = await db.selectFrom('coupon_redemptions').select((eb) => eb.fn.countAll<string>().as('n')).where('campaign_id', '=', row.id).executeTakeFirstOrThrow();
      used = Number(counted.n);
    }
    campaign = { id: row.id, name: row.name, maxRedemptions: terms.maxRedemptions ?? null, redemptions: used };
  }
  return {
    contactId: coupon.contact_id,
    campaignId: coupon.campaign_id,
    redemptions,
    facts: {
      code: coupon.code,
      discount: discountOf(coupon),
      scope,
      validFrom: coupon.valid_from,
      expiresAt: coupon.expires_at,
      usesAllowed: coupon.uses_allowed,
      redemptions: redemptions.map((r) => ({ orderId: r.order_id, at: r.redeemed_at })),
      campaign,
    },
  };
}

export interface RedemptionRequest {
  code: string;
  orderId: string;
  total: number | null;
  currency: string | null;
  categories?: readonly string[] | undefined;
  at: Date;
  source: 'api' | 'event';
  keyName: string | null;
  /** The `coupon_redeemed` event this redemption is stored as; for the API's own, derived from the code and order. */
  messageId?: string;
  /**
   * The API judges the order (minimum, categories, currency) before a till applies the discount; an
   * event reports a sale the shop already made, so only the code itself (used, expired) is checked.
   */
  checkOrder: boolean;
}

export type RedemptionOutcome =
  | { outcome: 'unknown' }
  | { outcome: 'refused'; refusal: Refusal; coupon: FoundCoupon }
  /** `first` is false when this order had redeemed this code before: the same answer, nothing written. */
  | { outcome: 'redeemed'; first: boolean; redemption: CouponRedemption; coupon: FoundCoupon };

/**
 * The one place a code is redeemed, whether a till asked (POST /v1/coupons/:code/redeem) or a shop
 * sent a `coupon_redeemed` event: one row per code and order, under the coupon's row lock, so two
 * tills racing for a single-use code get one redemption and one refusal, and the event the API
 * stores for its own redemption finds that row and writes nothing more.
 */
export async function redeemCoupon(db: Db, request: RedemptionRequest): Promise<RedemptionOutcome> {
  return db.transaction().execute(async (trx) => {
    const coupon = await findCoupon(trx, request.code, { lock: true });
    if (coupon === undefined) return { outcome: 'unknown' as const };
    const earlier = coupon.redemptions.find((r) => r.order_id === request.orderId);
    if (earlier !== undefined) return { outcome: 'redeemed' as const, first: false, redemption: earlier, coupon };
    const order = request.total === null ? undefined : { total: request.total, ...(request.currency === null ? {} : { currency: request.currency }), ...(request.categories === undefined ? {} : { categories: [...request.categories] }) };
    const refusal = refusalOf(coupon.facts, request.checkOrder ? order : undefined, request.at);
    if (refusal !== undefined) return { outcome: 'refused' as const, refusal, coupon };
    const { discount, scope } = coupon.facts;
    const currency = request.currency ?? (discount.kind === 'amount' ? discount.currency : scope.kind === 'minimum_order' ? scope.currency : null);
    const redemption = await trx
      .insertInto('coupon_redemptions')
      .values({
        code: coupon.facts.code,
        campaign_id: coupon.campaignId,
        order_id: request.orderId,
        total: request.total,
        currency,
        redeemed_at: request.at,
        source: request.source,
        key_name: request.keyName,
        message_id: request.messageId ?? redemptionMessageId(coupon.facts.code, request.orderId),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.updateTable('coupons').set({ redeemed_at: sql<Date>`coalesce(redeemed_at, ${request.at})` }).where('code', '=', coupon.facts.code).execute();
    return { outcome: 'redeemed' as const, first: true, redemption, coupon };
  });
}

/**
 * Redeems the codes that `coupon_redeemed` events name (`properties.code`), once per code and order
 * (`properties.order_id`; an event without one stands for an order of its own); unknown, spent or
 * expired codes change nothing. Called by ingestion for every event it receives, retries included.
 */
export async function redeemCouponsFromEvents(
  db: Db,
  events: readonly { type: string; occurredAt: string; properties: Record<string, unknown>; messageId?: string }[],
): Promise<number> {
  let redeemed = 0;
  for (const event of events) {
    const code = event.properties['code'];
    if (event.type !== 'coupon_redeemed' || typeof code !== 'string') continue;
    const orderId = event.properties['order_id'];
    const total = event.properties['total'];
    const currency = event.properties['currency'];
    const messageId = event.messageId ?? `${code}@${event.occurredAt}`;
    const outcome = await redeemCoupon(db, {
      code,
      orderId: typeof orderId === 'string' || typeof orderId === 'number' ? String(orderId) : `event:${messageId}`,
      total: typeof total === 'number' && Number.isFinite(total) ? total : null,
      currency: typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : null,
      at: new Date(event.occurredAt),
      source: 'event',
      keyName: null,
      messageId,
      checkOrder: false,
    });
    if (outcome.outcome === 'redeemed' && outcome.first) redeemed += 1;
  }
  return redeemed;
}

import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connection.js';
import { ensureEmailIdentity } from '../db/consent.repository.js';
import { findContact } from '../db/contact.repository.js';
import { findCoupon, redeemCoupon, type CouponRedemption, type FoundCoupon, type RedemptionOutcome } from '../db/coupon.repository.js';
import { refusalOf, type RedeemOrder, type Refusal } from '../domain/coupons.js';
import type { InboundEvent } from '../domain/events.js';
import type { IngestService } from './ingest.service.js';

/** Who the `coupon_redeemed` event is about, by an identifier the contact already has. */
type EventIdentity = { userId: string } | { anonymousId: string } | { email: string };

/**
 * Checks and redemptions for checkouts and tills. A redemption is decided and written under the
 * coupon's row lock (db/coupon.repository.ts), then stored as a `coupon_redeemed` event through
 * ingestion, the one write path, so scoring and journeys hear it like any event. Ingestion's own
 * redemption of that event finds the row for this code and order and writes nothing more.
 */
export function createCouponService(deps: { db: Db; ingest: IngestService; log: FastifyBaseLogger }) {
  async function identityOf(contactId: string): Promise<EventIdentity | undefined> {
    const contact = await findContact(deps.db, contactId);
    if (contact === undefined) return undefined;
    const identities = await deps.db
      .selectFrom('contact_identities')
      .select(['kind', 'value'])
      .where('contact_id', '=', contact.id)
      .where('kind', 'in', ['user', 'anonymous'])
      .orderBy('created_at', 'desc')
      .execute();
    const user = identities.find((identity) => identity.kind === 'user');
    if (user !== undefined) return { userId: user.value };
    const anonymous = identities.find((identity) => identity.kind === 'anonymous');
    if (anonymous !== undefined) return { anonymousId: anonymous.value };
    if (contact.email === null) return undefined;
    // A contact known by address alone (subscribed through the API): the event names the address.
    await ensureEmailIdentity(deps.db, contact.id, contact.email);
    return { email: contact.email };
  }

  /** Stores the event a redemption through the API stands for; its message id makes a retry store nothing twice. */
  async function storeEvent(coupon: FoundCoupon, redemption: CouponRedemption, now: Date): Promise<void> {
    const identity = await identityOf(coupon.contactId);
    if (identity === undefined) {
      deps.log.warn({ code: redemption.code }, 'coupon redeemed for a contact with no identifier left: no coupon_redeemed event stored');
      return;
    }
    const event: InboundEvent = {
      type: 'track',
      event: 'coupon_redeemed',
      messageId: redemption.message_id,
      timestamp: redemption.redeemed_at.toISOString(),
      ...('userId' in identity ? { userId: identity.userId } : {}),
      ...('anonymousId' in identity ? { anonymousId: identity.anonymousId } : {}),
      properties: {
        code: redemption.code,
        order_id: redemption.order_id,
        ...(redemption.total === null ? {} : { total: Number(redemption.total) }),
        ...(redemption.currency === null ? {} : { currency: redemption.currency }),
        ...(coupon.campaignId === null ? {} : { campaign_id: coupon.campaignId }),
        ...('email' in identity ? { email: identity.email } : {}),
      },
      context: { source: 'relance-coupons', ...(redemption.key_name === null ? {} : { key: redemption.key_name }) },
    };
    await deps.ingest.ingest([event], now);
  }

  /** A code as a till sees it before redeeming: what it is worth and, for an order, whether it applies. */
  async function check(code: string, order: Omit<RedeemOrder, 'orderId'> | undefined, now: Date): Promise<{ coupon: FoundCoupon; refusal: Refusal | undefined } | undefined> {
    const coupon = await findCoupon(deps.db, code);
    if (coupon === undefined) return undefined;
    return { coupon, refusal: refusalOf(coupon.facts, order, now) };
  }

  /**
   * Redeems a code for an order: the same order again gets the same answer and writes nothing; the
   * event is stored (again, idempotently) on every successful answer, so a 200 always means both
   * the redemption and its event are committed, even after a crash between the two.
   */
  async function redeem(code: string, order: RedeemOrder, keyName: string, now: Date): Promise<RedemptionOutcome> {
    const outcome = await redeemCoupon(deps.db, {
      code,
      orderId: order.orderId,
      total: order.total,
      currency: order.currency ?? null,
      categories: order.categories,
      at: now,
      source: 'api',
      keyName,
      checkOrder: true,
    });
    if (outcome.outcome === 'redeemed' && outcome.redemption.source === 'api') await storeEvent(outcome.coupon, outcome.redemption, now);
    return outcome;
  }

  return { check, redeem };
}

export type CouponService = ReturnType<typeof createCouponService>;

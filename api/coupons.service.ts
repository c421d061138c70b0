import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/connection.js';
import { ensureEmailIdentity } from '../db/consent.repository.js';
import { findContact } from '../db/contact.repository.js';
import { campaignReport, createCampaign, findCampaign, importPoolCodes, issueCampaignCoupon, listCampaigns, PoolEmptyError, type CouponCampaign } from '../db/coupon-campaign.repository.js';
import { findCoupon, redeemCoupon, type CouponRedemption, type FoundCoupon, type RedemptionOutcome } from '../db/coupon.repository.js';
import { campaignIdFrom, parsePoolCsv, refusalOf, type NewCampaign, type RedeemOrder, type Refusal } from '../domain/coupons.js';
import type { InboundEvent } from '../domain/events.js';
import { HttpError } from './errors.js';
import type { IngestService } from './ingest.service.js';

/** Who the `coupon_redeemed` event is about, by an identifier the contact already has. */
type EventIdentity = { userId: string } | { anonymousId: string } | { email: string };

export type { CouponCampaign, CouponRedemption, FoundCoupon };

const MAX_POOL_CODES = 200_000;

/**
 * Coupon campaigns for admins (create, read, report, import a pool, issue a contact's code), and
 * checks and redemptions for checkouts and tills. A redemption is decided and written under the
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

  async function campaign(id: string): Promise<CouponCampaign> {
    const found = await findCampaign(deps.db, id);
    if (found === undefined) throw new HttpError(404, 'not_found', `no coupon campaign ${id}`);
    return found;
  }

  /** Campaigns are never changed: an id taken is a 409, not an update. */
  async function create(input: NewCampaign): Promise<CouponCampaign> {
    const id = input.id ?? campaignIdFrom(input.name);
    const created = await createCampaign(deps.db, { id, name: input.name, terms: input.terms });
    if (created === undefined) throw new HttpError(409, 'conflict', `a coupon campaign ${id} exists already: campaigns are never changed, create one with another id`, [{ path: 'id', message: 'taken' }]);
    return created;
  }

  async function report(id: string) {
    return campaignReport(deps.db, await campaign(id));
  }

  /** The contact's code of the campaign for this cause; `created` false when it had it already. */
  async function issue(id: string, request: { contactId: string; cause: string }, now: Date) {
    const found = await campaign(id);
    const contact = await findContact(deps.db, request.contactId);
    if (contact === undefined) throw new HttpError(404, 'not_found', `no contact ${request.contactId}`, [{ path: 'contactId', message: 'unknown contact' }]);
    try {
      return { campaign: found, coupon: await issueCampaignCoupon(deps.db, found, { contactId: contact.id, cause: request.cause, issuedAt: now }) };
    } catch (error) {
      if (error instanceof PoolEmptyError) throw new HttpError(409, 'pool_empty', error.message);
      throw error;
    }
  }

  /** A shop's CSV of codes: all imported or, on any bad line, none. */
  async function importPool(id: string, csv: string) {
    const found = await campaign(id);
    if (found.terms.codes.kind !== 'pool') throw new HttpError(409, 'conflict', `campaign ${found.id} generates its own codes: only a campaign with codes {"kind": "pool"} takes imported codes`);
    const parsed = parsePoolCsv(csv);
    if (parsed.issues.length > 0) {
      const issues = parsed.issues.slice(0, 100).map((issue) => ({ path: `line ${issue.line}`, message: issue.message }));
      const more = parsed.issues.length > issues.length ? ` (and ${parsed.issues.length - issues.length} more lines)` : '';
      throw new HttpError(400, 'invalid_request', `nothing imported: ${issues.map((issue) => `${issue.path}: ${issue.message}`).slice(0, 5).join('; ')}${more}`, issues);
    }
    if (parsed.codes.length === 0) throw new HttpError(400, 'invalid_request', 'nothing imported: the file holds no code', [{ path: '(body)', message: 'no code' }]);
    if (parsed.codes.length > MAX_POOL_CODES) throw new HttpError(400, 'invalid_request', `at most ${MAX_POOL_CODES} codes an upload: split the file`, [{ path: '(body)', message: 'too many codes' }]);
    const result = await importPoolCodes(deps.db, found.id, parsed.codes);
    return { ...result, repeatedInFile: parsed.repeated, taken: result.taken.slice(0, 100) };
  }

  return { create, list: () => listCampaigns(deps.db), campaign, report, issue, importPool, check, redeem };
}

export type CouponService = ReturnType<typeof createCouponService>;

import { sql, type Selectable } from 'kysely';
import type { CampaignTerms } from '../domain/coupons.js';
import type { Db } from './connection.js';
import { randomCode } from './coupon.repository.js';
import type { CouponCampaignTable } from './coupon.types.js';
import { typedArray } from './bulk-insert.js';

export type CouponCampaign = Omit<Selectable<CouponCampaignTable>, 'terms'> & { terms: CampaignTerms };

const asCampaign = (row: Selectable<CouponCampaignTable>): CouponCampaign => ({ ...row, terms: row.terms as CampaignTerms });

/** False when a campaign already has this id: campaigns are never overwritten. */
export async function createCampaign(db: Db, campaign: { id: string; name: string; terms: CampaignTerms }): Promise<CouponCampaign | undefined> {
  const row = await db
    .insertInto('coupon_campaigns')
    .values({ id: campaign.id, name: campaign.name, terms: JSON.stringify(campaign.terms) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : asCampaign(row);
}

export async function findCampaign(db: Db, id: string): Promise<CouponCampaign | undefined> {
  const row = await db.selectFrom('coupon_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : asCampaign(row);
}

export async function listCampaigns(db: Db): Promise<CouponCampaign[]> {
  return (await db.selectFrom('coupon_campaigns').selectAll().orderBy('created_at').orderBy('id').execute()).map(asCampaign);
}

/** Campaign ids that exist, of those given: journey validation names the missing ones. */
export async function existingCampaignIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('coupon_campaigns').select('id').where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((row) => row.id));
}

export interface PoolImportResult {
  imported: number;
  /** Codes this campaign's pool held already (an upload sent twice imports nothing twice). */
  alreadyInPool: number;
  /** Codes that are another campaign's, or a coupon already: never handed out twice. */
  taken: string[];
  available: number;
}

/**
 * Adds a shop's codes to a pool campaign, in file order. A code is stored once across all pools and
 * coupons, so a file uploaded twice, or a code of another campaign, adds nothing.
 */
export async function importPoolCodes(db: Db, campaignId: string, codes: readonly string[]): Promise<PoolImportResult> {
  const inserted = await sql<{ code: string }>`
    insert into coupon_pool_codes (code, campaign_id)
    select t.code, ${campaignId} from unnest(${typedArray(codes, 'text')}) with ordinality as t(code, n)
    where not exists (select 1 from coupons c where c.code = t.code)
    order by t.n
    on conflict (code) do nothing
    returning code`.execute(db);
  const importedSet = new Set(inserted.rows.map((row) => row.code));
  const rest = codes.filter((code) => !importedSet.has(code));
  let alreadyInPool = 0;
  const taken: string[] = [];
  if (rest.length > 0) {
    const own = await db.selectFrom('coupon_pool_codes').select('code').where('campaign_id', '=', campaignId).where('code', 'in', rest).execute();
    const ownSet = new Set(own.map((row) => row.code));
    alreadyInPool = ownSet.size;
    for (const code of rest) if (!ownSet.has(code)) taken.push(code);
  }
  return { imported: importedSet.size, alreadyInPool, taken, available: await availablePoolCodes(db, campaignId) };
}

async function availablePoolCodes(db: Db, campaignId: string): Promise<number> {
  const row = await db
    .selectFrom('coupon_pool_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('issued_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Thrown when a pool campaign has no code left to hand out: the shop imports more, and a retry finds one. */
export class PoolEmptyError extends Error {
  constructor(readonly campaignId: string) {
    super(`coupon campaign ${campaignId} has no pool code left: import more codes (POST /v1/coupon-campaigns/${campaignId}/pool)`);
    this.name = 'PoolEmptyError';
  }
}

export interface IssuedCoupon {
  code: string;
  validFrom: Date | null;
  expiresAt: Date;
  /** False when this contact and cause had it already. */
  created: boolean;
}

const DAY_MS = 86_400_000;

function validityOf(terms: CampaignTerms, issuedAt: Date): { validFrom: Date | null; expiresAt: Date } {
  return terms.validity.kind === 'fixed'
    ? { validFrom: terms.validity.from === undefined ? null : new Date(terms.validity.from), expiresAt: new Date(terms.validity.until) }
    : { validFrom: null, expiresAt: new Date(issuedAt.getTime() + terms.validity.days * DAY_MS) };
}

async function findIssued(db: Db, campaignId: string, contactId: string, cause: string): Promise<IssuedCoupon | undefined> {
  const row = await db
    .selectFrom('coupons')
    .select(['code', 'valid_from', 'expires_at'])
    .where('campaign_id', '=', campaignId)
    .where('contact_id', '=', contactId)
    .where('cause', '=', cause)
    .executeTakeFirst();
  return row === undefined ? undefined : { code: row.code, validFrom: row.valid_from, expiresAt: row.expires_at, created: false };
}

/** Rolls back a pool transaction that lost the race for the same contact and cause, returning the code is it. */
class AlreadyIssued extends Error {}

/**
 * The campaign's code for this contact and cause: the same contact, campaign and cause always get the
 * same code, however often or concurrently asked. A generated code is drawn from the unambiguous
 * alphabet; a pool code is taken in import order, skipping rows other issuers hold (SKIP LOCKED), and
 * marked issued in the transaction that creates its coupon, so each is handed out once.
 */
export async function issueCampaignCoupon(
  db: Db,
  campaign: CouponCampaign,
  request: { contactId: string; cause: string; journeyId?: string | null; issuedAt: Date },
): Promise<IssuedCoupon> {
  const known = await findIssued(db, campaign.id, request.contactId, request.cause);
  if (known !== undefined) return known;
  const { terms } = campaign;
  const { validFrom, expiresAt } = validityOf(terms, request.issuedAt);
  const values = {
    cause: request.cause,
    contact_id: request.contactId,
    journey_id: request.journeyId ?? null,
    campaign_id: campaign.id,
    discount_kind: terms.discount.kind,
    discount_value: terms.discount.kind === 'percent' ? terms.discount.percent : terms.discount.amount,
    currency: terms.discount.kind === 'amount' ? terms.discount.currency : null,
    category: null,
    created_at: request.issuedAt,
    valid_from: validFrom,
    expires_at: expiresAt,
    uses_allowed: terms.usesPerCode,
  };
  const codes = terms.codes;

  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (codes.kind === 'generated') {
      const inserted = await db
        .insertInto('coupons')
        .values({ ...values, code: randomCode(codes.prefix, codes.length) })
        .onConflict((oc) => oc.doNothing())
        .returning('code')
        .executeTakeFirst();
      if (inserted !== undefined) return { code: inserted.code, validFrom, expiresAt, created: true };
    } else {
      try {
        const code = await db.transaction().execute(async (trx) => {
          const next = await sql<{ code: string }>`
            select code from coupon_pool_codes
            where campaign_id = ${campaign.id} and issued_at is null
            order by position limit 1 for update skip locked`.execute(trx);
          const pooled = next.rows[0]?.code;
          if (pooled === undefined) throw new PoolEmptyError(campaign.id);
          await trx.updateTable('coupon_pool_codes').set({ issued_at: request.issuedAt }).where('code', '=', pooled).execute();
          const inserted = await trx.insertInto('coupons').values({ ...values, code: pooled }).onConflict((oc) => oc.doNothing()).returning('code').executeTakeFirst();
          if (inserted !== undefined) return inserted.code;
          // Either a concurrent call gave this contact its code for this cause (undo, so the pool
          // code goes back), or the pool code is a coupon already (keep it spent, take the next).
          if ((await findIssued(trx, campaign.id, request.contactId, request.cause)) !== undefined) throw new AlreadyIssued();
          return undefined;
        });
        if (code !== undefined) return { code, validFrom, expiresAt, created: true };
      } catch (error) {
        if (!(error instanceof AlreadyIssued)) throw error;
      }
    }
    // The insert found a coupon for this contact and cause (a concurrent call), or a code collision.
    const raced = await findIssued(db, campaign.id, request.contactId, request.cause);
    if (raced !== undefined) return raced;
  }
  throw new Error(`could not draw a free coupon code for campaign ${campaign.id}`);
}

export interface CampaignReport {
  issued: number;
  redeemed: number;
  redemptions: number;
  /** Redeemed codes over issued codes, 0 to 1. */
  redemptionRate: number;
  /** Totals of the orders that redeemed a code, per currency. */
  revenue: { currency: string | null; total: number; orders: number }[];
  pool: { imported: number; available: number } | null;
}

export async function campaignReport(db: Db, campaign: CouponCampaign): Promise<CampaignReport> {
  const [coupons, redemptions, pool] = await Promise.all([
    db
      .selectFrom('coupons')
      .select((eb) => [eb.fn.countAll<string>().as('issued'), sql<string>`count(*) filter (where redeemed_at is not null)`.as('redeemed')])
      .where('campaign_id', '=', campaign.id)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('coupon_redemptions')
      .select((eb) => ['currency', eb.fn.countAll<string>().as('orders'), sql<string | null>`sum(total)`.as('total')])
      .where('campaign_id', '=', campaign.id)
      .groupBy('currency')
      .orderBy('currency')
      .execute(),
    campaign.terms.codes.kind === 'pool'
      ? db
          .selectFrom('coupon_pool_codes')
          .select((eb) => [eb.fn.countAll<string>().as('imported'), sql<string>`count(*) filter (where issued_at is null)`.as('available')])
          .where('campaign_id', '=', campaign.id)
          .executeTakeFirstOrThrow()
      : Promise.resolve(undefined),
  ]);
  const issued = Number(coupons.issued);
  const redeemed = Number(coupons.redeemed);
  return {
    issued,
    redeemed,
    redemptions: redemptions.reduce((sum, row) => sum + Number(row.orders), 0),
    redemptionRate: issued === 0 ? 0 : Math.round((redeemed / issued) * 10_000) / 10_000,
    revenue: redemptions.map((row) => ({ currency: row.currency, total: Math.round(Number(row.total ?? 0) * 100) / 100, orders: Number(row.orders) })),
    pool: pool === undefined ? null : { imported: Number(pool.imported), available: Number(pool.available) },
  };
}

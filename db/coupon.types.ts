import type { ColumnType, Generated } from 'kysely';
import type { CampaignTerms } from '../domain/coupons.js';
import type { CreatedAt, Json, Timestamp } from './database.js';

/** A campaign is written once: its terms never change under the codes already handed out. */
export interface CouponCampaignTable {
  id: string;
  name: string;
  terms: Json<CampaignTerms>;
  created_at: CreatedAt;
}

/** Codes a shop generated and imported; `issued_at` is set in the transaction that gives one to a contact. */
export interface CouponPoolCodeTable {
  code: string;
  campaign_id: string;
  position: Generated<number>;
  imported_at: CreatedAt;
  issued_at: Timestamp | null;
}

/** One per code and order: the same order redeemed twice finds its row. */
export interface CouponRedemptionTable {
  id: Generated<number>;
  code: string;
  campaign_id: string | null;
  order_id: string;
  total: ColumnType<string | null, number | string | null, never>;
  currency: string | null;
  redeemed_at: Timestamp;
  /** `api`: a checkout or till asked us; `event`: a shop reported a `coupon_redeemed` event itself. */
  source: 'api' | 'event';
  key_name: string | null;
  /** The `coupon_redeemed` event this redemption is stored as. */
  message_id: string;
}

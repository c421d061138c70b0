import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/connection.js';
import { findCampaign, issueCampaignCoupon, PoolEmptyError } from '../db/coupon-campaign.repository.js';

/**
 * A contact's code of a campaign for a cause, as the activities that hand codes out (a journey's
 * `issue_coupon` node, a newsletter copy) need it: same contact, campaign and cause, same code, so a
 * retried activity or a replayed workflow never hands out a second one.
 */
export async function issueCampaignCode(
  db: Db,
  request: { campaignId: string; contactId: string; cause: string; issuedAt: Date; journeyId?: string },
): Promise<{ code: string; expiresAt: string }> {
  const campaign = await findCampaign(db, request.campaignId);
  // Publishing a journey and creating a newsletter check that the campaign exists; a missing one will not appear by retrying.
  if (campaign === undefined) throw ApplicationFailure.nonRetryable(`coupon campaign ${request.campaignId} does not exist`, 'CouponCampaignNotFound');
  try {
    const coupon = await issueCampaignCoupon(db, campaign, { contactId: request.contactId, cause: request.cause, journeyId: request.journeyId ?? null, issuedAt: request.issuedAt });
    return { code: coupon.code, expiresAt: coupon.expiresAt.toISOString() };
  } catch (error) {
    // An empty pool fills again when the shop imports codes: the activity retries until then, and the
    // contact gets a code late rather than never.
    if (error instanceof PoolEmptyError) throw ApplicationFailure.retryable(error.message, 'CouponPoolEmpty');
    throw error;
  }
}

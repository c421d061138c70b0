import type { ColumnType, Generated } from 'kysely';
import type { AudienceSegment, NewsletterCounts, NewsletterSchedule, NewsletterStatus, RecipientStatus } from '../domain/newsletter.js';
import type { CreatedAt, Json, Timestamp } from './database.js';

export interface NewsletterTable {
  id: Generated<string>;
  name: string;
  template: string;
  topic: string;
  audience: Json<AudienceSegment>;
  schedule: Json<NewsletterSchedule>;
  /** A cap of this newsletter's own, under the worker's SMTP rate limit (a provider's quota). */
  rate_per_second: number | null;
  status: Generated<NewsletterStatus>;
  counters: ColumnType<Partial<NewsletterCounts>, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  /** Each recipient's copy carries a code of this campaign (`{{ coupon.code }}`), issued at send time. */
  coupon_campaign_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One row per recipient, under a unique (newsletter_id, contact_id): each is counted exactly once. */
export interface NewsletterRecipientTable {
  newsletter_id: string;
  contact_id: string;
  status: Generated<RecipientStatus>;
  /** Why a recipient was skipped or failed (no-email-address, unsubscribed, cancelled…). */
  reason: string | null;
  email_id: string | null;
  send_at: Timestamp;
  updated_at: Generated<Date>;
}

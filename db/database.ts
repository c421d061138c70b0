import type { ColumnType, Generated, Selectable } from 'kysely';
import type { IdentityKind } from '../domain/identity.js';
import type { Traits } from '../domain/traits.js';
import type { AccountMemberTable, AccountTable } from './account.types.js';
import type { ApiKeyTable } from './api-key.types.js';
import type { CouponCampaignTable, CouponPoolCodeTable, CouponRedemptionTable } from './coupon.types.js';
import type { CrmDeliveryTable, HandoffActionTable, HandoffTable, RoutingCursorTable, RoutingRulesTable, SalesRepTable } from './handoff.types.js';
import type { CouponTable, JourneyNodeVisitTable, JourneyRunTable } from './journey.types.js';
import type { JourneyEntryTable, JourneyTable, JourneyVersionTable } from './journey-catalog.types.js';
import type { NewsletterRecipientTable, NewsletterTable } from './newsletter.types.js';
import type { TemplateTable, TemplateVersionTable } from './template.types.js';

/** jsonb columns are written as JSON text (pg would turn a JS array into a Postgres array) and read back parsed. */
export type Json<T> = ColumnType<T, string, string>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;


export interface ContactTable {
  id: Generated<string>;
  email: string | null;
  traits: Json<Traits>;
  stage: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  merged_into: string | null;
  last_activity_at: Timestamp | null;
  engagement_score: Generated<number>;
  engagement_scored_at: ColumnType<Date, Date | string | undefined, Date | string>;
  fit_points: Generated<number>;
  fit_grade: Generated<string>;
  /** The incremental scorer's state as `encodeScoringState` wrote it, for the model version it names; null before the first score. */
  scoring_state: Json<unknown> | null;
  /** Engagement unrounded at `engagement_scored_at`; null where it must be summed from the ledger (migration 0011). */
  engagement_sum: number | null;
  /** The oldest ledger line `engagement_sum` includes; past the window, the sum is redone from the ledger. */
  engagement_oldest_at: Timestamp | null;
}

export interface ContactMergeTable {
  from_contact_id: string;
  into_contact_id: string;
  reason: string;
  merged_at: CreatedAt;
}

export interface ScoringModelTable {
  id: string;
  version: number;
  document: Json<unknown>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  activated_at: Timestamp | null;
}

export interface ScoreLedgerTable {
  contact_id: string;
  event_id: number;
  rule_id: string;
  points: number;
  occurred_at: Timestamp;
  reason: string;
  model_version: number;
}

export interface StageTransitionTable {
  id: Generated<number>;
  contact_id: string;
  from_stage: string;
  to_stage: string;
  reason: string;
  actor: string;
  occurred_at: Timestamp;
}

export interface TraitChangeTable {
  id: Generated<number>;
  contact_id: string;
  trait: string;
  before: Json<unknown> | null;
  after: Json<unknown>;
  outcome: 'applied' | 'refused';
  actor: string;
  changed_at: CreatedAt;
}

export interface OrchestrationOutboxTable {
  id: Generated<number>;
  kind: string;
  payload: Json<unknown>;
  created_at: CreatedAt;
  attempts: Generated<number>;
  last_error: string | null;
  dispatched_at: Timestamp | null;
}

/** Every identifier a contact is known by: anonymous device ids, the site's user id, the e-mail address. */
export interface ContactIdentityTable {
  kind: IdentityKind;
  value: string;
  contact_id: string;
  created_at: CreatedAt;
}

export interface EventTable {
  id: Generated<string>;
  message_id: string;
  contact_id: string;
  type: string;
  user_id: string | null;
  anonymous_id: string | null;
  occurred_at: Timestamp;
  received_at: Timestamp;
  properties: Json<Record<string, unknown>>;
  traits: Json<Record<string, unknown>>;
  context: Json<Record<string, unknown>>;
}

/** Each message id a sender gave, once (migration 0019): the dedup of ingestion, beside the partitioned events. */
export interface EventMessageIdTable {
  message_id: string;
  /** The contact its event was stored for; a merge leaves it, readers follow `contacts.merged_into`. */
  contact_id: string;
  received_at: Timestamp;
}

/**
 * `sending`: handed to SMTP, outcome not yet recorded; `skipped`: consent, suppression or budget said
 * no (final for this cause); `deferred`: quiet hours or budget, the caller asks again later.
 */
export type EmailStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'deferred';

/**
 * The outbox of e-mails. The primary key is derived from the cause of the e-mail (journey run + node,
 * newsletter + recipient), so a retried activity or a replayed workflow finds the row and never sends twice.
 */
export interface EmailMessageTable {
  id: string;
  contact_id: string;
  template: string;
  to_address: string;
  subject: string | null;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  smtp_response: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  /** When it was handed to SMTP (set on `sending`, kept on `sent`): the weekly budget counts by it. */
  sent_at: Timestamp | null;
  category: Generated<'marketing' | 'transactional'>;
  topic: Generated<string | null>;
  skip_reason: Generated<string | null>;
  deferred_until: Generated<Date | null>;
  /** The template version sent (built-in files are version 1); null on rows older than versioned templates. */
  template_version: Generated<number | null>;
}

/** Consent per contact and topic (`all` records an unsubscribe from every marketing topic). */
export interface ContactSubscriptionTable {
  contact_id: string;
  topic: string;
  status: 'subscribed' | 'pending' | 'unsubscribed';
  /** Who changed it: `api`, `one-click`, `preferences`, `double-opt-in`, `event:<messageId>`. */
  source: string;
  updated_at: Timestamp;
  confirmed_at: Timestamp | null;
}

export interface SuppressionTable {
  address: string;
  reason: 'hard_bounce' | 'complaint' | 'manual';
  detail: string | null;
  created_at: CreatedAt;
}

/** An erasure on request: who asked and how much went, nothing about the person. */
export interface ErasureTable {
  id: Generated<number>;
  contact_id: string;
  erased_at: CreatedAt;
  /** The name of the admin key that asked. */
  erased_by: string;
  counts: Json<Record<string, number>>;
}

export interface Database {
  contacts: ContactTable;
  contact_identities: ContactIdentityTable;
  events: EventTable;
  event_message_ids: EventMessageIdTable;
  email_messages: EmailMessageTable;
  contact_merges: ContactMergeTable;
  scoring_models: ScoringModelTable;
  score_ledger: ScoreLedgerTable;
  stage_transitions: StageTransitionTable;
  trait_changes: TraitChangeTable;
  orchestration_outbox: OrchestrationOutboxTable;
  api_keys: ApiKeyTable;
  sales_reps: SalesRepTable;
  routing_rules: RoutingRulesTable;
  routing_cursors: RoutingCursorTable;
  handoffs: HandoffTable;
  handoff_actions: HandoffActionTable;
  crm_deliveries: CrmDeliveryTable;
  contact_subscriptions: ContactSubscriptionTable;
  suppressions: SuppressionTable;
  journey_runs: JourneyRunTable;
  journey_node_visits: JourneyNodeVisitTable;
  coupons: CouponTable;
  coupon_campaigns: CouponCampaignTable;
  coupon_pool_codes: CouponPoolCodeTable;
  coupon_redemptions: CouponRedemptionTable;
  journeys: JourneyTable;
  journey_versions: JourneyVersionTable;
  journey_entries: JourneyEntryTable;
  newsletters: NewsletterTable;
  newsletter_recipients: NewsletterRecipientTable;
  erasures: ErasureTable;
  accounts: AccountTable;
  account_members: AccountMemberTable;
  templates: TemplateTable;
  template_versions: TemplateVersionTable;
}

export type Contact = Selectable<ContactTable>;
export type EmailMessage = Selectable<EmailMessageTable>;

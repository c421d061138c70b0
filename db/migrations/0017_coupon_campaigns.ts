import { sql, type Kysely } from 'kysely';

// Frozen in time: Kysely<unknown>, no application imports.
//
// Coupon campaigns, pools of codes imported from a shop, and redemptions from checkouts and tills.
//
// A campaign's terms (discount, scope, validity, code format) are one jsonb document, validated by
// the application when written: a campaign is never edited, so a code's terms cannot change under a
// customer's feet. A coupon keeps its own discount and expiry (copied at issue, as before), so the
// coupons journeys issued before campaigns existed keep working unchanged: their campaign_id is null.
//
// Idempotent issue: a coupon without a campaign is still one per cause (a journey visit); a campaign
// coupon is one per campaign, contact and cause (a newsletter's cause is the same for every recipient).
//
// Redemptions are rows, one per code and order: the same order sent twice finds its row and gets the
// same answer, and two tills racing for a single-use code serialise on the coupon's row lock.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table coupon_campaigns (
      id text primary key,
      name text not null,
      terms jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`alter table coupons add column campaign_id text references coupon_campaigns (id)`.execute(db);
  await sql`alter table coupons add column valid_from timestamptz`.execute(db);
  await sql`alter table coupons add column uses_allowed integer not null default 1 check (uses_allowed > 0)`.execute(db);
  await sql`alter table coupons drop constraint coupons_cause_key`.execute(db);
  await sql`create unique index coupons_cause_once on coupons (cause) where campaign_id is null`.execute(db);
  await sql`create unique index coupons_campaign_contact_cause on coupons (campaign_id, contact_id, cause) where campaign_id is not null`.execute(db);

  // Codes a shop generated itself: each is handed out once (issued_at set in the transaction that
  // creates its coupon), in import order.
  await sql`
    create table coupon_pool_codes (
      code text primary key,
      campaign_id text not null references coupon_campaigns (id),
      position bigserial not null,
      imported_at timestamptz not null default now(),
      issued_at timestamptz
    )`.execute(db);
  await sql`create index coupon_pool_codes_available on coupon_pool_codes (campaign_id, position) where issued_at is null`.execute(db);

  // Erasing a contact deletes its coupons, and their redemptions with them.
  await sql`
    create table coupon_redemptions (
      id bigserial primary key,
      code text not null references coupons (code) on delete cascade,
      campaign_id text,
      order_id text not null,
      total numeric,
      currency text,
      redeemed_at timestamptz not null,
      source text not null check (source in ('api', 'event')),
      key_name text,
      message_id text not null,
      unique (code, order_id)
    )`.execute(db);
  await sql`create index coupon_redemptions_campaign on coupon_redemptions (campaign_id) where campaign_id is not null`.execute(db);

  // A newsletter may hand each recipient a code of one campaign ({{ coupon.code }}).
  await sql`alter table newsletters add column coupon_campaign_id text references coupon_campaigns (id)`.execute(db);

  // Checkouts and tills: a key that checks and redeems coupons, and nothing else.
  await sql`alter table api_keys drop constraint api_keys_role_check`.execute(db);
  await sql`alter table api_keys add constraint api_keys_role_check check (role in ('write', 'admin', 'sales', 'shop'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from api_keys where role = 'shop'`.execute(db);
  await sql`alter table api_keys drop constraint api_keys_role_check`.execute(db);
  await sql`alter table api_keys add constraint api_keys_role_check check (role in ('write', 'admin', 'sales'))`.execute(db);
  await sql`alter table newsletters drop column coupon_campaign_id`.execute(db);
  await sql`drop table coupon_redemptions`.execute(db);
  await sql`drop table coupon_pool_codes`.execute(db);
  await sql`drop index coupons_campaign_contact_cause`.execute(db);
  await sql`drop index coupons_cause_once`.execute(db);
  await sql`delete from coupons where campaign_id is not null`.execute(db);
  await sql`alter table coupons add constraint coupons_cause_key unique (cause)`.execute(db);
  await sql`alter table coupons drop column uses_allowed`.execute(db);
  await sql`alter table coupons drop column valid_from`.execute(db);
  await sql`alter table coupons drop column campaign_id`.execute(db);
  await sql`drop table coupon_campaigns`.execute(db);
}

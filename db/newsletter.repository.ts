import { sql } from 'kysely';
import { countsFromRows, type AudienceSegment, type NewsletterCounts, type NewsletterSchedule, type NewsletterStatus, type RecipientStatus } from '../domain/newsletter.js';
import type { Db } from './connection.js';

export interface NewNewsletter {
  name: string;
  template: string;
  topic: string;
  audience: AudienceSegment;
  schedule: NewsletterSchedule;
  ratePerSecond?: number | undefined;
  /** Each recipient's copy carries a code of this campaign, issued when it is sent. */
  couponCampaign?: string | undefined;
}

export async function createNewsletter(db: Db, newsletter: NewNewsletter) {
  return db
    .insertInto('newsletters')
    .values({
      name: newsletter.name,
      template: newsletter.template,
      topic: newsletter.topic,
      audience: JSON.stringify(newsletter.audience),
      schedule: JSON.stringify(newsletter.schedule),
      rate_per_second: newsletter.ratePerSecond ?? null,
      coupon_campaign_id: newsletter.couponCampaign ?? null,
      updated_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findNewsletter(db: Db, id: string) {
  return db.selectFrom('newsletters').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Moves a draft to `scheduled`; undefined when it was not a draft (sent, or being sent, already). */
export async function scheduleDraft(db: Db, id: string) {
  return db
    .updateTable('newsletters')
    .set({ status: 'scheduled', updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
}

export async function recordNewsletterStatus(db: Db, id: string, status: NewsletterStatus, counters?: NewsletterCounts): Promise<void> {
  const now = new Date();
  await db
    .updateTable('newsletters')
    .set({
      status,
      updated_at: now,
      ...(counters === undefined ? {} : { counters: JSON.stringify(counters) }),
      ...(status === 'sending' ? { started_at: sql<Date>`coalesce(started_at, ${now})` } : {}),
      ...(status === 'completed' || status === 'cancelled' ? { finished_at: now } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function saveCounters(db: Db, id: string, counters: NewsletterCounts): Promise<void> {
  await db.updateTable('newsletters').set({ counters: JSON.stringify(counters), updated_at: new Date() }).where('id', '=', id).execute();
}

export interface NewRecipient {
  contactId: string;
  status: RecipientStatus;
  reason: string | null;
  sendAt: Date;
}

/** Adds recipients once: a page materialised again (a retried activity) inserts nothing new. */
export async function addRecipients(db: Db, newsletterId: string, recipients: readonly NewRecipient[]): Promise<number> {
  if (recipients.length === 0) return 0;
  const result = await db
    .insertInto('newsletter_recipients')
    .values(recipients.map((r) => ({ newsletter_id: newsletterId, contact_id: r.contactId, status: r.status, reason: r.reason, email_id: null, send_at: r.sendAt })))
    .onConflict((oc) => oc.columns(['newsletter_id', 'contact_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Queued recipients due by `dueBy`, in contact id order after a keyset cursor. */
export async function dueRecipients(db: Db, newsletterId: string, page: { dueBy: Date; after: string | null; limit: number }): Promise<string[]> {
  let query = db
    .selectFrom('newsletter_recipients')
    .select('contact_id')
    .where('newsletter_id', '=', newsletterId)
    .where('status', '=', 'queued')
    .where('send_at', '<=', page.dueBy)
    .orderBy('contact_id')
    .limit(page.limit);
  if (page.after !== null) query = query.where('contact_id', '>', page.after);
  return (await query.execute()).map((row) => row.contact_id);
}

/** When the next queued copy is due (a later time zone, a deferral), or null when none is left. */
export async function nextDueAt(db: Db, newsletterId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('newsletter_recipients')
    .select((eb) => eb.fn.min('send_at').as('next'))
    .where('newsletter_id', '=', newsletterId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return row?.next ?? null;
}

export type RecipientOutcome =
  | { status: 'sent'; emailId: string }
  | { status: 'skipped' | 'failed'; reason: string; emailId: string | null }
  | { status: 'deferred'; until: Date; reason: string };

/**
 * Records what happened to a batch of recipients in one statement; only queued rows change, so an
 * outcome written twice (a retried page) cannot count anyone twice.
 */
/** The reason a cancel gives everyone it did not reach. */
export const CANCELLED = 'cancelled';

/**
 * Writes what happened to each recipient. A copy that went out is counted sent even where a cancel
 * got there first and counted it cancelled: an attempt of a page that Temporal had already given up
 * on (its heartbeat came late) can still be finishing a send, and the count follows the mailbox.
 */
export async function recordRecipientOutcomes(db: Db, newsletterId: string, outcomes: readonly { contactId: string; outcome: RecipientOutcome }[]): Promise<void> {
  if (outcomes.length === 0) return;
  const column = <T>(pick: (outcome: RecipientOutcome) => T) => outcomes.map(({ outcome }) => pick(outcome));
  const ids = outcomes.map(({ contactId }) => contactId);
  const statuses = column((o) => (o.status === 'deferred' ? 'queued' : o.status));
  const reasons = column((o) => (o.status === 'sent' ? null : o.reason));
  const emailIds = column((o) => (o.status === 'deferred' ? null : o.emailId));
  const sendAts = column((o) => (o.status === 'deferred' ? o.until.toISOString() : null));
  await sql`
    update newsletter_recipients as r
    set status = v.status, reason = v.reason, email_id = v.email_id, send_at = coalesce(v.send_at, r.send_at), updated_at = now()
    from unnest(${ids}::uuid[], ${statuses}::text[], ${reasons}::text[], ${emailIds}::text[], ${sendAts}::timestamptz[])
      as v(contact_id, status, reason, email_id, send_at)
    where r.newsletter_id = ${newsletterId} and r.contact_id = v.contact_id
      and (r.status = 'queued' or (v.status = 'sent' and r.status = 'skipped' and r.reason = ${CANCELLED}))
  `.execute(db);
}

/** A cancelled newsletter accounts for everyone it did not reach: skipped, with that reason. */
export async function skipQueued(db: Db, newsletterId: string, reason: string): Promise<number> {
  const result = await db
    .updateTable('newsletter_recipients')
    .set({ status: 'skipped', reason, updated_at: new Date() })
    .where('newsletter_id', '=', newsletterId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function recipientCounts(db: Db, newsletterId: string): Promise<NewsletterCounts> {
  const rows = await db
    .selectFrom('newsletter_recipients')
    .select(['status', 'reason', sql<number>`count(*)::int`.as('count')])
    .where('newsletter_id', '=', newsletterId)
    .groupBy(['status', 'reason'])
    .execute();
  // A deferred recipient keeps its deferral reason while queued; queued counts ignore it.
  return countsFromRows(rows);
}

/**
 * A page of newsletters, newest first, after a keyset cursor on (created_at, id): a list that grows
 * by one row a send never needs OFFSET.
 */
export async function listNewsletters(db: Db, page: { after: { createdAt: Date; id: string } | null; limit: number }) {
  let query = db.selectFrom('newsletters').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit);
  const after = page.after;
  if (after !== null) {
    query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  return query.execute();
}

/** The counts of several newsletters in one grouped query (a list page), each as recipientCounts answers it. */
export async function recipientCountsOf(db: Db, newsletterIds: readonly string[]): Promise<Map<string, NewsletterCounts>> {
  if (newsletterIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('newsletter_recipients')
    .select(['newsletter_id', 'status', 'reason', sql<number>`count(*)::int`.as('count')])
    .where('newsletter_id', 'in', newsletterIds)
    .groupBy(['newsletter_id', 'status', 'reason'])
    .execute();
  return new Map(newsletterIds.map((id) => [id, countsFromRows(rows.filter((row) => row.newsletter_id === id))]));
}

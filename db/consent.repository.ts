import { sql, type Transaction } from 'kysely';
import { ALL_TOPICS, type SubscriptionStatus, type SuppressionReason } from '../domain/send-policy.js';
import type { Traits } from '../domain/traits.js';
import type { Db } from './connection.js';
import { canonicalContactIdSql } from './contact.repository.js';
import type { Database, EmailStatus } from './database.js';

/** Everything the send path checks before an e-mail leaves, read in one round trip. */
export interface SendContext {
  contactId: string;
  email: string | null;
  traits: Traits;
  topicStatus: SubscriptionStatus | null;
  unsubscribedFromAll: boolean;
  suppression: SuppressionReason | null;
  marketingSentInWindow: number;
  oldestMarketingSentAt: Date | null;
  /** The outbox row of this e-mail from an earlier attempt, if any. */
  outbox: { status: EmailStatus; skipReason: string | null; handedOverAt: Date | null } | null;
}

/** What one e-mail's checks ask about. */
export interface SendContextRequest {
  contactId: string;
  emailId: string;
  topic: string | null;
  budgetSince: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For each request, in order: the contact (a merged profile answers as the person it merged into),
 * its consent for the topic, the suppression of its address, its marketing e-mails since
 * `budgetSince`, and the e-mail's outbox row; undefined for a contact that does not exist. One
 * statement for all of them: e-mails about to leave together are checked together, each on its own
 * row, rather than in a round trip each.
 */
export async function loadSendContexts(db: Db, requests: readonly SendContextRequest[]): Promise<(SendContext | undefined)[]> {
  // An id that is not a uuid names no contact; kept out of the statement, where its cast would fail the others.
  const asked = requests.flatMap((request, index) => (UUID.test(request.contactId) ? [{ ...request, index }] : []));
  const contexts: (SendContext | undefined)[] = new Array<SendContext | undefined>(requests.length).fill(undefined);
  if (asked.length === 0) return contexts;
  const { rows } = await sql<{
    ord: number;
    id: string;
    email: string | null;
    traits: Traits;
    topic_status: SubscriptionStatus | null;
    all_status: SubscriptionStatus | null;
    suppression: SuppressionReason | null;
    marketing_sent: number;
    oldest_marketing: Date | null;
    outbox_status: EmailStatus | null;
    outbox_skip_reason: string | null;
    outbox_sent_at: Date | null;
  }>`
    with request as (
      select r.ord::int as ord, r.contact_id, r.email_id, r.topic, r.budget_since
      from unnest(${asked.map((r) => r.contactId)}::uuid[], ${asked.map((r) => r.emailId)}::text[], ${asked.map((r) => r.topic)}::text[], ${asked.map((r) => r.budgetSince.toISOString())}::timestamptz[])
        with ordinality as r (contact_id, email_id, topic, budget_since, ord)
    )
    select request.ord, contact.id, contact.email, contact.traits,
      (select s.status from contact_subscriptions s where s.contact_id = contact.id and s.topic = request.topic) as topic_status,
      (select s.status from contact_subscriptions s where s.contact_id = contact.id and s.topic = ${ALL_TOPICS}) as all_status,
      (select x.reason from suppressions x where x.address = lower(contact.email)) as suppression,
      budget.sent as marketing_sent, budget.oldest as oldest_marketing,
      o.status as outbox_status, o.skip_reason as outbox_skip_reason, o.sent_at as outbox_sent_at
    from request
    join contacts asked on asked.id = request.contact_id
    join contacts contact on contact.id = coalesce(asked.merged_into, asked.id)
    cross join lateral (
      select count(*)::int as sent, min(m.sent_at) as oldest from email_messages m
      where m.contact_id = contact.id and m.category = 'marketing' and m.status in ('sending', 'sent') and m.sent_at > request.budget_since
    ) budget
    left join email_messages o on o.id = request.email_id`.execute(db);
  for (const row of rows) {
    const request = asked[row.ord - 1] as (typeof asked)[number];
    contexts[request.index] = {
      contactId: row.id,
      email: row.email,
      traits: row.traits,
      topicStatus: request.topic === null ? null : row.topic_status,
      unsubscribedFromAll: row.all_status === 'unsubscribed',
      suppression: row.suppression,
      marketingSentInWindow: row.marketing_sent,
      oldestMarketingSentAt: row.oldest_marketing,
      outbox: row.outbox_status === null ? null : { status: row.outbox_status, skipReason: row.outbox_skip_reason, handedOverAt: row.outbox_sent_at },
    };
  }
  return contexts;
}

export interface Subscription {
  topic: string;
  status: SubscriptionStatus;
  source: string;
  updatedAt: Date;
  confirmedAt: Date | null;
}

export async function listSubscriptions(db: Db, contactId: string): Promise<Subscription[]> {
  const rows = await db.selectFrom('contact_subscriptions').selectAll().where('contact_id', '=', contactId).orderBy('topic').execute();
  return rows.map((row) => ({ topic: row.topic, status: row.status, source: row.source, updatedAt: row.updated_at, confirmedAt: row.confirmed_at }));
}

export type SubscriptionChange = { topic: string; from: SubscriptionStatus | null; to: SubscriptionStatus };

/**
 * Sets the status of several topics of one contact. Returns the topics whose status changed, so the
 * caller records an event only for a real change (a second one-click POST changes nothing).
 */
export async function setSubscriptions(
  db: Db,
  contactId: string,
  changes: readonly { topic: string; status: SubscriptionStatus }[],
  source: string,
  now: Date,
): Promise<SubscriptionChange[]> {
  if (changes.length === 0) return [];
  return db.transaction().execute((trx) => setSubscriptionsIn(trx, contactId, changes, source, now));
}

/** As setSubscriptions, inside the caller's transaction (which may write an outbox intent beside it). */
export async function setSubscriptionsIn(
  trx: Transaction<Database>,
  contactId: string,
  changes: readonly { topic: string; status: SubscriptionStatus }[],
  source: string,
  now: Date,
): Promise<SubscriptionChange[]> {
  if (changes.length === 0) return [];
  const before = await trx
    .selectFrom('contact_subscriptions')
    .select(['topic', 'status'])
    .where('contact_id', '=', contactId)
    .where('topic', 'in', changes.map((change) => change.topic))
    .forUpdate()
    .execute();
  const previous = new Map(before.map((row) => [row.topic, row.status]));
  const changed = changes.filter((change) => previous.get(change.topic) !== change.status);
  if (changed.length > 0) {
    await trx
      .insertInto('contact_subscriptions')
      .values(changed.map((change) => ({ contact_id: contactId, topic: change.topic, status: change.status, source, updated_at: now, confirmed_at: change.status === 'subscribed' ? now : null })))
      .onConflict((oc) =>
        oc.columns(['contact_id', 'topic']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          source: eb.ref('excluded.source'),
          updated_at: eb.ref('excluded.updated_at'),
          confirmed_at: eb.ref('excluded.confirmed_at'),
        })),
      )
      .execute();
  }
  return changed.map((change) => ({ topic: change.topic, from: previous.get(change.topic) ?? null, to: change.status }));
}

/** Blocks an address; the first reason recorded stays (a hard bounce is not downgraded to manual). */
export async function suppressAddress(db: Db, address: string, reason: SuppressionReason, detail: string | null): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({ address: address.toLowerCase(), reason, detail })
    .onConflict((oc) => oc.column('address').doNothing())
    .execute();
}

export async function findSuppression(db: Db, address: string): Promise<{ reason: SuppressionReason; detail: string | null; createdAt: Date } | undefined> {
  const row = await db.selectFrom('suppressions').selectAll().where('address', '=', address.toLowerCase()).executeTakeFirst();
  return row === undefined ? undefined : { reason: row.reason, detail: row.detail, createdAt: row.created_at };
}

export async function removeSuppression(db: Db, address: string): Promise<boolean> {
  const result = await db.deleteFrom('suppressions').where('address', '=', address.toLowerCase()).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Makes sure the contact's address is one of its identities, so an event attributed through it (a
 * click, an unsubscribe) lands on this contact even when the address was set by hand, not by an event.
 * Under the contact's row lock, which a merge of the contact holds too: the identity names the
 * contact the id stands for once that merge has committed, so identities only ever name a live
 * contact (ingestion's identity lookup relies on it).
 */
export async function ensureEmailIdentity(db: Db, contactId: string, address: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom('contacts').select('id').where('id', '=', contactId).forUpdate().executeTakeFirst();
    if (locked === undefined) return;
    await trx
      .insertInto('contact_identities')
      .values({ kind: 'email', value: address.toLowerCase(), contact_id: canonicalContactIdSql(contactId) })
      .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
      .execute();
  });
}

import { sql } from 'kysely';
import type { Db } from './connection.js';
import { canonicalContactIds, mergedProfileIds } from './contact.repository.js';

export interface Erasure {
  /** The person erased: the contact the requested id resolved to. */
  contactId: string;
  /** Every profile that was that person: the contact and all profiles merged into it. */
  profileIds: string[];
  /** Journey runs that were in flight, to be told to stop once the rows are gone. */
  journeyRuns: { workflowId: string; cohortId: string | null }[];
  /** Rows deleted per table. */
  counts: Record<string, number>;
}

/**
 * Deletes a person and everything stored about them or pointing at them, in one transaction, and
 * records that it happened (without personal data). The suppression list is left as it is: a
 * bounced or complained address must stay blocked even once we no longer know whose it was.
 * Undefined when no contact has this id.
 */
export async function eraseContact(db: Db, id: string, erasedBy: string): Promise<Erasure | undefined> {
  return db.transaction().execute(async (trx) => {
    const contactId = (await canonicalContactIds(trx, [id])).get(id);
    if (contactId === undefined) return undefined;
    // Ingestion and journey activities lock the contact row: holding it keeps a concurrent event,
    // merge or journey visit from writing rows this transaction would not see.
    await trx.selectFrom('contacts').select('id').where('id', '=', contactId).forUpdate().execute();
    const ids = await mergedProfileIds(trx, contactId);
    await trx.selectFrom('contacts').select('id').where('id', 'in', ids).forUpdate().execute();

    const inFlight = await trx.selectFrom('journey_runs').select(['id', 'cohort_id']).where('contact_id', 'in', ids).where('status', 'in', ['running', 'paused']).execute();
    const handoffIds = (await trx.selectFrom('handoffs').select('id').where('contact_id', 'in', ids).execute()).map((row) => row.id);
    // events.id is a bigint read as text, score_ledger.event_id the same column type typed as a number.
    const eventIds = trx.selectFrom('events').select(sql<number>`id`.as('id')).where('contact_id', 'in', ids);

    const counts: Record<string, number> = {};
    const count = async (table: string, query: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }) => {
      counts[table] = Number((await query.executeTakeFirst()).numDeletedRows);
    };
    // The ledger has no foreign keys (migration 0009): its rows go by contact and by event.
    await count('score_ledger', trx.deleteFrom('score_ledger').where((eb) => eb.or([eb('contact_id', 'in', ids), eb('event_id', 'in', eventIds)])));
    await count('orchestration_outbox', trx.deleteFrom('orchestration_outbox').where(sql<string>`payload->>'contactId'`, 'in', ids));
    await count('journey_node_visits', trx.deleteFrom('journey_node_visits').where('contact_id', 'in', ids));
    await count('journey_runs', trx.deleteFrom('journey_runs').where('contact_id', 'in', ids));
    await count('journey_entries', trx.deleteFrom('journey_entries').where('contact_id', 'in', ids));
    await count('coupons', trx.deleteFrom('coupons').where('contact_id', 'in', ids));
    await count('newsletter_recipients', trx.deleteFrom('newsletter_recipients').where('contact_id', 'in', ids));
    if (handoffIds.length > 0) {
      await count('handoff_actions', trx.deleteFrom('handoff_actions').where('handoff_id', 'in', handoffIds));
      await count('crm_deliveries', trx.deleteFrom('crm_deliveries').where('handoff_id', 'in', handoffIds));
    } else {
      counts.handoff_actions = 0;
      counts.crm_deliveries = 0;
    }
    await count('handoffs', trx.deleteFrom('handoffs').where('contact_id', 'in', ids));
    await count('email_messages', trx.deleteFrom('email_messages').where('contact_id', 'in', ids));
    // Through the partitioned parent: every partition, the default one included (migration 0019).
    await count('events', trx.deleteFrom('events').where('contact_id', 'in', ids));
    await count('event_message_ids', trx.deleteFrom('event_message_ids').where('contact_id', 'in', ids));
    await count('contact_identities', trx.deleteFrom('contact_identities').where('contact_id', 'in', ids));
    await count('contact_subscriptions', trx.deleteFrom('contact_subscriptions').where('contact_id', 'in', ids));
    await count('stage_transitions', trx.deleteFrom('stage_transitions').where('contact_id', 'in', ids));
    await count('trait_changes', trx.deleteFrom('trait_changes').where('contact_id', 'in', ids));
    // The person leaves their accounts; an account is a company, not a person, and stays.
    await count('account_members', trx.deleteFrom('account_members').where('contact_id', 'in', ids));
    await count('contact_merges', trx.deleteFrom('contact_merges').where((eb) => eb.or([eb('from_contact_id', 'in', ids), eb('into_contact_id', 'in', ids)])));
    await count('contacts', trx.deleteFrom('contacts').where('id', 'in', ids));

    await trx.insertInto('erasures').values({ contact_id: contactId, erased_by: erasedBy, counts: JSON.stringify(counts) }).execute();
    return { contactId, profileIds: ids, journeyRuns: inFlight.map((row) => ({ workflowId: row.id, cohortId: row.cohort_id })), counts };
  });
}

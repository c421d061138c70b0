import type { NormalizedEvent } from '../domain/events.js';
import type { Db } from './connection.js';
import type { Database } from './database.js';
import type { Transaction } from 'kysely';

export async function findEventByMessageId(
  db: Db,
  messageId: string,
): Promise<{ id: number; contact_id: string } | undefined> {
  const row = await db
    .selectFrom('events')
    .select(['id', 'contact_id'])
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row === undefined ? undefined : { id: Number(row.id), contact_id: row.contact_id };
}

/** Stores an event once per messageId; answers whether this call stored it. */
export async function insertEvent(
  trx: Transaction<Database>,
  contactId: string,
  event: NormalizedEvent,
): Promise<{ stored: boolean }> {
  const inserted = await trx
    .insertInto('events')
    .values({
      message_id: event.messageId,
      contact_id: contactId,
      type: event.type,
      user_id: event.userId,
      anonymous_id: event.anonymousId,
      occurred_at: event.occurredAt,
      received_at: event.receivedAt,
      properties: JSON.stringify(event.properties),
      traits: JSON.stringify(event.traits),
      context: JSON.stringify(event.context),
    })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return { stored: inserted !== undefined };
}

import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { Contact } from './database.js';

/**
 * A contact by id. A profile merged into another answers with the merged contact, so a workflow
 * started for an anonymous profile carries on with the person it turned out to be.
 */
export async function findContact(db: Db, contactId: string): Promise<Contact | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', sql<string>`(select coalesce(merged_into, id) from contacts where id = ${contactId})`)
    .executeTakeFirst();
}

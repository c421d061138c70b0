import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { Contact } from './database.js';

/**
 * The id of the contact `contactId` stands for today, as a scalar subquery: the profile it was
 * merged into, or itself. The one SQL form of the merged-contact lookup (`canonicalContactIds` in
 * db/ingestion.ts is its batch form, in TypeScript).
 */
export function canonicalContactIdSql(contactId: string) {
  return sql<string>`(select coalesce(merged_into, id) from contacts where id = ${contactId})`;
}

/**
 * A contact by id. A profile merged into another answers with the merged contact, so a workflow
 * started for an anonymous profile carries on with the person it turned out to be.
 */
export async function findContact(db: Db, contactId: string): Promise<Contact | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', canonicalContactIdSql(contactId))
    .executeTakeFirst();
}

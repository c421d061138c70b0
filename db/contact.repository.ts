import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Db } from './connection.js';
import type { Contact, Database } from './database.js';

/**
 * The id of the contact `contactId` stands for today, as a scalar subquery: the profile it was
 * merged into, or itself. The one SQL form of the merged-contact lookup (`canonicalContactIds`
 * below is its batch form, in TypeScript).
 */
export function canonicalContactIdSql(contactId: string | RawBuilder<string>) {
  return sql<string>`(select coalesce(merged_into, id) from contacts where id = ${contactId})`;
}

/** The contact each (possibly merged) id stands for today; an unknown id is absent from the map. */
export async function canonicalContactIds(db: Db | Transaction<Database>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('contacts').select(['id', 'merged_into']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((row) => [row.id, row.merged_into ?? row.id]));
}

/**
 * The person's contact and every profile merged into it. A merge repoints the profiles merged into
 * the one it absorbs (db/ingestion/identity.repository.ts), so `merged_into` always names a live
 * contact and one level finds them all.
 */
export async function mergedProfileIds(db: Db | Transaction<Database>, contactId: string): Promise<string[]> {
  const rows = await db.selectFrom('contacts').select('id').where((eb) => eb.or([eb('id', '=', contactId), eb('merged_into', '=', contactId)])).execute();
  return rows.map((row) => row.id);
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

import { sql, type Transaction } from 'kysely';
import { mergeTraits, type TraitSource } from '../domain/traits.js';
import type { Db } from './connection.js';
import type { Contact, ContactIdentityTable, Database } from './database.js';

export interface Identity {
  kind: ContactIdentityTable['kind'];
  value: string;
}

// When two profiles claim one person, the strongest identifier decides who they are.
const STRENGTH: Record<Identity['kind'], number> = { user: 3, email: 2, anonymous: 1 };

/**
 * Finds the contact behind a set of identifiers, creating it on first sight, and links every
 * identifier to it. Runs inside the caller's transaction; advisory locks on the identifiers make
 * concurrent first events of one visitor resolve to a single contact.
 */
export async function resolveContact(trx: Transaction<Database>, identities: readonly Identity[]): Promise<string> {
  if (identities.length === 0) throw new Error('resolveContact needs at least one identity');
  const keys = identities.map((identity) => `${identity.kind}:${identity.value}`).sort();
  for (const key of keys) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
  const known = await trx
    .selectFrom('contact_identities')
    .select(['kind', 'value', 'contact_id'])
    .where((eb) => eb.or(identities.map((identity) => eb.and({ kind: identity.kind, value: identity.value }))))
    .execute();

  let contactId: string;
  if (known.length === 0) {
    const created = await trx
      .insertInto('contacts')
      .values({ traits: '{}', updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    contactId = created.id;
  } else {
    const strongest = [...known].sort((a, b) => STRENGTH[b.kind] - STRENGTH[a.kind])[0];
    contactId = strongest!.contact_id;
  }
  const missing = identities.filter(
    (identity) => !known.some((row) => row.kind === identity.kind && row.value === identity.value),
  );
  if (missing.length > 0) {
    await trx
      .insertInto('contact_identities')
      .values(missing.map((identity) => ({ ...identity, contact_id: contactId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return contactId;
}

/** Merges automatic trait updates into a contact, keeping values a sales rep set by hand. */
export async function updateContactTraits(
  trx: Transaction<Database>,
  contactId: string,
  incoming: Record<string, unknown>,
  source: TraitSource,
  at: string,
): Promise<void> {
  const row = await trx
    .selectFrom('contacts')
    .select(['traits'])
    .where('id', '=', contactId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const merged = mergeTraits(row.traits, incoming, source, at);
  if (merged.changed.length === 0) return;
  const email = merged.traits['email']?.value;
  await trx
    .updateTable('contacts')
    .set({
      traits: JSON.stringify(merged.traits),
      email: typeof email === 'string' ? email : null,
      updated_at: new Date(),
    })
    .where('id', '=', contactId)
    .execute();
}

export async function findContact(db: Db, contactId: string): Promise<Contact | undefined> {
  return db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst();
}

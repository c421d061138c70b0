import { sql, type Transaction } from 'kysely';
import { identityKey, identityOfKey, mergeProfiles, type Identity, type Merge } from '../../domain/identity.js';
import { moveMemberships } from '../accounts.js';
import { typedArray, unnestRows } from '../bulk-insert.js';
import type { StageChange } from '../contact-scoring.js';
import type { Database } from '../database.js';

// The identifiers of a batch as stored: who they belong to, the new ones linked, and the merges of
// the batch's plan (domain/identity.ts planIdentities) applied.

type Trx = Transaction<Database>;

/**
 * The contact each of `keys` (identityKey) belongs to, for those stored. Advisory locks on every
 * identifier first make concurrent batches about the same person resolve one after the other, in a
 * fixed order, so they never create two contacts for one person; they are held to the commit.
 */
export async function lockAndFindIdentities(trx: Trx, keys: readonly string[]): Promise<Map<string, string>> {
  const sorted = [...keys].sort();
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${typedArray(sorted, 'text')}) as k order by k collate "C"`.execute(trx);
  // A subquery per identifier, for index probes whatever the planner thinks of the table's size (see
  // the message-id probe in store-events.ts). An identity names a live contact: a merge moves the
  // merged profile's identities to the survivor, and the other writers hold the contact's row lock
  // (consent.repository's ensureEmailIdentity).
  const identities = sorted.map(identityOfKey);
  const found = await sql<Identity & { contact_id: string }>`
    select kind, value, contact_id from (
      select u.kind, u.value,
        (select i.contact_id from contact_identities i where i.kind = u.kind and i.value = u.value) as contact_id
      from unnest(${typedArray(identities.map((identity) => identity.kind), 'text')}, ${typedArray(identities.map((identity) => identity.value), 'text')}) as u(kind, value)) as probed
    where contact_id is not null`.execute(trx);
  return new Map(found.rows.map((row) => [identityKey(row), row.contact_id]));
}

/** Links the identifiers no stored contact had to the contact of the event that carried them; after the contacts are written. */
export async function linkNewIdentities(
  trx: Trx,
  identitiesPerEvent: readonly (readonly Identity[])[],
  contactOfEvent: readonly string[],
  /** The keys already linked when the batch looked them up. */
  stored: ReadonlySet<string>,
): Promise<void> {
  const newLinks = new Map<string, Identity & { contact_id: string }>();
  identitiesPerEvent.forEach((identities, index) => {
    for (const identity of identities) {
      if (!stored.has(identityKey(identity))) newLinks.set(identityKey(identity), { ...identity, contact_id: contactOfEvent[index]! });
    }
  });
  if (newLinks.size === 0) return;
  await sql`
    insert into contact_identities (kind, value, contact_id)
    select kind, value, contact_id from ${unnestRows('r', [...newLinks.values()], { kind: 'text', value: 'text', contact_id: 'uuid' })}
    on conflict do nothing`.execute(trx);
}

/** Applies a plan's merges in order; the stage moves they cause, to record like any other. */
export async function applyMerges(trx: Trx, merges: readonly Merge[], now: Date): Promise<StageChange[]> {
  const stageChanges: StageChange[] = [];
  for (const merge of merges) {
    const moved = await mergeContact(trx, merge, now);
    if (moved !== undefined) stageChanges.push(moved);
  }
  return stageChanges;
}

/**
 * Folds profile `from` into `into`: identifiers, events, stage history, trait audit and e-mails move;
 * the survivor's traits, stage and last activity are the two profiles' combined (mergeProfiles); the
 * score is recomputed by the caller from the union of the events. `from` stays as a pointer, so
 * workflows started for it keep working on the merged contact.
 */
async function mergeContact(trx: Trx, { from, into, reason }: Merge, now: Date): Promise<StageChange | undefined> {
  const rows = await trx.selectFrom('contacts').select(['id', 'traits', 'stage', 'last_activity_at']).where('id', 'in', [from, into]).execute();
  const source = rows.find((row) => row.id === from);
  const target = rows.find((row) => row.id === into);
  if (source === undefined || target === undefined) throw new Error(`merge ${from} → ${into}: contact missing`);
  for (const table of ['contact_identities', 'events', 'stage_transitions', 'trait_changes', 'email_messages'] as const) {
    await trx.updateTable(table).set({ contact_id: into }).where('contact_id', '=', from).execute();
  }
  await moveMemberships(trx, from, into);
  // Consent travels with the person; where both profiles have a topic, an unsubscribe wins.
  await sql`
    insert into contact_subscriptions (contact_id, topic, status, source, updated_at, confirmed_at)
    select ${into}, topic, status, source, updated_at, confirmed_at from contact_subscriptions where contact_id = ${from}
    on conflict (contact_id, topic) do update set status = 'unsubscribed', source = excluded.source, updated_at = excluded.updated_at
    where excluded.status = 'unsubscribed'`.execute(trx);
  await trx.deleteFrom('contact_subscriptions').where('contact_id', '=', from).execute();
  await trx.deleteFrom('score_ledger').where('contact_id', '=', from).execute();

  const merged = mergeProfiles(
    { traits: target.traits, stage: target.stage, lastActivityAt: target.last_activity_at },
    { traits: source.traits, stage: source.stage, lastActivityAt: source.last_activity_at },
    from,
  );
  let stageChange: StageChange | undefined;
  if (merged.stageMove !== undefined) {
    const { from: fromStage, to, reason: stageReason } = merged.stageMove;
    const transition = await trx
      .insertInto('stage_transitions')
      .values({ contact_id: into, from_stage: fromStage, to_stage: to, reason: stageReason, actor: 'identity', occurred_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    stageChange = { contactId: into, from: fromStage, to, reason: stageReason, transitionId: Number(transition.id) };
  }
  await trx
    .updateTable('contacts')
    .set({ traits: JSON.stringify(merged.traits), email: merged.email, stage: merged.stage, last_activity_at: merged.lastActivityAt, updated_at: now })
    .where('id', '=', into)
    .execute();
  await trx.updateTable('contacts').set({ merged_into: into, scoring_state: null, updated_at: now }).where((eb) => eb.or([eb('id', '=', from), eb('merged_into', '=', from)])).execute();
  await trx.updateTable('contact_merges').set({ into_contact_id: into }).where('into_contact_id', '=', from).execute();
  await trx.insertInto('contact_merges').values({ from_contact_id: from, into_contact_id: into, reason }).onConflict((oc) => oc.doNothing()).execute();
  return stageChange;
}

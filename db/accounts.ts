import { sql, type Transaction } from 'kysely';
import { accountIdOf, memberTraitsOf } from '../domain/accounts.js';
import { GROUP_CALL, type NormalizedEvent } from '../domain/events.js';
import { mergeTraits, type Traits } from '../domain/traits.js';
import { typedArray, unnestRows } from './bulk-insert.js';
import type { Database } from './database.js';

type Trx = Transaction<Database>;

// Group calls (Segment's `group`) write the account and the membership, and give members the
// account's traits as `account.<name>` (domain/accounts.ts) through ingestion's trait step, so the
// traits, their audit, fit and stage moves follow the one path identify takes. A batch without a
// group call costs nothing here: no query, one pass over its events.

interface GroupCall {
  /** Position of the call in the batch. */
  index: number;
  event: NormalizedEvent;
  accountId: string;
}

interface AccountState {
  traits: Traits;
  /** True when this batch's calls change the account's traits (or create it): it is written, its members updated. */
  changed: boolean;
}

export interface GroupCalls {
  calls: readonly GroupCall[];
  accounts: ReadonlyMap<string, AccountState>;
  /** Contacts already in an account whose traits the batch changes, per account: they carry the new values too. */
  members: ReadonlyMap<string, readonly string[]>;
}

const byTime = (a: GroupCall, b: GroupCall) => (a.event.occurredAt < b.event.occurredAt ? -1 : a.event.occurredAt > b.event.occurredAt ? 1 : a.index - b.index);

/**
 * The batch's group calls with the accounts they name, as changed by them, and the other members to
 * update. Called before the batch locks its contacts, so the members are locked with them, in the
 * one order (a second round of row locks could deadlock with another batch).
 */
export async function readGroupCalls(trx: Trx, events: readonly NormalizedEvent[]): Promise<GroupCalls | undefined> {
  const calls: GroupCall[] = [];
  events.forEach((event, index) => {
    if (event.type === GROUP_CALL) calls.push({ index, event, accountId: String(event.properties['groupId']) });
  });
  if (calls.length === 0) return undefined;
  calls.sort(byTime);
  const ids = [...new Set(calls.map((call) => call.accountId))].sort();
  // Concurrent batches naming one account apply one after the other: each sees the traits and the
  // members the other committed. Taken after the identity locks and before any row lock, always.
  await sql`select pg_advisory_xact_lock(hashtextextended('account:' || k, 0)) from unnest(${typedArray(ids, 'text')}) as k order by k collate "C"`.execute(trx);
  const stored = await trx.selectFrom('accounts').select(['id', 'traits']).where('id', 'in', ids).execute();
  const accounts = new Map<string, AccountState>(ids.map((id) => [id, { traits: {}, changed: true }]));
  for (const row of stored) accounts.set(row.id, { traits: row.traits, changed: false });
  // Oldest first, each value with its call's time: out-of-order calls converge on the newest values.
  for (const call of calls) {
    const account = accounts.get(call.accountId)!;
    const merged = mergeTraits(account.traits, call.event.traits, 'form', call.event.occurredAt);
    accounts.set(call.accountId, { traits: merged.traits, changed: account.changed || merged.changed.length > 0 });
  }
  const changed = ids.filter((id) => accounts.get(id)!.changed);
  const members = new Map<string, string[]>();
  if (changed.length > 0) {
    const rows = await trx.selectFrom('account_members').select(['account_id', 'contact_id']).where('account_id', 'in', changed).execute();
    for (const row of rows) members.set(row.account_id, [...(members.get(row.account_id) ?? []), row.contact_id]);
  }
  return { calls, accounts, members };
}

/** Every contact the group calls update besides their callers: locked and re-scored with the batch. */
export function otherMembers(groups: GroupCalls | undefined): string[] {
  return groups === undefined ? [] : [...new Set([...groups.members.values()].flat())];
}

/**
 * The traits the trait step applies for the group calls: each caller takes its account's, and every
 * other member still in that account (by its `account.id`) takes the changed values, at the time of
 * the newest call naming the account.
 */
export function groupTraitEntries(
  groups: GroupCalls,
  /** The contact of the batch's event at an index. */
  contactOf: (index: number) => string,
  /** The contact an id stands for once the batch's merges are done. */
  canonical: (contactId: string) => string,
  traitsOf: (contactId: string) => Traits,
): { event: NormalizedEvent; contactId: string; traits: Record<string, unknown> }[] {
  const entries: { event: NormalizedEvent; contactId: string; traits: Record<string, unknown> }[] = [];
  const newest = new Map<string, GroupCall>();
  for (const call of groups.calls) {
    const contactId = contactOf(call.index);
    entries.push({ event: call.event, contactId, traits: memberTraitsOf(call.accountId, groups.accounts.get(call.accountId)!.traits, traitsOf(contactId)) });
    newest.set(call.accountId, call);
  }
  const callers = new Set(groups.calls.map((call) => contactOf(call.index)));
  for (const [accountId, members] of groups.members) {
    const call = newest.get(accountId)!;
    const traits = groups.accounts.get(accountId)!.traits;
    for (const contactId of new Set(members.map(canonical))) {
      if (callers.has(contactId) || accountIdOf(traitsOf(contactId)) !== accountId) continue;
      entries.push({ event: call.event, contactId, traits: memberTraitsOf(accountId, traits, traitsOf(contactId)) });
    }
  }
  return entries;
}

/** Writes the changed accounts and the calls' memberships; after the batch's contacts exist (new ones are inserted last). */
export async function writeGroupCalls(trx: Trx, groups: GroupCalls, contactOf: (index: number) => string, now: Date): Promise<void> {
  const accounts = [...groups.accounts].filter(([, account]) => account.changed).map(([id, account]) => ({ id, traits: account.traits, updated_at: now.toISOString() }));
  if (accounts.length > 0) {
    await sql`
      insert into accounts (id, traits, updated_at)
      select id, traits, updated_at from ${unnestRows('r', accounts, { id: 'text', traits: 'jsonb', updated_at: 'timestamptz' })}
      on conflict (id) do update set traits = excluded.traits, updated_at = excluded.updated_at`.execute(trx);
  }
  // One row per (account, contact), at its newest call: an upsert may not touch a row twice.
  const memberships = new Map<string, { account_id: string; contact_id: string; at: string }>();
  for (const call of groups.calls) {
    const contactId = contactOf(call.index);
    memberships.set(`${call.accountId}/${contactId}`, { account_id: call.accountId, contact_id: contactId, at: call.event.occurredAt });
  }
  await sql`
    insert into account_members (account_id, contact_id, joined_at, updated_at)
    select account_id, contact_id, at, at from ${unnestRows('r', [...memberships.values()], { account_id: 'text', contact_id: 'uuid', at: 'timestamptz' })}
    on conflict (account_id, contact_id) do update set updated_at = greatest(account_members.updated_at, excluded.updated_at)`.execute(trx);
}

/** A merged profile's memberships go to the contact it was merged into. */
export async function moveMemberships(trx: Trx, from: string, into: string): Promise<void> {
  await sql`
    insert into account_members (account_id, contact_id, joined_at, updated_at)
    select account_id, ${into}, joined_at, updated_at from account_members where contact_id = ${from}
    on conflict (account_id, contact_id) do update
      set joined_at = least(account_members.joined_at, excluded.joined_at), updated_at = greatest(account_members.updated_at, excluded.updated_at)`.execute(trx);
  await trx.deleteFrom('account_members').where('contact_id', '=', from).execute();
}

import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { ALIAS_CALL, NEWSLETTER_SIGN_UP, PROFILE_CALLS, SIGN_UP_EVENTS, emailOf, signUpTopic, type NormalizedEvent } from '../domain/events.js';
import type { SubscriptionStatus } from '../domain/send-policy.js';
import { LifecycleStage, stageOrVisitor, type CompiledScoringModel, type ScoringEvent } from '../domain/scoring/index.js';
import { combineTraits, mergeTraits, personTraitsFrom, type Traits } from '../domain/traits.js';
import type { Db } from './connection.js';
import { groupTraitEntries, moveMemberships, otherMembers, readGroupCalls, writeGroupCalls } from './accounts.js';
import { insertEventRows, typedArray, unnestRows } from './bulk-insert.js';
import { lockScoringContacts, newScoringContact, readScoringContacts, recordStageChanges, refreshContactScores, rescoreContacts, scoreNewEvents, type StageChange } from './contact-scoring.js';
import { listSubscriptions, setSubscriptionsIn } from './consent.repository.js';
import type { ContactIdentityTable, Database } from './database.js';
import { enqueueIntents, type OrchestrationIntent } from './outbox.repository.js';

type Trx = Transaction<Database>;
type IdentityKind = ContactIdentityTable['kind'];

export interface StoredOutcome {
  messageId: string;
  contactId: string;
  /** False for a messageId stored before (a retry): acknowledged, stored once. */
  stored: boolean;
}

// When one event names identifiers of two profiles, the strongest identifier says who the person is.
const STRENGTH: Record<IdentityKind, number> = { user: 3, email: 2, anonymous: 1 };

function identitiesOf(event: NormalizedEvent): { kind: IdentityKind; value: string }[] {
  const identities: { kind: IdentityKind; value: string }[] = [];
  if (event.userId !== null) identities.push({ kind: 'user', value: event.userId });
  const email = emailOf(event);
  if (email !== undefined) identities.push({ kind: 'email', value: email });
  if (event.anonymousId !== null) identities.push({ kind: 'anonymous', value: event.anonymousId });
  // An alias names the user's previous id, which may have been an anonymous id or a former user id:
  // both are claimed (after userId, so the user's profile is the one kept) and known from now on.
  if (event.type === ALIAS_CALL) {
    const previousId = String(event.properties['previousId']);
    identities.push({ kind: 'user', value: previousId }, { kind: 'anonymous', value: previousId });
  }
  return identities;
}

const keyOf = (identity: { kind: IdentityKind; value: string }) => `${identity.kind}:${identity.value}`;

function declaredTraitsOf(event: NormalizedEvent): Record<string, unknown> {
  if (event.type === 'identified') {
    const email = emailOf(event);
    return email === undefined ? event.traits : { ...event.traits, email };
  }
  if (SIGN_UP_EVENTS.has(event.type)) {
    const traits = personTraitsFrom(event.properties);
    const email = emailOf(event);
    return email === undefined ? traits : { ...traits, email };
  }
  return {};
}

/**
 * Folds profile `from` into `into`: identifiers, events, stage history, trait audit and e-mails move;
 * traits combine (a sales value wins, else the newer); the stage is the further along of the two; the
 * score is recomputed from the union of the events. `from` stays as a pointer, so workflows started
 * for it keep working on the merged contact.
 */
async function mergeContact(trx: Trx, from: string, into: string, reason: string, now: Date): Promise<StageChange | undefined> {
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

  const traits: Traits = combineTraits(target.traits, source.traits);
  const order = LifecycleStage.options;
  const sourceStage = stageOrVisitor(source.stage);
  const targetStage = stageOrVisitor(target.stage);
  const stage = order.indexOf(sourceStage) > order.indexOf(targetStage) ? sourceStage : targetStage;
  let stageChange: StageChange | undefined;
  if (stage !== targetStage) {
    const stageReason = `merged with profile ${from}, which was ${stage}`;
    const transition = await trx
      .insertInto('stage_transitions')
      .values({ contact_id: into, from_stage: targetStage, to_stage: stage, reason: stageReason, actor: 'identity', occurred_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    stageChange = { contactId: into, from: targetStage, to: stage, reason: stageReason, transitionId: Number(transition.id) };
  }
  const email = traits['email']?.value;
  const lastActivity = [source.last_activity_at, target.last_activity_at].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  await trx
    .updateTable('contacts')
    .set({ traits: JSON.stringify(traits), email: typeof email === 'string' ? email : null, stage, last_activity_at: lastActivity, updated_at: now })
    .where('id', '=', into)
    .execute();
  await trx.updateTable('contacts').set({ merged_into: into, scoring_state: null, updated_at: now }).where((eb) => eb.or([eb('id', '=', from), eb('merged_into', '=', from)])).execute();
  await trx.updateTable('contact_merges').set({ into_contact_id: into }).where('into_contact_id', '=', from).execute();
  await trx.insertInto('contact_merges').values({ from_contact_id: from, into_contact_id: into, reason }).onConflict((oc) => oc.doNothing()).execute();
  return stageChange;
}

/**
 * Stores a batch of events in one transaction: resolves (and merges) contacts, stores each messageId
 * once, applies declared traits, scores, moves stages and writes the orchestration the batch causes
 * to the outbox. Returns the outcome per event in input order and the outbox ids to dispatch.
 */
export interface IngestionOptions {
  /** Event types some active journey listens for; each stored event of one becomes a `journey_event` intent. */
  journeyEventTypes?: ReadonlySet<string>;
  /** A newsletter sign-up event subscribes its topic as pending until the contact confirms by e-mail. */
  doubleOptIn?: boolean;
}

export async function storeEvents(
  db: Db,
  events: readonly NormalizedEvent[],
  model: CompiledScoringModel,
  now: Date,
  options: IngestionOptions = {},
): Promise<{ outcomes: StoredOutcome[]; outboxIds: number[] }> {
  // A message id this batch found unknown can be committed by a concurrent batch before this one
  // inserts it: the insert then fails on the unique key and the batch is stored again, from the
  // check of known ids, which now finds it. (An insert that skips conflicts quietly cost every
  // event a second probe of the unique index, for a race a retried request rarely wins.) Each retry
  // follows another batch's commit, so this ends; the bound is for a fault, not for traffic.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await storeEventsOnce(db, events, model, now, options);
    } catch (error) {
      if (attempt >= 10 || !isDuplicateMessageId(error)) throw error;
    }
  }
}

function isDuplicateMessageId(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === '23505' && 'constraint' in error && error.constraint === 'event_message_ids_pkey';
}

async function storeEventsOnce(
  db: Db,
  events: readonly NormalizedEvent[],
  model: CompiledScoringModel,
  now: Date,
  options: IngestionOptions,
): Promise<{ outcomes: StoredOutcome[]; outboxIds: number[] }> {
  const outcomes: (StoredOutcome | undefined)[] = new Array(events.length);
  const firstIndexOf = new Map<string, number>();
  events.forEach((event, index) => {
    if (!firstIndexOf.has(event.messageId)) firstIndexOf.set(event.messageId, index);
  });

  // One index probe per message id, as a subquery per id: as a join, the planner estimates 500 ids
  // against a young table as cheaper to scan whole, and the scan grows with every event stored. The
  // message ids have their own table (migration 0019): one probe, not one per events partition.
  const known = await sql<{ message_id: string; contact_id: string }>`
    select message_id, contact_id from (
      select m.id as message_id,
        (select coalesce(c.merged_into, c.id) from event_message_ids e join contacts c on c.id = e.contact_id where e.message_id = m.id) as contact_id
      from unnest(${typedArray([...firstIndexOf.keys()], 'text')}) as m(id)) as probed
    where contact_id is not null`.execute(db);
  const knownContact = new Map(known.rows.map((row) => [row.message_id, row.contact_id]));
  const fresh = [...firstIndexOf].filter(([messageId]) => !knownContact.has(messageId)).map(([, index]) => index);

  let outboxIds: number[] = [];
  if (fresh.length > 0) {
    outboxIds = await db.transaction().execute(async (trx) => {
      const result = await storeFresh(trx, fresh.map((index) => events[index]!), model, now, options);
      fresh.forEach((index, position) => {
        outcomes[index] = result.outcomes[position]!;
      });
      return result.outboxIds;
    });
  }
  events.forEach((event, index) => {
    if (outcomes[index] !== undefined && firstIndexOf.get(event.messageId) === index) return;
    const first = outcomes[firstIndexOf.get(event.messageId)!];
    const contactId = knownContact.get(event.messageId) ?? first?.contactId;
    outcomes[index] = { messageId: event.messageId, contactId: contactId!, stored: false };
  });
  return { outcomes: outcomes as StoredOutcome[], outboxIds };
}

/** The topics each contact signed up for in this batch's newly stored `newsletter_subscribed` events. */
function newsletterSignUps(events: readonly NormalizedEvent[], contactOf: readonly string[], hasEmail: ReadonlySet<string>): Map<string, Set<string>> {
  const signUps = new Map<string, Set<string>>();
  events.forEach((event, index) => {
    const contactId = contactOf[index]!;
    // Consent without an address to write to is nothing to act on.
    if (event.type !== NEWSLETTER_SIGN_UP || !hasEmail.has(contactId)) return;
    const topics = signUps.get(contactId) ?? new Set<string>();
    topics.add(signUpTopic(event.properties));
    signUps.set(contactId, topics);
  });
  return signUps;
}

/** A sign-up asks for consent anew (even after an unsubscribe); a confirmed subscription stays confirmed. */
async function signUpChanges(trx: Trx, contactId: string, topics: ReadonlySet<string>, doubleOptIn: boolean): Promise<{ topic: string; status: SubscriptionStatus }[]> {
  const confirmed = new Set((await listSubscriptions(trx, contactId)).filter((subscription) => subscription.status === 'subscribed').map((subscription) => subscription.topic));
  return [...topics].filter((topic) => !confirmed.has(topic)).map((topic) => ({ topic, status: doubleOptIn ? 'pending' : 'subscribed' }));
}

// Every event given has a message id not stored when checked (storeEventsOnce): all are stored, or
// the unique key fails the transaction and the batch is checked and stored again.
async function storeFresh(
  trx: Trx,
  events: readonly NormalizedEvent[],
  model: CompiledScoringModel,
  now: Date,
  { journeyEventTypes = new Set(), doubleOptIn = false }: IngestionOptions,
): Promise<{ outcomes: StoredOutcome[]; outboxIds: number[] }> {
  // 1. Identity. Advisory locks on every identifier make concurrent batches about the same person
  //    resolve one after the other, in a fixed order, so they never create two contacts for one person.
  const identitiesPerEvent = events.map(identitiesOf);
  const keys = [...new Set(identitiesPerEvent.flat().map(keyOf))].sort();
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${typedArray(keys, 'text')}) as k order by k collate "C"`.execute(trx);
  // A subquery per identifier, for index probes whatever the planner thinks of the table's size (see
  // above). An identity names a live contact: a merge moves the merged profile's identities to the
  // survivor, and the other writers hold the contact's row lock (consent.repository's ensureEmailIdentity).
  const found = await sql<{ kind: IdentityKind; value: string; contact_id: string }>`
    select kind, value, contact_id from (
      select u.kind, u.value,
        (select i.contact_id from contact_identities i where i.kind = u.kind and i.value = u.value) as contact_id
      from unnest(${typedArray(keys.map((k) => k.slice(0, k.indexOf(':'))), 'text')}, ${typedArray(keys.map((k) => k.slice(k.indexOf(':') + 1)), 'text')}) as u(kind, value)) as probed
    where contact_id is not null`.execute(trx);
  const contactOfKey = new Map(found.rows.map((row) => [`${row.kind}:${row.value}`, row.contact_id]));
  const linkedKeys = new Set(contactOfKey.keys());

  const newContacts = new Set<string>();
  const merges: { from: string; into: string; reason: string }[] = [];
  const redirect = new Map<string, string>();
  const resolve = (id: string): string => {
    let current = id;
    for (let next = redirect.get(current); next !== undefined; next = redirect.get(current)) current = next;
    return current;
  };
  const contactPerEvent = identitiesPerEvent.map((identities) => {
    const claimed = identities
      .map((identity) => ({ identity, contact: contactOfKey.get(keyOf(identity)) }))
      .filter((entry): entry is { identity: (typeof identities)[number]; contact: string } => entry.contact !== undefined)
      .map((entry) => ({ ...entry, contact: resolve(entry.contact) }))
      .sort((a, b) => STRENGTH[b.identity.kind] - STRENGTH[a.identity.kind]);
    let contactId: string;
    if (claimed.length === 0) {
      contactId = randomUUID();
      newContacts.add(contactId);
    } else {
      contactId = claimed[0]!.contact;
      for (const other of claimed.slice(1)) {
        if (other.contact === contactId) continue;
        merges.push({ from: other.contact, into: contactId, reason: `${other.identity.kind} ${other.identity.value} identified as ${claimed[0]!.identity.kind} ${claimed[0]!.identity.value}` });
        redirect.set(other.contact, contactId);
      }
    }
    for (const identity of identities) contactOfKey.set(keyOf(identity), contactId);
    return contactId;
  });

  // A contact this batch creates is inserted once, scored, by the contact write of step 5, and what
  // refers to it (identities, trait audit, stage history) follows that write. A merge reads and
  // rewrites contact rows, so a batch with one inserts its new contacts first, as they are now.
  const created = merges.length === 0 ? newContacts : new Set<string>();
  if (created.size === 0 && newContacts.size > 0) {
    await trx.insertInto('contacts').values([...newContacts].map((id) => ({ id, traits: '{}', updated_at: now, engagement_sum: 0, engagement_scored_at: now }))).execute();
  }
  // Group calls: the accounts they name, and the members who take an account's changed traits (db/accounts.ts).
  const groups = await readGroupCalls(trx, events);
  const members = otherMembers(groups);
  // Every contact this batch writes to is locked, so a contact's score is updated by one batch at a time.
  const existing = [...new Set([...contactPerEvent, ...merges.flatMap((merge) => [merge.from, merge.into]), ...members])].filter((id) => !created.has(id));
  let contacts = await lockScoringContacts(trx, existing);
  for (const id of created) contacts.set(id, newScoringContact(id, now));

  const needsRescore = new Set<string>();
  const mergeStageChanges: StageChange[] = [];
  for (const merge of merges) {
    const moved = await mergeContact(trx, merge.from, resolve(merge.into), merge.reason, now);
    // A merge that moves the stage is a stage move like any other: its `stage_changed` event and intents follow.
    if (moved !== undefined) mergeStageChanges.push(moved);
    needsRescore.add(resolve(merge.into));
  }
  const finalContact = contactPerEvent.map(resolve);
  const batchContacts = [...new Set([...finalContact, ...members.map(resolve)])];
  // A merge rewrote the surviving rows (traits, stage): read them again.
  if (merges.length > 0) contacts = await readScoringContacts(trx, batchContacts);

  // 2. Events, once per messageId: a concurrent duplicate fails the batch on the unique key (see storeEvents).
  const inserted = await insertEventRows(
    trx,
    events.map((event, index) => ({
      message_id: event.messageId,
      contact_id: finalContact[index]!,
      type: event.type,
      user_id: event.userId,
      anonymous_id: event.anonymousId,
      occurred_at: event.occurredAt,
      received_at: event.receivedAt,
      properties: event.properties,
      traits: event.traits,
      context: event.context,
    })),
  );
  const eventIdOf = new Map(inserted.map((row) => [row.message_id, row.id]));

  // 3. Declared traits, oldest first so the newest value wins, each change audited; written with the scores.
  const traitEvents = events
    .map((event, index) => ({ event, contactId: finalContact[index]!, traits: declaredTraitsOf(event) }))
    .filter((entry) => Object.keys(entry.traits).length > 0)
    .concat(groups === undefined ? [] : groupTraitEntries(groups, (index) => finalContact[index]!, resolve, (id) => contacts.get(id)?.traits ?? {}))
    .sort((a, b) => (a.event.occurredAt < b.event.occurredAt ? -1 : a.event.occurredAt > b.event.occurredAt ? 1 : 0));
  const traitsChanged = new Set<string>();
  const audit: { contact_id: string; trait: string; before: string | null; after: string; outcome: 'applied' | 'refused'; actor: string }[] = [];
  if (traitEvents.length > 0) {
    const contactIds = [...new Set(traitEvents.map((entry) => entry.contactId))];
    const traitsOf = new Map(contactIds.map((id) => [id, contacts.get(id)?.traits ?? {}]));
    for (const entry of traitEvents) {
      const merged = mergeTraits(traitsOf.get(entry.contactId) ?? {}, entry.traits, 'form', entry.event.occurredAt);
      traitsOf.set(entry.contactId, merged.traits);
      const actor = `event:${entry.event.messageId}`;
      for (const change of merged.changed) {
        audit.push({ contact_id: entry.contactId, trait: change.trait, before: change.before === undefined ? null : JSON.stringify(change.before), after: JSON.stringify(change.after), outcome: 'applied', actor });
      }
      for (const refusal of merged.protected) {
        audit.push({ contact_id: entry.contactId, trait: refusal.trait, before: JSON.stringify(refusal.kept), after: JSON.stringify(refusal.refused), outcome: 'refused', actor });
      }
    }
    for (const contactId of contactIds) {
      const traits = traitsOf.get(contactId) ?? {};
      const value = traits['email']?.value;
      const row = contacts.get(contactId);
      if (row === undefined) continue;
      contacts.set(contactId, { ...row, traits, email: typeof value === 'string' ? value : null });
      traitsChanged.add(contactId);
    }
  }

  // 4. Last activity, for search and segments: written by the contact update of step 5.
  const lastActivity = new Map<string, string>();
  events.forEach((event, index) => {
    const contactId = finalContact[index]!;
    if (PROFILE_CALLS.has(event.type)) return;
    const previous = lastActivity.get(contactId);
    if (previous === undefined || event.occurredAt > previous) lastActivity.set(contactId, event.occurredAt);
  });

  // 5. Scores and stages.
  const scoringEvents = new Map<string, ScoringEvent[]>();
  events.forEach((event, index) => {
    const id = eventIdOf.get(event.messageId);
    const contactId = finalContact[index]!;
    if (id === undefined || needsRescore.has(contactId)) return;
    const list = scoringEvents.get(contactId) ?? [];
    list.push({ id: String(id), type: event.type, occurredAt: event.occurredAt, properties: event.properties });
    scoringEvents.set(contactId, list);
  });
  const incremental = await scoreNewEvents(trx, scoringEvents, model, contacts, newContacts);
  await rescoreContacts(trx, [...needsRescore], model);
  const scored = { ...incremental, rescored: new Set([...incremental.rescored, ...needsRescore]) };
  const { changes: stageChanges, known: hasEmail } = await refreshContactScores(trx, batchContacts, model, now, { contacts, created, traitsChanged, lastActivity, scored });

  // What refers to the contacts, now that every one of them is written.
  const newLinks = new Map<string, { kind: IdentityKind; value: string; contact_id: string }>();
  identitiesPerEvent.forEach((identities, index) => {
    for (const identity of identities) {
      if (!linkedKeys.has(keyOf(identity))) newLinks.set(keyOf(identity), { ...identity, contact_id: finalContact[index]! });
    }
  });
  if (newLinks.size > 0) {
    await sql`
      insert into contact_identities (kind, value, contact_id)
      select kind, value, contact_id from ${unnestRows('r', [...newLinks.values()], { kind: 'text', value: 'text', contact_id: 'uuid' })}
      on conflict do nothing`.execute(trx);
  }
  if (audit.length > 0) await trx.insertInto('trait_changes').values(audit).execute();
  if (groups !== undefined) await writeGroupCalls(trx, groups, (index) => finalContact[index]!, now);

  // 6. What Temporal must hear about, in the same transaction as its cause.
  const intents: OrchestrationIntent[] = [];
  const welcomed = new Set<string>();
  events.forEach((event, index) => {
    const contactId = finalContact[index]!;
    if (SIGN_UP_EVENTS.has(event.type) && hasEmail.has(contactId) && !welcomed.has(contactId)) {
      welcomed.add(contactId);
      intents.push({ kind: 'welcome', contactId, eventId: eventIdOf.get(event.messageId)! });
    }
  });
  for (const [contactId, topics] of newsletterSignUps(events, finalContact, hasEmail)) {
    const changed = await setSubscriptionsIn(trx, contactId, await signUpChanges(trx, contactId, topics, doubleOptIn), `event:${NEWSLETTER_SIGN_UP}`, now);
    for (const change of changed) {
      if (change.to === 'pending') intents.push({ kind: 'subscription_confirmation', contactId, topic: change.topic, requestedAt: now.toISOString() });
    }
  }
  intents.push(...(await recordStageChanges(trx, [...mergeStageChanges, ...stageChanges], now)));
  if (journeyEventTypes.size > 0) {
    events.forEach((event, index) => {
      const eventId = eventIdOf.get(event.messageId);
      if (eventId !== undefined && journeyEventTypes.has(event.type)) intents.push({ kind: 'journey_event', eventId, contactId: finalContact[index]! });
    });
  }
  const outboxIds = await enqueueIntents(trx, intents);

  return {
    outcomes: events.map((event, index) => ({ messageId: event.messageId, contactId: finalContact[index]!, stored: true })),
    outboxIds,
  };
}

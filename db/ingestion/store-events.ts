import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { PROFILE_CALLS, SIGN_UP_EVENTS, type NormalizedEvent } from '../../domain/events.js';
import { declaredTraitsOf, identitiesOf, identityKey, planIdentities } from '../../domain/identity.js';
import type { CompiledScoringModel, ScoringEvent } from '../../domain/scoring/index.js';
import type { Db } from '../connection.js';
import { groupTraitEntries, otherMembers, readGroupCalls, writeGroupCalls } from '../accounts.js';
import { insertEventRows, typedArray } from '../bulk-insert.js';
import { lockScoringContacts, newScoringContact, readScoringContacts, recordStageChanges, refreshContactScores, rescoreContacts, scoreNewEvents } from '../contact-scoring.js';
import { canonicalContactIdSql } from '../contact.repository.js';
import type { Database } from '../database.js';
import { enqueueIntents, type OrchestrationIntent } from '../outbox.repository.js';
import { applyDeclaredTraits } from './declared-traits.js';
import { applyMerges, linkNewIdentities, lockAndFindIdentities } from './identity.repository.js';
import { subscribeSignUps } from './sign-ups.js';

type Trx = Transaction<Database>;

export interface StoredOutcome {
  messageId: string;
  contactId: string;
  /** False for a messageId stored before (a retry): acknowledged, stored once. */
  stored: boolean;
}

export interface IngestionOptions {
  /** Event types some active journey listens for; each stored event of one becomes a `journey_event` intent. */
  journeyEventTypes?: ReadonlySet<string>;
  /** A newsletter sign-up event subscribes its topic as pending until the contact confirms by e-mail. */
  doubleOptIn?: boolean;
}

/**
 * Stores a batch of events in one transaction: resolves (and merges) contacts, stores each messageId
 * once, applies declared traits, scores, moves stages and writes the orchestration the batch causes
 * to the outbox. Returns the outcome per event in input order and the outbox ids to dispatch.
 */
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
        (select ${canonicalContactIdSql(sql.ref<string>('e.contact_id'))} from event_message_ids e where e.message_id = m.id) as contact_id
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

// Every event given has a message id not stored when checked (storeEventsOnce): all are stored, or
// the unique key fails the transaction and the batch is checked and stored again.
async function storeFresh(
  trx: Trx,
  events: readonly NormalizedEvent[],
  model: CompiledScoringModel,
  now: Date,
  { journeyEventTypes = new Set(), doubleOptIn = false }: IngestionOptions,
): Promise<{ outcomes: StoredOutcome[]; outboxIds: number[] }> {
  // 1. Identity: who each event is about, and which profiles turn out to be one person (domain/identity.ts).
  const identitiesPerEvent = events.map(identitiesOf);
  const stored = await lockAndFindIdentities(trx, [...new Set(identitiesPerEvent.flat().map(identityKey))]);
  const { contactOfEvent: finalContact, created: newContacts, merges, survivorOf } = planIdentities(identitiesPerEvent, stored, randomUUID);

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
  const existing = [...new Set([...finalContact, ...merges.flatMap((merge) => [merge.from, merge.into]), ...members])].filter((id) => !created.has(id));
  let contacts = await lockScoringContacts(trx, existing);
  for (const id of created) contacts.set(id, newScoringContact(id, now));

  // A merge that moves the stage is a stage move like any other: its `stage_changed` event and intents follow.
  const mergeStageChanges = await applyMerges(trx, merges, now);
  const needsRescore = new Set(merges.map((merge) => merge.into));
  const batchContacts = [...new Set([...finalContact, ...members.map(survivorOf)])];
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

  // 3. Declared traits, each change audited; written with the scores.
  const { audit, traitsChanged } = applyDeclaredTraits(
    events
      .map((event, index) => ({ event, contactId: finalContact[index]!, traits: declaredTraitsOf(event) }))
      .filter((entry) => Object.keys(entry.traits).length > 0)
      .concat(groups === undefined ? [] : groupTraitEntries(groups, (index) => finalContact[index]!, survivorOf, (id) => contacts.get(id)?.traits ?? {})),
    contacts,
  );

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
  await linkNewIdentities(trx, identitiesPerEvent, finalContact, new Set(stored.keys()));
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
  intents.push(...(await subscribeSignUps(trx, events, finalContact, hasEmail, doubleOptIn, now)));
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

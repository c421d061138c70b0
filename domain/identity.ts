import { ALIAS_CALL, SIGN_UP_EVENTS, emailOf, type NormalizedEvent } from './events.js';
import { LifecycleStage, stageOrVisitor, type StageTransition } from './scoring/index.js';
import { combineTraits, personTraitsFrom, type Traits } from './traits.js';

// Who an event is about: the identifiers it carries, which stored profiles they name, and which of
// those profiles turn out to be one person. Storage (db/ingestion/identity.repository.ts) looks the
// identifiers up, locks them and applies the plan made here.

export type IdentityKind = 'user' | 'email' | 'anonymous';

export interface Identity {
  kind: IdentityKind;
  value: string;
}

/** One string per identifier, for maps, sets and the advisory lock that serialises batches about it. */
export const identityKey = (identity: Identity): string => `${identity.kind}:${identity.value}`;

/** The identifier a key names (the inverse of identityKey: a kind never holds a colon, a value may). */
export function identityOfKey(key: string): Identity {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as IdentityKind, value: key.slice(colon + 1) };
}

// When one event names identifiers of two profiles, the strongest identifier says who the person is.
const STRENGTH: Record<IdentityKind, number> = { user: 3, email: 2, anonymous: 1 };

/**
 * The identifiers an event carries, strongest first (user id, e-mail, anonymous id): the first one
 * that names a stored profile names the profile the others merge into.
 */
export function identitiesOf(event: NormalizedEvent): Identity[] {
  const identities: Identity[] = [];
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
  // Stable: of two identifiers of one kind, the one pushed first (userId before previousId) leads.
  return identities.sort((a, b) => STRENGTH[b.kind] - STRENGTH[a.kind]);
}

/** The traits an event declares about its person: an identify call's, or the person fields of a sign-up form. */
export function declaredTraitsOf(event: NormalizedEvent): Record<string, unknown> {
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

export interface Merge {
  /** The profile that stops being a person of its own. */
  from: string;
  /** The profile it is folded into: the survivor once every merge of the plan is done. */
  into: string;
  /** Which identifier showed the two to be one person, stored with the merge. */
  reason: string;
}

export interface IdentityPlan {
  /** The contact each event belongs to, in the order of the events, once the plan's merges are done. */
  contactOfEvent: string[];
  /** Contacts no stored identifier named: the batch creates them (some may be merged by a later event). */
  created: ReadonlySet<string>;
  /** The merges, in the order they are applied. */
  merges: Merge[];
  /** The contact a contact id stands for once the plan's merges are done (itself when not merged). */
  survivorOf: (contactId: string) => string;
}

/**
 * Who each event of a batch is about, event after event: an event's first identifier (strongest
 * first, see identitiesOf) that names a profile names its contact, every other profile its
 * identifiers name merges into that one, and an event naming none gets a new contact. Each event
 * claims all its identifiers for its contact, so the events after it, in this batch, find them
 * there: an anonymous page view then an identify of the same anonymous id are one person.
 */
export function planIdentities(
  identitiesPerEvent: readonly (readonly Identity[])[],
  /** The contact each stored identifier (by identityKey) belongs to. */
  stored: ReadonlyMap<string, string>,
  newContactId: () => string,
): IdentityPlan {
  const contactOfKey = new Map(stored);
  const created = new Set<string>();
  const redirect = new Map<string, string>();
  const pending: Merge[] = [];
  const survivorOf = (id: string): string => {
    let current = id;
    for (let next = redirect.get(current); next !== undefined; next = redirect.get(current)) current = next;
    return current;
  };
  const contactPerEvent = identitiesPerEvent.map((identities) => {
    const claimed = identities.flatMap((identity) => {
      const contact = contactOfKey.get(identityKey(identity));
      return contact === undefined ? [] : [{ identity, contact: survivorOf(contact) }];
    });
    let contactId: string;
    if (claimed.length === 0) {
      contactId = newContactId();
      created.add(contactId);
    } else {
      const [lead, ...others] = claimed;
      contactId = lead!.contact;
      for (const other of others) {
        if (other.contact === contactId) continue;
        pending.push({ from: other.contact, into: contactId, reason: `${other.identity.kind} ${other.identity.value} identified as ${lead!.identity.kind} ${lead!.identity.value}` });
        redirect.set(other.contact, contactId);
      }
    }
    for (const identity of identities) contactOfKey.set(identityKey(identity), contactId);
    return contactId;
  });
  // A later event may merge a survivor in turn: each merge goes straight to the final survivor.
  const merges = pending.map((merge) => ({ ...merge, into: survivorOf(merge.into) }));
  return { contactOfEvent: contactPerEvent.map(survivorOf), created, merges, survivorOf };
}

export interface MergeableProfile {
  traits: Traits;
  stage: string;
  lastActivityAt: Date | null;
}

export interface MergedProfile {
  traits: Traits;
  /** The address the combined traits hold, if any. */
  email: string | null;
  stage: LifecycleStage;
  /** The survivor's stage move the merge causes, if the merged profile was further along. */
  stageMove: StageTransition | undefined;
  lastActivityAt: Date | null;
}

/**
 * The survivor once `merged` (id `mergedId`) is folded into it: traits combine (a sales value wins,
 * else the newer), the stage is the further along of the two, the last activity the newer.
 */
export function mergeProfiles(survivor: MergeableProfile, merged: MergeableProfile, mergedId: string): MergedProfile {
  const traits = combineTraits(survivor.traits, merged.traits);
  const order = LifecycleStage.options;
  const mergedStage = stageOrVisitor(merged.stage);
  const survivorStage = stageOrVisitor(survivor.stage);
  const stage = order.indexOf(mergedStage) > order.indexOf(survivorStage) ? mergedStage : survivorStage;
  const stageMove = stage === survivorStage ? undefined : { from: survivorStage, to: stage, reason: `merged with profile ${mergedId}, which was ${stage}` };
  const email = traits['email']?.value;
  const lastActivityAt = [merged.lastActivityAt, survivor.lastActivityAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  return { traits, email: typeof email === 'string' ? email : null, stage, stageMove, lastActivityAt };
}

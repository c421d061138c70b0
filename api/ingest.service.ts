import type { Db } from '../db/connection.js';
import { resolveContact, updateContactTraits, type Identity } from '../db/contact.repository.js';
import { findEventByMessageId, insertEvent } from '../db/event.repository.js';
import { SIGN_UP_EVENTS, emailOf, normalizeEvent, type InboundEvent, type NormalizedEvent } from '../domain/events.js';
import { personTraitsFrom } from '../domain/traits.js';
import type { Orchestrator } from './orchestrator.js';

export interface IngestResult {
  messageId: string;
  contactId: string;
  /** False when the messageId was already stored: the retry is acknowledged, nothing is stored twice. */
  stored: boolean;
}

function identitiesOf(event: NormalizedEvent): Identity[] {
  const identities: Identity[] = [];
  if (event.userId !== null) identities.push({ kind: 'user', value: event.userId });
  if (event.anonymousId !== null) identities.push({ kind: 'anonymous', value: event.anonymousId });
  const email = emailOf(event);
  if (email !== undefined) identities.push({ kind: 'email', value: email });
  return identities;
}

function declaredTraitsOf(event: NormalizedEvent): Record<string, unknown> {
  if (event.type === 'identified') return event.traits;
  if (SIGN_UP_EVENTS.has(event.type)) {
    const traits = personTraitsFrom(event.properties);
    const email = emailOf(event);
    return email === undefined ? traits : { ...traits, email };
  }
  return {};
}

export function createIngestService(db: Db, orchestrator: Orchestrator) {
  /**
   * Stores one event durably, then hands the orchestration it causes to Temporal. The caller answers
   * 2xx only after both; a retry of the same messageId repeats the (idempotent) orchestration only.
   */
  async function ingest(event: InboundEvent, receivedAt: Date): Promise<IngestResult> {
    const normalized = normalizeEvent(event, receivedAt);
    const existing = await findEventByMessageId(db, normalized.messageId);
    let contactId: string;
    let stored = false;
    if (existing !== undefined) {
      contactId = existing.contact_id;
    } else {
      const outcome = await db.transaction().execute(async (trx) => {
        const id = await resolveContact(trx, identitiesOf(normalized));
        const insert = await insertEvent(trx, id, normalized);
        if (insert.stored) {
          const traits = declaredTraitsOf(normalized);
          if (Object.keys(traits).length > 0) await updateContactTraits(trx, id, traits, 'form', normalized.occurredAt);
        }
        return { id, stored: insert.stored };
      });
      contactId = outcome.id;
      stored = outcome.stored;
    }
    if (SIGN_UP_EVENTS.has(normalized.type) && emailOf(normalized) !== undefined) {
      await orchestrator.welcomeContact(contactId);
    }
    return { messageId: normalized.messageId, contactId, stored };
  }

  return { ingest };
}

export type IngestService = ReturnType<typeof createIngestService>;

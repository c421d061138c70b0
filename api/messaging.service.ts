import type { Db } from '../db/connection.js';
import { ensureEmailIdentity, listSubscriptions, setSubscriptions } from '../db/consent.repository.js';
import { findContact } from '../db/contact.repository.js';
import type { SubscriptionStatus } from '../domain/send-policy.js';
import type { IngestService } from './ingest.service.js';

/** What the API needs to answer signed links: the secret that signed them. */
export interface LinkSettings {
  secret: string;
}

/**
 * Consent changes and e-mail engagement coming back through links. Each becomes an event through the
 * ingestion service, the one write path of API events too, so scoring and journeys (a nurture
 * waiting for `email_clicked`) hear clicks, opens and unsubscribes like any event.
 */
export function createMessagingService(db: Db, ingest: IngestService) {
  /** Stores one event for a contact, attributed through its e-mail address; false when the contact has none left. */
  async function recordContactEvent(contactId: string, event: { messageId: string; type: string; properties: Record<string, unknown> }, now: Date): Promise<boolean> {
    const contact = await findContact(db, contactId);
    if (contact?.email === null || contact === undefined) return false;
    await ensureEmailIdentity(db, contact.id, contact.email);
    const at = now.toISOString();
    await ingest.record([
      { messageId: event.messageId, type: event.type, userId: null, anonymousId: null, occurredAt: at, receivedAt: at, properties: event.properties, traits: { email: contact.email }, context: { source: 'relance-link' } },
    ]);
    return true;
  }

  /** Changes topics and records an `unsubscribed` event per topic left; repeating the same change records nothing. */
  async function changeSubscriptions(
    contactId: string,
    changes: readonly { topic: string; status: SubscriptionStatus }[],
    source: string,
    context: { emailId?: string },
    now: Date,
  ) {
    const contact = await findContact(db, contactId);
    if (contact === undefined) return undefined;
    const changed = await setSubscriptions(db, contact.id, changes, source, now);
    for (const change of changed) {
      if (change.to !== 'unsubscribed') continue;
      // Only a real change gets here, so a repeated one-click POST records nothing new.
      const messageId = `unsubscribed:${contact.id}:${change.topic}:${now.getTime()}`;
      await recordContactEvent(contact.id, { messageId, type: 'unsubscribed', properties: { topic: change.topic, source, ...(context.emailId === undefined ? {} : { emailId: context.emailId }) } }, now);
    }
    return { contactId: contact.id, changed };
  }

  /** The topics a contact receives, for the preference centre a signed link opens. */
  const subscriptions = (contactId: string) => listSubscriptions(db, contactId);

  return { recordContactEvent, changeSubscriptions, subscriptions };
}

export type MessagingService = ReturnType<typeof createMessagingService>;

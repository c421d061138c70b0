import type { Transaction } from 'kysely';
import { NEWSLETTER_SIGN_UP, type NormalizedEvent } from '../../domain/events.js';
import { newsletterSignUps, signUpChanges } from '../../domain/sign-ups.js';
import { listSubscriptions, setSubscriptionsIn } from '../consent.repository.js';
import type { Database } from '../database.js';
import type { OrchestrationIntent } from '../outbox.repository.js';

/**
 * Subscribes the topics of a batch's newsletter sign-ups (domain/sign-ups.ts), in the transaction
 * that stores them; the confirmation e-mails a pending subscription calls for, as outbox intents.
 */
export async function subscribeSignUps(
  trx: Transaction<Database>,
  events: readonly NormalizedEvent[],
  contactOfEvent: readonly string[],
  hasEmail: ReadonlySet<string>,
  doubleOptIn: boolean,
  now: Date,
): Promise<OrchestrationIntent[]> {
  const intents: OrchestrationIntent[] = [];
  for (const [contactId, topics] of newsletterSignUps(events, contactOfEvent, hasEmail)) {
    const confirmed = new Set((await listSubscriptions(trx, contactId)).filter((subscription) => subscription.status === 'subscribed').map((subscription) => subscription.topic));
    const changed = await setSubscriptionsIn(trx, contactId, signUpChanges(topics, confirmed, doubleOptIn), `event:${NEWSLETTER_SIGN_UP}`, now);
    for (const change of changed) {
      if (change.to === 'pending') intents.push({ kind: 'subscription_confirmation', contactId, topic: change.topic, requestedAt: now.toISOString() });
    }
  }
  return intents;
}

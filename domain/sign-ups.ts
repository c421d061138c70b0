import { NEWSLETTER_SIGN_UP, signUpTopic, type NormalizedEvent } from './events.js';
import type { SubscriptionStatus } from './send-policy.js';

// A `newsletter_subscribed` event is consent: it subscribes its topic in the transaction that stores it.

/** The topics each contact signs up for through a batch's `newsletter_subscribed` events. */
export function newsletterSignUps(
  events: readonly NormalizedEvent[],
  /** The contact of the event at the same index. */
  contactOf: readonly string[],
  /** Contacts with an e-mail address. */
  hasEmail: ReadonlySet<string>,
): Map<string, Set<string>> {
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

/**
 * The subscriptions a sign-up asks for: consent anew (even after an unsubscribe), pending until the
 * contact confirms by e-mail under double opt-in; a confirmed subscription stays confirmed.
 */
export function signUpChanges(topics: ReadonlySet<string>, confirmed: ReadonlySet<string>, doubleOptIn: boolean): { topic: string; status: SubscriptionStatus }[] {
  return [...topics].filter((topic) => !confirmed.has(topic)).map((topic) => ({ topic, status: doubleOptIn ? 'pending' : 'subscribed' }));
}

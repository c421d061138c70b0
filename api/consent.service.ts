import type { Db } from '../db/connection.js';
import { findSuppression, listSubscriptions, removeSuppression, setSubscriptionsIn, suppressAddress } from '../db/consent.repository.js';
import { canonicalContactIds } from '../db/contact.repository.js';
import { enqueueIntents } from '../db/outbox.repository.js';
import type { SubscriptionStatus } from '../domain/send-policy.js';
import type { OutboxDispatcher } from '../orchestration/orchestrator.js';

type SuppressionReason = Parameters<typeof suppressAddress>[2];

/**
 * A contact's topics and the suppression list, as the API changes them. With double opt-in a new
 * subscription stays pending and its confirmation e-mail is an outbox intent written in the same
 * transaction, dispatched at once. `undefined` means no such contact (or no such suppression).
 */
export function createConsentService(deps: { db: Db; dispatcher: OutboxDispatcher; doubleOptIn: boolean; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const personOf = async (id: string): Promise<string | undefined> => (await canonicalContactIds(deps.db, [id])).get(id);
  const subscriptionsOf = async (contactId: string) => ({
    contactId,
    subscriptions: (await listSubscriptions(deps.db, contactId)).map((s) => ({ topic: s.topic, status: s.status, source: s.source, updatedAt: s.updatedAt.toISOString(), confirmedAt: s.confirmedAt?.toISOString() ?? null })),
  });
  const suppressionOf = async (address: string) => {
    const row = await findSuppression(deps.db, address);
    return row === undefined ? undefined : { address: address.toLowerCase(), reason: row.reason, detail: row.detail, createdAt: row.createdAt.toISOString() };
  };

  return {
    async subscriptions(id: string) {
      const contactId = await personOf(id);
      return contactId === undefined ? undefined : subscriptionsOf(contactId);
    },

    async setSubscriptions(id: string, topics: Record<string, 'subscribed' | 'unsubscribed'>, options: { doubleOptIn?: boolean | undefined; source: string }) {
      const contactId = await personOf(id);
      if (contactId === undefined) return undefined;
      const doubleOptIn = options.doubleOptIn ?? deps.doubleOptIn;
      const at = now();
      const current = new Map((await listSubscriptions(deps.db, contactId)).map((s) => [s.topic, s.status]));
      const changes = Object.entries(topics).map(([topic, wanted]) => {
        // An already confirmed subscription is not sent back to pending by a repeated sign-up.
        const status: SubscriptionStatus = wanted === 'subscribed' && doubleOptIn && current.get(topic) !== 'subscribed' ? 'pending' : wanted;
        return { topic, status };
      });
      const outboxIds = await deps.db.transaction().execute(async (trx) => {
        const changed = await setSubscriptionsIn(trx, contactId, changes, options.source, at);
        const intents = changed.filter((change) => change.to === 'pending').map((change) => ({ kind: 'subscription_confirmation' as const, contactId, topic: change.topic, requestedAt: at.toISOString() }));
        return enqueueIntents(trx, intents);
      });
      await deps.dispatcher.dispatchNow(outboxIds);
      return subscriptionsOf(contactId);
    },

    async suppress(address: string, reason: SuppressionReason, detail: string | null) {
      await suppressAddress(deps.db, address, reason, detail);
      const written = await suppressionOf(address);
      if (written === undefined) throw new Error('suppression vanished right after it was written');
      return written;
    },

    suppression: suppressionOf,

    /** False when the address was not suppressed. */
    liftSuppression: (address: string) => removeSuppression(deps.db, address),
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;

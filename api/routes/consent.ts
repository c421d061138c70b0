import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import { findSuppression, listSubscriptions, removeSuppression, setSubscriptionsIn, suppressAddress } from '../../db/consent.repository.js';
import { canonicalContactIds } from '../../db/contact.repository.js';
import { enqueueIntents } from '../../db/outbox.repository.js';
import { ALL_TOPICS, TOPIC_PATTERN, type SubscriptionStatus } from '../../domain/send-policy.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import { ErrorResponse, HttpError } from '../errors.js';
import type { OutboxDispatcher } from '../../orchestration/orchestrator.js';

const ContactParams = z.object({ id: z.uuid() });
const Topic = z
  .string()
  .regex(TOPIC_PATTERN, 'a topic is lowercase letters, digits and _, at most 40 (newsletter, promotions, product_news or your own)')
  .refine((topic) => topic !== ALL_TOPICS, '"all" is reserved for an unsubscribe from everything');

const SubscriptionsBody = z.object({
  topics: z
    .record(Topic, z.enum(['subscribed', 'unsubscribed']))
    .refine((topics) => Object.keys(topics).length > 0, 'at least one topic')
    .describe('topic → subscribed | unsubscribed'),
  doubleOptIn: z.boolean().optional().describe('send a confirmation e-mail first; defaults to the DOUBLE_OPT_IN setting'),
});

const SubscriptionsResponse = z.object({
  contactId: z.string(),
  subscriptions: z.array(z.object({ topic: z.string(), status: z.enum(['subscribed', 'pending', 'unsubscribed']), source: z.string(), updatedAt: z.string(), confirmedAt: z.string().nullable() })),
});

const SuppressionBody = z.object({
  address: z.email().max(320),
  reason: z.enum(['complaint', 'manual', 'hard_bounce']),
  detail: z.string().max(500).optional(),
});
const AddressParams = z.object({ address: z.email().max(320) });
const SuppressionResponse = z.object({ address: z.string(), reason: z.string(), detail: z.string().nullable(), createdAt: z.string() });

export function registerConsentRoutes(app: ApiInstance, deps: { db: Db; auth: Authenticator; dispatcher: OutboxDispatcher; doubleOptIn: boolean }): void {
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const contactIdOf = async (id: string) => (await canonicalContactIds(deps.db, [id])).get(id) ?? (() => { throw new HttpError(404, 'not_found', `no contact ${id}`); })();
  const subscriptionsOf = async (contactId: string) => ({
    contactId,
    subscriptions: (await listSubscriptions(deps.db, contactId)).map((s) => ({ topic: s.topic, status: s.status, source: s.source, updatedAt: s.updatedAt.toISOString(), confirmedAt: s.confirmedAt?.toISOString() ?? null })),
  });

  app.get(
    '/v1/contacts/:id/subscriptions',
    { onRequest: deps.auth.requireRole('admin', 'sales'), schema: { summary: 'The topics a contact receives, with who changed each and when', tags: ['consent'], params: ContactParams, response: { 200: SubscriptionsResponse, ...errors } } },
    async (request) => subscriptionsOf(await contactIdOf(request.params.id)),
  );

  app.put(
    '/v1/contacts/:id/subscriptions',
    {
      onRequest: deps.auth.requireRole('write', 'admin'),
      schema: {
        summary: 'Subscribe or unsubscribe topics; with double opt-in a subscription stays pending until the contact confirms by e-mail',
        tags: ['consent'],
        params: ContactParams,
        body: SubscriptionsBody,
        response: { 200: SubscriptionsResponse, ...errors },
      },
    },
    async (request) => {
      const contactId = await contactIdOf(request.params.id);
      const principal = requirePrincipal(request);
      const doubleOptIn = request.body.doubleOptIn ?? deps.doubleOptIn;
      const now = new Date();
      const current = new Map((await listSubscriptions(deps.db, contactId)).map((s) => [s.topic, s.status]));
      const changes = Object.entries(request.body.topics).map(([topic, wanted]) => {
        // An already confirmed subscription is not sent back to pending by a repeated sign-up.
        const status: SubscriptionStatus = wanted === 'subscribed' && doubleOptIn && current.get(topic) !== 'subscribed' ? 'pending' : wanted;
        return { topic, status };
      });
      const outboxIds = await deps.db.transaction().execute(async (trx) => {
        const changed = await setSubscriptionsIn(trx, contactId, changes, `api:${principal.role}:${principal.name}`, now);
        const intents = changed.filter((change) => change.to === 'pending').map((change) => ({ kind: 'subscription_confirmation' as const, contactId, topic: change.topic, requestedAt: now.toISOString() }));
        return enqueueIntents(trx, intents);
      });
      await deps.dispatcher.dispatchNow(outboxIds);
      return subscriptionsOf(contactId);
    },
  );

  app.post(
    '/v1/suppressions',
    { onRequest: deps.auth.requireRole('admin'), schema: { summary: 'Block an address from marketing mail (complaint, manual) or from all mail (hard_bounce)', tags: ['consent'], body: SuppressionBody, response: { 200: SuppressionResponse, ...errors } } },
    async (request) => {
      await suppressAddress(deps.db, request.body.address, request.body.reason, request.body.detail ?? null);
      const row = await findSuppression(deps.db, request.body.address);
      if (row === undefined) throw new Error('suppression vanished right after it was written');
      return { address: request.body.address.toLowerCase(), reason: row.reason, detail: row.detail, createdAt: row.createdAt.toISOString() };
    },
  );

  app.get(
    '/v1/suppressions/:address',
    { onRequest: deps.auth.requireRole('admin'), schema: { summary: 'Whether and why an address is suppressed', tags: ['consent'], params: AddressParams, response: { 200: SuppressionResponse, ...errors } } },
    async (request) => {
      const row = await findSuppression(deps.db, request.params.address);
      if (row === undefined) throw new HttpError(404, 'not_found', 'this address is not suppressed');
      return { address: request.params.address.toLowerCase(), reason: row.reason, detail: row.detail, createdAt: row.createdAt.toISOString() };
    },
  );

  app.delete(
    '/v1/suppressions/:address',
    { onRequest: deps.auth.requireRole('admin'), schema: { summary: 'Lift a suppression (e.g. a mailbox that works again)', tags: ['consent'], params: AddressParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      if (!(await removeSuppression(deps.db, request.params.address))) throw new HttpError(404, 'not_found', 'this address is not suppressed');
      return reply.status(204).send(null);
    },
  );
}

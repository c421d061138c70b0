import { z } from 'zod';
import { ALL_TOPICS, TOPIC_PATTERN } from '../../domain/send-policy.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import type { ConsentService } from '../consent.service.js';
import { ErrorResponse, HttpError } from '../errors.js';

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

export function registerConsentRoutes(app: ApiInstance, deps: { consent: ConsentService; auth: Authenticator }): void {
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const noContact = (id: string): never => {
    throw new HttpError(404, 'not_found', `no contact ${id}`);
  };
  const notSuppressed = (): never => {
    throw new HttpError(404, 'not_found', 'this address is not suppressed');
  };

  app.get(
    '/v1/contacts/:id/subscriptions',
    { onRequest: deps.auth.requireRole('admin', 'sales'), schema: { summary: 'The topics a contact receives, with who changed each and when', tags: ['consent'], params: ContactParams, response: { 200: SubscriptionsResponse, ...errors } } },
    async (request) => (await deps.consent.subscriptions(request.params.id)) ?? noContact(request.params.id),
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
      const principal = requirePrincipal(request);
      const source = `api:${principal.role}:${principal.name}`;
      return (await deps.consent.setSubscriptions(request.params.id, request.body.topics, { doubleOptIn: request.body.doubleOptIn, source })) ?? noContact(request.params.id);
    },
  );

  app.post(
    '/v1/suppressions',
    { onRequest: deps.auth.requireRole('admin'), schema: { summary: 'Block an address from marketing mail (complaint, manual) or from all mail (hard_bounce)', tags: ['consent'], body: SuppressionBody, response: { 200: SuppressionResponse, ...errors } } },
    async (request) => deps.consent.suppress(request.body.address, request.body.reason, request.body.detail ?? null),
  );

  app.get(
    '/v1/suppressions/:address',
    { onRequest: deps.auth.requireRole('admin'), schema: { summary: 'Whether and why an address is suppressed', tags: ['consent'], params: AddressParams, response: { 200: SuppressionResponse, ...errors } } },
    async (request) => (await deps.consent.suppression(request.params.address)) ?? notSuppressed(),
  );

  app.delete(
    '/v1/suppressions/:address',
    { onRequest: deps.auth.requireRole('admin'), schema: { summary: 'Lift a suppression (e.g. a mailbox that works again)', tags: ['consent'], params: AddressParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      if (!(await deps.consent.liftSuppression(request.params.address))) notSuppressed();
      return reply.status(204).send(null);
    },
  );
}

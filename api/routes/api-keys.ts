import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import { AllowedOrigins } from '../../domain/browser-origins.js';
import { createApiKeyService } from '../api-keys.service.js';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { ErrorResponse } from '../errors.js';

const Role = z.enum(['write', 'admin', 'sales', 'shop']);
const KeyView = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  prefix: z.string().describe('the first 12 characters: enough to tell keys apart, useless to authenticate'),
  owner: z.string().nullable(),
  allowedOrigins: z.array(z.string()).nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const NewKey = z.strictObject({
  name: z.string().trim().min(1, 'a key needs a name').max(200),
  role: Role,
  owner: z.string().trim().min(1).max(320).optional().describe('the rep or team of a sales key'),
  allowedOrigins: AllowedOrigins.optional().describe('web pages a write key may send from'),
});
const Created = z.object({
  id: z.string(),
  key: z.string().describe('shown this once: only its SHA-256 is stored'),
  prefix: z.string(),
  role: Role,
  name: z.string(),
  allowedOrigins: z.array(z.string()).nullable(),
});

export function registerApiKeyRoutes(app: ApiInstance, deps: { db: Db; auth: Authenticator }): void {
  const admin = deps.auth.requireRole('admin');
  const keys = createApiKeyService(deps);
  const tags = ['keys'];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  app.get('/v1/api-keys', { onRequest: admin, schema: { summary: 'API keys, revoked ones too, without their secret (admin)', tags, response: { 200: z.object({ keys: z.array(KeyView) }), ...errors } } }, async () => ({
    keys: await keys.list(),
  }));

  app.post(
    '/v1/api-keys',
    { onRequest: admin, schema: { summary: 'Create an API key: the answer holds the key, shown once (admin)', tags, body: NewKey, response: { 201: Created, ...errors } } },
    async (request, reply) => reply.status(201).send(await keys.create(request.body)),
  );

  app.post(
    '/v1/api-keys/:id/revoke',
    { onRequest: admin, schema: { summary: 'Revoke an API key (admin)', tags, params: z.object({ id: z.uuid() }), response: { 200: z.object({ revoked: z.boolean() }), ...errors } } },
    async (request) => {
      await keys.revoke(request.params.id);
      return { revoked: true };
    },
  );
}

import type { Db } from '../db/connection.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeySummary } from '../db/api-key.repository.js';
import type { ApiKeyRole } from '../db/api-key.types.js';
import type { Authenticator } from './auth.js';
import { HttpError } from './errors.js';

// API keys over HTTP for the console's settings, the same rules as `npm run keys`: the key is
// answered once at creation and only its SHA-256 is stored.

const view = (key: ApiKeySummary) => ({
  id: key.id,
  name: key.name,
  role: key.role,
  prefix: key.key_prefix,
  owner: key.owner,
  allowedOrigins: key.allowed_origins,
  createdAt: key.created_at.toISOString(),
  lastUsedAt: key.last_used_at?.toISOString() ?? null,
  revokedAt: key.revoked_at?.toISOString() ?? null,
});

export function createApiKeyService(deps: { db: Db; auth: Authenticator }) {
  return {
    async list() {
      return (await listApiKeys(deps.db)).map(view);
    },

    async create(input: { name: string; role: ApiKeyRole; owner?: string | undefined; allowedOrigins?: string[] | undefined }) {
      // The repository's own checks, said as the field they are about (the schema cannot see across fields).
      if (input.role === 'sales' && input.owner === undefined) throw new HttpError(400, 'invalid_request', 'owner: a sales key needs an owner', [{ path: 'owner', message: 'a sales key needs an owner (the rep or team it belongs to)' }]);
      if (input.role !== 'write' && input.allowedOrigins !== undefined) {
        throw new HttpError(400, 'invalid_request', 'allowedOrigins: only a write key may allow browser origins', [{ path: 'allowedOrigins', message: 'only a write key may be used from a web page' }]);
      }
      return createApiKey(deps.db, { name: input.name, role: input.role, owner: input.owner ?? null, allowedOrigins: input.allowedOrigins ?? null });
    },

    async revoke(id: string): Promise<void> {
      if (!(await revokeApiKey(deps.db, id))) throw new HttpError(404, 'not_found', `no active API key ${id}`);
      // This process stops accepting it at once; other API processes within their cache time (30 s).
      deps.auth.clearCache();
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

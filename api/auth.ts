import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import {
  findApiKeyByHash,
  hashApiKey,
  looksLikeApiKey,
  touchApiKey,
  type ApiKeyDatabase,
  type ApiKeySummary,
} from '../db/api-key.repository.js';
import type { ApiKeyRole } from '../db/api-key.types.js';
import { HttpError } from './errors.js';

export type Role = ApiKeyRole;

/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  keyId: string;
  role: Role;
  name: string;
  /** The rep or team of a sales key. */
  owner: string | null;
}

export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'revoked';

/** Why a request is not authenticated; the message is safe to send back: it never contains the key. */
export interface AuthFailure {
  reason: AuthFailureReason;
  message: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by an authenticator's `requireRole` hook on the routes that require a key. */
    principal?: Principal;
  }
}

export const WWW_AUTHENTICATE = 'Basic realm="relance", Bearer';

// Far above any real key (36 characters, 55 in Basic): a longer header is refused before it is decoded or hashed.
const MAX_HEADER_LENGTH = 1024;
const BASE64 = /^[A-Za-z0-9+/\-_]+={0,2}$/;

const MESSAGES = {
  missing:
    'missing API key: send it as HTTP Basic credentials (the key as the username, empty password) or as "Authorization: Bearer <key>"',
  tooLong: 'malformed Authorization header: too long to hold an API key',
  shape: 'malformed Authorization header: expected "Basic <base64 of key:>" or "Bearer <key>"',
  scheme: 'malformed Authorization header: unsupported scheme, use Basic or Bearer',
  base64: 'malformed Basic credentials: not valid base64',
  emptyBasic: 'malformed Basic credentials: no key, send it as the username (empty password) or as the password',
  notAKey: 'malformed API key: a Relance key is rlw_, rla_, rls_ or rlp_ followed by 32 letters and digits',
  unknown: 'unknown API key',
  revoked: 'this API key has been revoked',
} as const;

const failure = (reason: AuthFailureReason, message: string): AuthFailure => ({ reason, message });

export function isAuthFailure<T extends object>(result: T | AuthFailure): result is AuthFailure {
  return 'reason' in result;
}

/**
 * Reads the API key from an Authorization header, without touching the database.
 * Basic: Segment's libraries send the write key as the username with an empty password; other
 * clients put it in the password with any username, so the key is whichever part holds one.
 */
export function parseAuthorization(header: string | undefined): { key: string } | AuthFailure {
  if (header === undefined || header.trim() === '') return failure('missing', MESSAGES.missing);
  if (header.length > MAX_HEADER_LENGTH) return failure('malformed', MESSAGES.tooLong);
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (match === null) return failure('malformed', MESSAGES.shape);
  const scheme = match[1]!.toLowerCase();
  const credentials = match[2]!;

  let key: string;
  if (scheme === 'bearer') {
    key = credentials;
  } else if (scheme === 'basic') {
    if (!BASE64.test(credentials) || credentials.replace(/=+$/, '').length % 4 === 1) {
      return failure('malformed', MESSAGES.base64);
    }
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon === -1 ? decoded : decoded.slice(0, colon);
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    if (password === '') key = username;
    else if (username === '') key = password;
    else key = looksLikeApiKey(username) && !looksLikeApiKey(password) ? username : password;
    if (key === '') return failure('malformed', MESSAGES.emptyBasic);
  } else {
    // The scheme is not echoed: a client that sends the bare key puts it where the scheme goes.
    return failure('malformed', MESSAGES.scheme);
  }
  if (!looksLikeApiKey(key)) return failure('malformed', MESSAGES.notAKey);
  return { key };
}

const ROLE_LIMITS: Record<Role, string> = {
  write: 'a write key can only send events',
  admin: 'an admin key is not accepted here',
  sales: 'a sales key can only work on its own leads',
  shop: 'a shop key can only check and redeem coupons',
};

function describeRoles(roles: readonly Role[]): string {
  const article = roles[0] === 'admin' ? 'an' : 'a';
  const names = roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`;
  return `${article} ${names} key`;
}

export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface Authenticator {
  /** The principal behind an Authorization header, or why there is none. Rejects only if the database fails. */
  authenticate(authorizationHeader: string | undefined): Promise<Principal | AuthFailure>;
  /**
   * A route's `onRequest` hook: 401 without a valid key, 403 when the key's role is not one of
   * `roles`. It runs before the body is read or validated, so a caller without the right key learns
   * nothing about the route's schema and cannot make the API parse a large body.
   */
  requireRole(...roles: Role[]): AuthHook;
  /** Forgets every cached lookup, e.g. right after revoking a key in this process. */
  clearCache(): void;
}

export interface AuthenticatorOptions {
  /** How long a lookup (found or not) is reused: also how long a revoked key may keep working. */
  cacheTtlMs?: number;
  /** Bound on each cache (known keys, unknown keys): a flood of made-up keys cannot grow memory or evict real keys. */
  maxCacheEntries?: number;
  /** How often a key's last_used_at is written, at most. */
  touchIntervalMs?: number;
  now?: () => number;
  /** Console sessions (api/console-auth.ts): asked first when a request has no Authorization header; undefined means no session cookie. */
  session?: (request: FastifyRequest) => Promise<Principal | undefined>;
}

class ExpiringCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    // Maps iterate in insertion order, so the first entry is the oldest.
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}

export function createAuthenticator<DB extends ApiKeyDatabase>(db: Kysely<DB>, options: AuthenticatorOptions = {}): Authenticator {
  const ttl = options.cacheTtlMs ?? 30_000;
  const touchInterval = options.touchIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const maxEntries = options.maxCacheEntries ?? 10_000;
  // Keyed by the key's hash: the plaintext key is never kept in memory beyond the request.
  const known = new ExpiringCache<ApiKeySummary>(maxEntries);
  const unknown = new ExpiringCache<true>(maxEntries);
  const inFlight = new Map<string, Promise<ApiKeySummary | undefined>>();
  const touchedAt = new Map<string, number>();

  function lookup(keyHash: string): Promise<ApiKeySummary | undefined> {
    const at = now();
    const hit = known.get(keyHash, at);
    if (hit !== undefined) return Promise.resolve(hit);
    if (unknown.get(keyHash, at) === true) return Promise.resolve(undefined);
    // Concurrent requests with one key share a single query.
    let pending = inFlight.get(keyHash);
    if (pending === undefined) {
      pending = findApiKeyByHash(db, keyHash)
        .then((row) => {
          if (ttl > 0) {
            if (row === undefined) unknown.set(keyHash, true, now() + ttl);
            else known.set(keyHash, row, now() + ttl);
          }
          return row;
        })
        .finally(() => inFlight.delete(keyHash));
      inFlight.set(keyHash, pending);
    }
    return pending;
  }

  function touch(keyId: string): void {
    const at = now();
    const last = touchedAt.get(keyId);
    if (last !== undefined && at - last < touchInterval) return;
    touchedAt.set(keyId, at);
    // last_used_at is informational: the request does not wait for it, and a failed write only
    // means the next request tries again.
    touchApiKey(db, keyId).catch(() => touchedAt.delete(keyId));
  }

  async function authenticate(authorizationHeader: string | undefined): Promise<Principal | AuthFailure> {
    const parsed = parseAuthorization(authorizationHeader);
    if (isAuthFailure(parsed)) return parsed;
    const row = await lookup(hashApiKey(parsed.key));
    if (row === undefined) return failure('unknown', MESSAGES.unknown);
    if (row.revoked_at !== null) return failure('revoked', MESSAGES.revoked);
    touch(row.id);
    return { keyId: row.id, role: row.role, name: row.name, owner: row.owner };
  }

  function requireRole(...roles: Role[]): AuthHook {
    if (roles.length === 0) throw new Error('requireRole needs at least one role');
    const allowed = new Set(roles);
    return async function requireApiKey(request, reply) {
      const result = (request.headers.authorization === undefined ? await options.session?.(request) : undefined) ?? (await authenticate(request.headers.authorization));
      if (isAuthFailure(result)) {
        // The error handler answers on this reply, so the header set here goes out with the 401.
        reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
        throw new HttpError(401, 'unauthorized', result.message);
      }
      if (!allowed.has(result.role)) {
        throw new HttpError(403, 'forbidden', `${ROLE_LIMITS[result.role]}: this endpoint needs ${describeRoles(roles)}`);
      }
      request.principal = result;
    };
  }

  return {
    authenticate,
    requireRole,
    clearCache() {
      known.clear();
      unknown.clear();
    },
  };
}

/** The principal of a route guarded by `requireRole`; a route without it is a programming error. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Error(`route ${request.routeOptions.url ?? request.url} has no requireRole hook`);
  return request.principal;
}

import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApiKeyRole, ApiKeyTable } from './api-key.types.js';

/** The tables this repository needs; any Kysely database that has them will do. */
export interface ApiKeyDatabase {
  api_keys: ApiKeyTable;
}

/** A key as it may be shown: everything but the hash. */
export type ApiKeySummary = Omit<Selectable<ApiKeyTable>, 'key_hash'>;

export interface CreatedApiKey {
  id: string;
  /** The plaintext key: returned here once, never stored, never retrievable again. */
  key: string;
  prefix: string;
  role: ApiKeyRole;
  name: string;
  /** The browser origins it allows; null for a key no page may use. */
  allowedOrigins: string[] | null;
}

const KEY_PREFIXES: Record<ApiKeyRole, string> = { write: 'rlw_', admin: 'rla_', sales: 'rls_', shop: 'rlp_' };
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 32;
const DISPLAY_PREFIX_LENGTH = 12;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Relance key: `rlw_` (write), `rla_` (admin), `rls_` (sales) or `rlp_` (shop: point of sale), then 32 base62 characters (~190 bits). */
export const API_KEY_PATTERN = /^rl[wasp]_[0-9A-Za-z]{32}$/;

export function looksLikeApiKey(candidate: string): boolean {
  return API_KEY_PATTERN.test(candidate);
}

/**
 * SHA-256 rather than a slow password hash: the key is 190 random bits, so there is nothing to
 * brute-force, and ingestion verifies a key on every request.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length + 8)) {
      // 248 = 4 × 62: bytes above it are dropped so every character is equally likely.
      if (byte >= 248) continue;
      out += BASE62.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateApiKey(role: ApiKeyRole): string {
  return `${KEY_PREFIXES[role]}${randomBase62(SECRET_LENGTH)}`;
}

// Kysely's database type is invariant: a Kysely<Database> is not a Kysely<ApiKeyDatabase> even
// when it has the table. The functions accept any database holding api_keys and narrow it here.
function keys<DB extends ApiKeyDatabase>(db: Kysely<DB>): Kysely<ApiKeyDatabase> {
  return db as unknown as Kysely<ApiKeyDatabase>;
}

const SUMMARY_COLUMNS = ['id', 'name', 'role', 'key_prefix', 'owner', 'allowed_origins', 'created_at', 'revoked_at', 'last_used_at'] as const;

// Browser origins go only on write keys: the one key that is public in a page. An admin or sales
// key usable from a browser would hand anyone who opens the page's source the contacts or the leads.
// (Migration 0014's check says the same to any other writer of the table.)
const ORIGINS_NEED_A_WRITE_KEY = 'only a write key may allow browser origins: no other key may ever be used from a web page';

function checkOrigins(role: ApiKeyRole, origins: readonly string[] | null | undefined): string[] | null {
  if (origins === undefined || origins === null) return null;
  if (role !== 'write') throw new Error(ORIGINS_NEED_A_WRITE_KEY);
  if (origins.length === 0) throw new Error('a browser source allows at least one origin');
  return [...origins];
}

export async function createApiKey<DB extends ApiKeyDatabase>(
  db: Kysely<DB>,
  input: {
    name: string;
    role: ApiKeyRole;
    owner?: string | null;
    /** Browser origins, canonical as domain/browser-origins.ts's AllowedOrigins parses them; write keys only. */
    allowedOrigins?: readonly string[] | null;
  },
): Promise<CreatedApiKey> {
  const name = input.name.trim();
  const owner = input.owner?.trim() || null;
  if (name === '') throw new Error('an API key needs a name');
  if (!Object.hasOwn(KEY_PREFIXES, input.role)) throw new Error(`unknown API key role "${input.role}"`);
  if (input.role === 'sales' && owner === null) throw new Error('a sales key needs an owner (the rep or team it belongs to)');
  const allowedOrigins = checkOrigins(input.role, input.allowedOrigins);

  const key = generateApiKey(input.role);
  const prefix = key.slice(0, DISPLAY_PREFIX_LENGTH);
  const row = await keys(db)
    .insertInto('api_keys')
    .values({ name, role: input.role, key_hash: hashApiKey(key), key_prefix: prefix, owner, allowed_origins: allowedOrigins })
    .returning(['id', 'role', 'name', 'allowed_origins'])
    .executeTakeFirstOrThrow();
  return { id: row.id, key, prefix, role: row.role, name: row.name, allowedOrigins: row.allowed_origins };
}

/** The key with this hash, revoked or not, so the caller can say which; undefined if unknown. */
export async function findApiKeyByHash<DB extends ApiKeyDatabase>(db: Kysely<DB>, keyHash: string): Promise<ApiKeySummary | undefined> {
  return keys(db).selectFrom('api_keys').select(SUMMARY_COLUMNS).where('key_hash', '=', keyHash).executeTakeFirst();
}

/** The key if it exists and is not revoked. */
export async function findActiveApiKey<DB extends ApiKeyDatabase>(db: Kysely<DB>, key: string): Promise<ApiKeySummary | undefined> {
  return keys(db)
    .selectFrom('api_keys')
    .select(SUMMARY_COLUMNS)
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function listApiKeys<DB extends ApiKeyDatabase>(db: Kysely<DB>): Promise<ApiKeySummary[]> {
  return keys(db).selectFrom('api_keys').select(SUMMARY_COLUMNS).orderBy('created_at').orderBy('id').execute();
}

/** Revokes an active key; false when no active key has this id (unknown, malformed or already revoked). */
export async function revokeApiKey<DB extends ApiKeyDatabase>(db: Kysely<DB>, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const revoked = await keys(db)
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return revoked !== undefined;
}

export type SetOriginsOutcome = 'updated' | 'not_found' | 'not_a_write_key';

/**
 * Replaces the browser origins of an active write key (null: no page may use it any more). Running
 * APIs apply the change within their cache time (api/browser-sources.ts).
 */
export async function setApiKeyOrigins<DB extends ApiKeyDatabase>(db: Kysely<DB>, id: string, origins: readonly string[] | null): Promise<SetOriginsOutcome> {
  if (!UUID.test(id)) return 'not_found';
  const key = await keys(db).selectFrom('api_keys').select('role').where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  if (key === undefined) return 'not_found';
  if (key.role !== 'write' && origins !== null) return 'not_a_write_key';
  await keys(db)
    .updateTable('api_keys')
    .set({ allowed_origins: checkOrigins(key.role, origins) })
    .where('id', '=', id)
    .execute();
  return 'updated';
}

/** Every active browser source: the write keys with origins, as the API's CORS checks read them. */
export async function listBrowserSources<DB extends ApiKeyDatabase>(db: Kysely<DB>): Promise<{ id: string; allowedOrigins: string[] }[]> {
  const rows = await keys(db)
    .selectFrom('api_keys')
    .select(['id', 'allowed_origins'])
    .where('allowed_origins', 'is not', null)
    .where('role', '=', 'write')
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map((row) => ({ id: row.id, allowedOrigins: row.allowed_origins ?? [] }));
}

/**
 * Records that a key was used. The condition makes it a no-op within a minute of the last write,
 * so a busy key costs one row update a minute, not one per request, whatever the number of processes.
 */
export async function touchApiKey<DB extends ApiKeyDatabase>(db: Kysely<DB>, id: string): Promise<void> {
  await keys(db)
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}

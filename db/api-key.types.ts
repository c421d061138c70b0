import type { Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './database.js';

/** What a key may do: `write` only sends events, `admin` reads and configures, `sales` works its owner's leads, `shop` checks and redeems coupons (a checkout, a till). */
export type ApiKeyRole = 'write' | 'admin' | 'sales' | 'shop';

/** Keys are stored as their SHA-256 only: a leaked table or backup holds no usable key. */
export interface ApiKeyTable {
  id: Generated<string>;
  name: string;
  role: ApiKeyRole;
  /** sha256 hex of the full key. */
  key_hash: string;
  /** The key's first 12 characters: enough to tell keys apart in a list, useless to authenticate. */
  key_prefix: string;
  /** The rep or team a sales key belongs to. */
  owner: string | null;
  /**
   * A write key usable from web pages: the origins (CORS) allowed to send with it
   * (domain/browser-origins.ts). Null for every other key: no page may use it.
   */
  allowed_origins: string[] | null;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

import type { Traits } from '../domain/traits.js';
import type { CreatedAt, Json, Timestamp } from './database.js';

/** An account (Segment's group): the company B2B contacts belong to, keyed by the sender's groupId. */
export interface AccountTable {
  id: string;
  /** Each value with its source and time, as on a contact: the newest group call's value wins. */
  traits: Json<Traits>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AccountMemberTable {
  account_id: string;
  contact_id: string;
  joined_at: Timestamp;
  /** The last group call that named this membership. */
  updated_at: Timestamp;
}

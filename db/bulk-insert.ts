import { sql, type Transaction } from 'kysely';
import type { Database } from './database.js';

// Batch writes on the ingestion path send their rows as ONE JSON parameter, expanded by
// jsonb_to_recordset, instead of a multi-row VALUES list with a bind parameter per cell: 500 events
// were 5,000 parameters for Kysely to compile, pg to serialize one by one and PostgreSQL to parse and
// type; the JSON text is built natively, parsed once by the server, and has no 65,535-parameter cap.

type Trx = Transaction<Database>;

// JSON.stringify writes a lone UTF-16 surrogate as an escape (\ud800) that PostgreSQL refuses, failing
// the whole batch; as a bind parameter of its own the same string was encoded with U+FFFD in its place,
// so it becomes U+FFFD here too. An even run of backslashes before it is escaped backslashes, not an escape.
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi;

/** One JSON parameter holding rows, typed as jsonb for jsonb_to_recordset. */
export function jsonRows(rows: readonly object[]) {
  let text = JSON.stringify(rows);
  // JSON.stringify writes its escapes in lower case; the plain search is the cheap common case.
  if (text.includes('\\ud')) text = text.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd');
  return sql`${text}::jsonb`;
}

export interface EventRow {
  message_id: string;
  contact_id: string;
  type: string;
  user_id: string | null;
  anonymous_id: string | null;
  /** ISO 8601. */
  occurred_at: string;
  received_at: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
}

/** Inserts events, each message id new (the unique key refuses a stored one); returns their ids. */
export async function insertEventRows(trx: Trx, rows: readonly EventRow[]): Promise<{ id: number; message_id: string }[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: number; message_id: string }>`
    insert into events (message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context)
    select message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context
    from jsonb_to_recordset(${jsonRows(rows)}) as r(
      message_id text, contact_id uuid, type text, user_id text, anonymous_id text,
      occurred_at timestamptz, received_at timestamptz, properties jsonb, traits jsonb, context jsonb)
    returning id, message_id`.execute(trx);
  return result.rows;
}
